package ai.maestro.auth.domain;

import java.util.Objects;

/** A single-use authorization code (RFC 6749 §4.1.2). */
public record AuthorizationCode(Secret value) {
    public AuthorizationCode {
        Objects.requireNonNull(value, "value");
    }

    /** RFC 6749 Appendix A.11: code = 1*VSCHAR (0x20-0x7E). We also refuse spaces and absurd lengths. */
    public static boolean isWellFormed(String code) {
        if (code == null || code.isEmpty() || code.length() > 4096) {
            return false;
        }
        return code.chars().allMatch(c -> c > 0x20 && c <= 0x7E);
    }

    public static AuthorizationCode of(String code) {
        if (!isWellFormed(code)) {
            throw new IllegalArgumentException("an authorization code is 1 to 4096 visible ASCII characters");
        }
        return new AuthorizationCode(Secret.of(code));
    }

    @Override
    public String toString() {
        return "AuthorizationCode[redacted]";
    }
}
