package ai.maestro.auth.domain;

import java.security.SecureRandom;
import java.util.Base64;

/** base64url without padding (RFC 7636 §3, RFC 7515 §2). */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private Base64Url() {
    }

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    public static String randomToken(SecureRandom random, int bytes) {
        byte[] buffer = new byte[bytes];
        random.nextBytes(buffer);
        return encode(buffer);
    }
}
