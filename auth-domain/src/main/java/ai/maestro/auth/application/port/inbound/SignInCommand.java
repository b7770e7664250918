package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.ProviderId;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A sign-in: the provider, the label its account gets (a new one, or a new name for a stored one),
 * whether to use a device code, and how long to wait for the user (1 s to a day).
 */
public record SignInCommand(ProviderId provider, Optional<String> label, boolean device, Duration timeout) {
    /** A day is more than any login needs; the bound also keeps deadline arithmetic from overflowing. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(1);

    public SignInCommand {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(label, "label").ifPresent(Account::requireValidLabel);
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.compareTo(Duration.ofSeconds(1)) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException("a sign-in waits 1 s to a day, not " + timeout.toSeconds() + " s");
        }
    }
}
