package ai.maestro.auth.adapter.outbound.persistence;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/** An AES-256 key and the id written into every ciphertext it makes, so keys can rotate. */
public final class EncryptionKey {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,32}");

    private final String id;
    private final SecretKey key;

    public EncryptionKey(String id, byte[] keyBytes) {
        Objects.requireNonNull(id, "id");
        if (!ID.matcher(id).matches()) {
            throw new IllegalArgumentException("a key id is 1 to 32 characters of [A-Za-z0-9._-]");
        }
        if (keyBytes == null || keyBytes.length != 32) {
            throw new IllegalArgumentException("an AES-256 key is exactly 32 bytes");
        }
        this.id = id;
        this.key = new SecretKeySpec(keyBytes.clone(), "AES");
    }

    /** An id derived from the key itself, for keys given without one; it reveals nothing usable. */
    public static String fingerprint(byte[] keyBytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(concat("maestro-auth key id".getBytes(StandardCharsets.UTF_8), keyBytes));
            return "k" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    public String id() {
        return id;
    }

    SecretKey secretKey() {
        return key;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Override
    public String toString() {
        return "EncryptionKey[id=" + id + ", key=[redacted]]";
    }
}
