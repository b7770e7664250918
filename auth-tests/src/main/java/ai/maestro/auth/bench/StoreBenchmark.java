package ai.maestro.auth.bench;

import ai.maestro.auth.adapter.out.persistence.CredentialStores;
import ai.maestro.auth.adapter.out.persistence.EncryptionKeys;
import ai.maestro.auth.adapter.out.persistence.JdbiCredentialStore;
import ai.maestro.auth.adapter.out.persistence.PersistenceSettings;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** Latency of one encrypted save (compare-and-swap update) and one find (read + decrypt) on embedded H2. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class StoreBenchmark {
    private JdbiCredentialStore store;
    private SavedAuthentication current;
    private OAuthToken token;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path home = Files.createTempDirectory("maestro-auth-bench");
        SecureRandom random = new SecureRandom();
        store = CredentialStores.open(PersistenceSettings.embedded(home),
                EncryptionKeys.parse(EncryptionKeys.generate(random), "bench"), random);
        Instant now = Instant.now();
        token = BenchTokens.realistic(now);
        current = ((SaveResult.Saved) store.save(SavedAuthentication.fresh(ProviderId.OPENAI, token, now))).stored();
    }

    @Benchmark
    public SaveResult save() {
        SaveResult result = store.save(current.replacedBy(token, Instant.now()));
        current = ((SaveResult.Saved) result).stored();
        return result;
    }

    @Benchmark
    public Optional<SavedAuthentication> find() {
        return store.find(ProviderId.OPENAI, AuthType.OAUTH);
    }
}
