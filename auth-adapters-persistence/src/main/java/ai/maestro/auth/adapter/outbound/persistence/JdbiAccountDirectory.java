package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.JdbiException;

/** The accounts: one row per (provider, account), a label unique per provider, one default per provider. */
final class JdbiAccountDirectory implements AccountDirectory {
    private final StoreGate gate;
    private final Clock clock;

    JdbiAccountDirectory(StoreGate gate, Clock clock) {
        this.gate = gate;
        this.clock = clock;
    }

    @Override
    public List<Account> accounts(ProviderId provider) {
        return gate.visit(() -> StoreRows.accountsOf(gate.connections(), provider));
    }

    @Override
    public Account register(ProviderId provider, String accountId, String label) {
        Account.requireValidLabel(label);
        return gate.visit(() -> gate.jdbi().withHandle(h -> register(h, provider, accountId, label)));
    }

    Account register(Handle h, ProviderId provider, String accountId, String label) {
        Optional<Account> known = StoreRows.accountOf(h, provider, accountId);
        if (known.isPresent()) {
            return known.get();
        }
        try {
            h.createUpdate(StoreSql.INSERT_ACCOUNT).bind("provider", provider.name()).bind("account", accountId)
                    .bind("label", label).bind("createdAt", StoreRows.utc(clock.instant())).execute();
            gate.access().changed(h);
        } catch (JdbiException e) {
            if (!StoreRows.isUniqueViolation(e)) {
                throw e;
            }
            // Another process added this account, or another account took the label, at the same moment.
            return StoreRows.accountOf(h, provider, accountId).orElseThrow(() -> labelTaken(provider, label));
        }
        return StoreRows.accountOf(h, provider, accountId).orElseThrow();
    }

    @Override
    public boolean relabel(ProviderId provider, String accountId, String label) {
        Account.requireValidLabel(label);
        return gate.visit(() -> gate.jdbi().withHandle(h -> {
            try {
                return changed(h, h.createUpdate(StoreSql.RELABEL).bind("provider", provider.name())
                        .bind("account", accountId).bind("label", label).execute());
            } catch (JdbiException e) {
                if (StoreRows.isUniqueViolation(e)) {
                    throw labelTaken(provider, label);
                }
                throw e;
            }
        }));
    }

    @Override
    public boolean makeDefault(ProviderId provider, String accountId) {
        return gate.visit(() -> gate.jdbi().withHandle(h -> changed(h, h.createUpdate(StoreSql.MAKE_DEFAULT)
                .bind("provider", provider.name()).bind("account", accountId).execute())));
    }

    private boolean changed(Handle h, int rows) {
        if (rows > 0) {
            gate.access().changed(h);
        }
        return rows > 0;
    }

    private static CredentialStoreException labelTaken(ProviderId provider, String label) {
        return new CredentialStoreException("Another " + provider.cliName() + " account is labelled '" + label + "'.",
                null, "Choose another label with --account.", null);
    }
}
