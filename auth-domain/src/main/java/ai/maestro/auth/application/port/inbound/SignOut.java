package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.Revocation;
import java.util.List;

/** What a sign-out did. */
public sealed interface SignOut {
    /** Nothing was stored for the provider. */
    record NothingStored() implements SignOut {
    }

    /** Several accounts are stored and none was named: which one goes must be said. Nothing was done. */
    record WhichAccount(List<Account> stored) implements SignOut {
        public WhichAccount {
            stored = List.copyOf(stored);
        }
    }

    /** Each account left, with what its provider was told; {@code stored} is how many there were. */
    record Done(List<Left> left, int stored) implements SignOut {
        public Done {
            left = List.copyOf(left);
        }

        public boolean deletedAny() {
            return left.stream().anyMatch(Left::deleted);
        }
    }

    /** One account signed out of. */
    record Left(Account account, boolean deleted, Revocation revocation) {
    }
}
