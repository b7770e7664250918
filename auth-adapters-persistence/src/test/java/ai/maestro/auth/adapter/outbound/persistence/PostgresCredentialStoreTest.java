package ai.maestro.auth.adapter.outbound.persistence;

import static ai.maestro.auth.adapter.outbound.persistence.TestStores.RANDOM;
import static ai.maestro.auth.adapter.outbound.persistence.TestStores.fresh;
import static ai.maestro.auth.adapter.outbound.persistence.TestStores.token;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.ProviderId;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The same contract on a real PostgreSQL server (CI starts one; see .ci/run). */
class PostgresCredentialStoreTest extends CredentialStoreContract {
    private PersistenceSettings settings;

    @BeforeEach
    void newSchema() throws SQLException {
        settings = TestStores.postgresSchema();
    }

    @Override
    protected JdbiCredentialStore store(EncryptionKeys keys) {
        return CredentialStores.open(settings, keys, RANDOM);
    }

    @Test
    void theCredentialsColumnHoldsNoTokenText() {
        JdbiCredentialStore store = store();
        store.save(fresh(ProviderId.OPENAI, token("ACCESS-needle-7f3a9", "REFRESH-needle-c41d2")));

        String row = store.jdbi().withHandle(h -> h.createQuery(
                "SELECT encode(credentials, 'escape') || provider || key_id FROM account_credentials")
                .mapTo(String.class).one());
        byte[] raw = rawCredentials(store, ProviderId.OPENAI);

        assertFalse(row.contains("needle"));
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("needle"));
        assertTrue(row.contains("OPENAI"));
    }
}
