package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;

/**
 * Run as a separate JVM by the two-process test: increments a counter kept in the stored token
 * {@code n} times, each time by read, +1, compare-and-swap, retrying on conflict.
 */
public final class StoreIncrementer {
    private StoreIncrementer() {
    }

    public static void main(String[] args) {
        Path data = Path.of(args[0]);
        JdbiCredentialStore store = CredentialStores.open(PersistenceSettings.embedded(data),
                EncryptionKeys.parse(args[1], "argument"), new SecureRandom());
        int increments = Integer.parseInt(args[2]);
        for (int done = 0; done < increments; ) {
            Optional<SavedAuthentication> current = store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH));
            int count = current.map(c -> Integer.parseInt(((OAuthToken) c.credential()).accessToken().reveal()
                    .substring("count-".length()))).orElse(0);
            OAuthToken next = TestStores.token("count-" + (count + 1), "r");
            SavedAuthentication candidate = current.map(c -> c.replacedBy(next, Instant.now()))
                    .orElseGet(() -> SavedAuthentication.fresh(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH), next, Instant.now()));
            if (store.save(candidate) instanceof SaveResult.Saved) {
                done++;
            }
        }
    }
}
