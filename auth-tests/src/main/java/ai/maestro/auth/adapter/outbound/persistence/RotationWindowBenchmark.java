package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.bench.BenchTokens;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
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

/**
 * The window in which a crash can lose a rotation: from the provider's answer until it is durable.
 * {@code journalRecord} is that window (encrypt, write in place, force to disk); {@code commitRotation}
 * is the whole save (journal, database, read-back, journal cleared) on the embedded store.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RotationWindowBenchmark {
    private JdbiCredentialStore store;
    private RotationJournal journal;
    private SavedAuthentication current;
    private OAuthToken token;

    @Setup(Level.Trial)
    public void open() throws IOException {
        Path home = Files.createTempDirectory("maestro-auth-bench");
        SecureRandom random = new SecureRandom();
        EncryptionKeys keys = EncryptionKeys.parse(EncryptionKeys.generate(random), "bench");
        store = CredentialStores.open(PersistenceSettings.embedded(home), keys, random);
        journal = new RotationJournal(Files.createTempDirectory("maestro-auth-journal"),
                new CredentialCipher(keys, random), new CredentialCodec(new com.fasterxml.jackson.core.JsonFactory()));
        Instant now = Instant.now();
        token = BenchTokens.realistic(now);
        current = ((SaveResult.Saved) store.save(SavedAuthentication.fresh(ai.maestro.auth.domain.CredentialKey.oauth(ProviderId.OPENAI, "acct-bench"), token, now))).stored();
        journal.reserve(current);
    }

    @Benchmark
    public SavedAuthentication journalRecord() throws IOException {
        journal.record(current);
        return current;
    }

    @Benchmark
    public SaveResult commitRotation() {
        store.prepareRotation(current);
        SaveResult result = store.commitRotation(current.replacedBy(token, Instant.now()));
        current = ((SaveResult.Saved) result).stored();
        return result;
    }
}
