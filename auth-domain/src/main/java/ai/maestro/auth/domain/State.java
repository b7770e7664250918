package ai.maestro.auth.domain;

import java.security.SecureRandom;
import java.util.Objects;

/**
 * The {@code state} parameter (RFC 6749 §10.12): binds a callback to the session that started
 * it. Compared in constant time; never printed, since it is what makes a forged callback fail.
 */
public final class State {
    private final Secret value;

    private State(Secret value) {
        this.value = value;
    }

    /** 32 random bytes, base64url: 43 characters. */
    public static State generate(SecureRandom random) {
        return new State(Secret.of(Base64Url.randomToken(random, 32)));
    }

    public static State of(String value) {
        Objects.requireNonNull(value, "state");
        if (value.length() < 16 || value.length() > 512) {
            throw new IllegalArgumentException("state must be 16 to 512 characters");
        }
        return new State(Secret.of(value));
    }

    public boolean matches(String candidate) {
        return value.matches(candidate);
    }

    public String value() {
        return value.reveal();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof State that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return "State[redacted]";
    }
}
