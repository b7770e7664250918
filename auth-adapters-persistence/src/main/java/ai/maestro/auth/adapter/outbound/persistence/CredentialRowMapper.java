package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ReloginMark;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Optional;

/**
 * A credential row, decrypted: the key is part of the AES-GCM associated data, so a ciphertext
 * moved to another row does not decrypt. The plaintext is wiped once decoded.
 */
final class CredentialRowMapper {
    private final CredentialCipher cipher;
    private final CredentialCodec codec;

    CredentialRowMapper(CredentialCipher cipher, CredentialCodec codec) {
        this.cipher = cipher;
        this.codec = codec;
    }

    /** The row {@code key} names, decrypted. */
    SavedAuthentication read(ResultSet rs, CredentialKey key) throws SQLException {
        byte[] plaintext = cipher.decrypt(key, rs.getLong("version"), rs.getBytes("credentials"));
        Credential credential;
        try {
            credential = codec.decode(plaintext);
        } catch (IOException | RuntimeException e) {
            String provider = key.provider().cliName();
            throw new CredentialStoreException("The stored " + provider + " " + key.authType()
                    + " credential decrypted but is not a credential document.", null,
                    "Run `maestro-auth logout " + provider + "` and log in again.", null);
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        String reason = rs.getString("relogin_reason");
        Optional<ReloginMark> mark = reason == null ? Optional.empty()
                : Optional.of(new ReloginMark(reason, StoreRows.instant(rs, "relogin_since")));
        return new SavedAuthentication(key, credential, StoreRows.instant(rs, "created_at"),
                StoreRows.instant(rs, "updated_at"), rs.getLong("version"), mark);
    }
}
