package ai.maestro.auth.application.port.inbound;

import java.util.Objects;

/** A sign-out: the account (or, with {@code all}, every account of its provider), and whether to revoke. */
public record SignOutCommand(AccountChoice account, boolean all, boolean revoke) {
    public SignOutCommand {
        Objects.requireNonNull(account, "account");
    }
}
