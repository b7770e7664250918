package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;

/**
 * AES-256-GCM for one credential row. Layout: {@code 'M' 0x02 len(keyId) keyId nonce[12] ciphertext+tag[16]}.
 * The associated data binds the header, the row's identity (provider, account, auth_type) and the row version
 * the ciphertext is stored at: a ciphertext copied onto another row, given another key id, or an older
 * copy of the same row put back (a rollback whose refresh token is already spent) does not decrypt.
 * Format 1 (before the version was bound) is still read, and replaced by format 2 at the next save.
 */
public final class CredentialCipher {
    private static final byte MAGIC = 'M';
    private static final byte FORMAT_VERSION = 2;
    private static final byte FORMAT_WITHOUT_ROW_VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final EncryptionKeys keys;
    private final SecureRandom random;

    public CredentialCipher(EncryptionKeys keys, SecureRandom random) {
        this.keys = keys;
        this.random = random;
    }

    KeySource keySource() {
        return keys.source();
    }

    public String primaryKeyId() {
        return keys.primary().id();
    }

    /** Encrypts under the primary key with a fresh nonce, for the row at {@code rowVersion}. */
    public byte[] encrypt(CredentialKey row, long rowVersion, byte[] plaintext) {
        return encrypt(identity(row), rowVersion, plaintext);
    }

    /** Encrypts for a row of the table before accounts (its identity has no account); tests build old stores so. */
    byte[] encryptLegacy(ProviderId provider, AuthType authType, long rowVersion, byte[] plaintext) {
        return encrypt(legacyIdentity(provider, authType), rowVersion, plaintext);
    }

    private byte[] encrypt(String identity, long rowVersion, byte[] plaintext) {
        EncryptionKey key = keys.primary();
        byte[] header = header(key.id());
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key.secretKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(associatedData(header, identity, rowVersion));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(header.length + NONCE_BYTES + sealed.length)
                    .put(header).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is available on every Java platform", e);
        }
    }

    /** The key id named in a ciphertext's header. */
    public static String keyIdOf(byte[] ciphertext) {
        if (ciphertext.length < 3 || ciphertext[0] != MAGIC
                || ciphertext[1] != FORMAT_VERSION && ciphertext[1] != FORMAT_WITHOUT_ROW_VERSION) {
            return null;
        }
        int length = ciphertext[2] & 0xFF;
        return ciphertext.length < 3 + length ? null
                : new String(ciphertext, 3, length, StandardCharsets.US_ASCII);
    }

    /** Decrypts the ciphertext stored in the row at {@code rowVersion}. */
    public byte[] decrypt(CredentialKey row, long rowVersion, byte[] ciphertext) {
        return decrypt(row.provider(), row.authType(), identity(row), rowVersion, ciphertext);
    }

    /** Decrypts a row of the table before accounts, whose identity is (provider, auth type) alone. */
    byte[] decryptLegacy(ProviderId provider, AuthType authType, long rowVersion, byte[] ciphertext) {
        return decrypt(provider, authType, legacyIdentity(provider, authType), rowVersion, ciphertext);
    }

    private byte[] decrypt(ProviderId provider, AuthType authType, String identity, long rowVersion,
                           byte[] ciphertext) {
        String row = provider.cliName() + " " + authType;
        String keyId = keyIdOf(ciphertext);
        if (keyId == null) {
            throw unreadable("The stored " + row + " credential has an unknown format or is truncated.", null, provider);
        }
        if (keys.isLost()) {
            throw keys.lostKey(keyId, Optional.of(provider.cliName()));
        }
        EncryptionKey key = keys.byId(keyId).orElseThrow(() -> new CredentialStoreException(
                "The stored " + row + " credential was encrypted with key '" + keyId
                        + "', which is not configured (configured: " + String.join(", ", keys.ids()) + ").",
                keyId, "Add that key to " + EncryptionKeys.VARIABLE + " as " + keyId
                        + ":<base64>, or run `maestro-auth logout " + provider.cliName() + "` and log in again.", null));
        int headerLength = 3 + keyId.length();
        if (ciphertext.length < headerLength + NONCE_BYTES + TAG_BITS / 8) {
            throw unreadable("The stored " + row + " credential is truncated.", keyId, provider);
        }
        byte[] header = Arrays.copyOfRange(ciphertext, 0, headerLength);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key.secretKey(),
                    new GCMParameterSpec(TAG_BITS, ciphertext, headerLength, NONCE_BYTES));
            cipher.updateAAD(header[1] == FORMAT_WITHOUT_ROW_VERSION ? associatedData(header, identity)
                    : associatedData(header, identity, rowVersion));
            return cipher.doFinal(ciphertext, headerLength + NONCE_BYTES,
                    ciphertext.length - headerLength - NONCE_BYTES);
        } catch (AEADBadTagException e) {
            throw unreadable("The stored " + row + " credential does not decrypt with key '" + keyId
                    + "': the key is wrong, or the row was altered or put back from an older copy.", keyId, provider);
        } catch (GeneralSecurityException e) {
            throw unreadable("The stored " + row + " credential cannot be decrypted with key '" + keyId + "'.",
                    keyId, provider);
        }
    }

    private static CredentialStoreException unreadable(String problem, String keyId, ProviderId provider) {
        return new CredentialStoreException(problem, keyId, "Check " + EncryptionKeys.VARIABLE
                + " (or the key file); if the key is lost, run `maestro-auth logout " + provider.cliName()
                + "` and log in again. The stored row was left as it is.", null);
    }

    private static byte[] header(String keyId) {
        byte[] id = keyId.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(3 + id.length).put(MAGIC).put(FORMAT_VERSION).put((byte) id.length).put(id).array();
    }

    /** A row's identity: provider, account and auth type, so that a ciphertext moved to another account's row fails. */
    private static String identity(CredentialKey row) {
        return "maestro-auth/" + row.provider().name() + "/account/" + row.account() + "/" + row.authType().name();
    }

    private static String legacyIdentity(ProviderId provider, AuthType authType) {
        return "maestro-auth/" + provider.name() + "/" + authType.name();
    }

    private static byte[] associatedData(byte[] header, String identity, long rowVersion) {
        byte[] bound = associatedData(header, identity);
        return ByteBuffer.allocate(bound.length + Long.BYTES).put(bound).putLong(rowVersion).array();
    }

    private static byte[] associatedData(byte[] header, String identity) {
        byte[] bytes = identity.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(header.length + bytes.length).put(header).put(bytes).array();
    }
}
