package ai.maestro.auth.application.port.outbound;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.ProviderId;
import java.util.List;

/** The accounts stored per provider: their labels and which one is the default. */
public interface AccountDirectory {

    /** The provider's accounts, oldest first. */
    List<Account> accounts(ProviderId provider);

    /**
     * Adds the account under {@code label} unless it is stored already (then it is returned as it
     * is). The first account of a provider becomes its default. Throws
     * {@link ai.maestro.auth.domain.error.CredentialStoreException} when another account of the
     * provider holds the label.
     */
    Account register(ProviderId provider, String accountId, String label);

    /** Gives a stored account a new label; false when the account is not stored. */
    boolean relabel(ProviderId provider, String accountId, String label);

    /** Makes a stored account the provider's default; false when it is not stored. */
    boolean makeDefault(ProviderId provider, String accountId);
}
