package ai.maestro.auth.domain.login;

import ai.maestro.auth.domain.AuthorizationCode;

import ai.maestro.auth.domain.error.AuthException;
import java.util.Objects;

/** What a callback (redirect or pasted text) amounted to: a code for this session, or why not. */
public sealed interface CallbackResult {

    /** The callback belongs to the session and carries a well-formed code. */
    record Authorized(AuthorizationCode code) implements CallbackResult {
        public Authorized {
            Objects.requireNonNull(code, "code");
        }
    }

    /** The callback was refused; {@code error} is an AuthorizationDenied or InvalidCallback exception. */
    record Rejected(AuthException error) implements CallbackResult {
        public Rejected {
            Objects.requireNonNull(error, "error");
        }
    }

    default AuthorizationCode codeOrThrow() {
        if (this instanceof Authorized authorized) {
            return authorized.code();
        }
        throw ((Rejected) this).error();
    }
}
