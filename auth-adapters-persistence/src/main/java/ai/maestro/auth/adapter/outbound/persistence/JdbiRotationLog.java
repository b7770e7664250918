package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.application.port.outbound.RefreshLocks;
import ai.maestro.auth.application.port.outbound.RotationLog;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.RefreshOutcome;
import ai.maestro.auth.domain.RefreshRecord;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * A refresh across processes: the account's lock (a file lock or a database lease), and the
 * rotation log around it. The answer is journaled as it arrives, the parsed tokens before the row,
 * and whoever takes the lock next applies what a process that died left behind.
 */
final class JdbiRotationLog implements RefreshLocks, RotationLog {
    /** How long a rotated token set is retried against a failing database before it is left in the journal. */
    static final Duration ROTATION_SAVE_WINDOW = Duration.ofSeconds(8);

    private final StoreGate gate;
    private final JdbiCredentialRows rows;
    private final RotationJournal journal;
    private final CredentialCodec codec;
    private final Clock clock;

    JdbiRotationLog(StoreGate gate, JdbiCredentialRows rows, RotationJournal journal, CredentialCodec codec,
                    Clock clock) {
        this.gate = gate;
        this.rows = rows;
        this.journal = journal;
        this.codec = codec;
        this.clock = clock;
    }

    @Override
    public <T> T withRefreshLock(CredentialKey key, Duration maxWait, Supplier<T> work) {
        gate.ensurePrepared();
        LongSupplier rowVersion = () -> rows.find(key).map(SavedAuthentication::version).orElse(-1L);
        return gate.access().withRefreshLock(key, maxWait, rowVersion, takenFrom -> {
            // A refresh whose holder ended without a result is an outcome of its own: kept with the row
            // (status, health) until this holder's own refresh replaces it.
            takenFrom.ifPresent(previous -> recordRefresh(key, RefreshRecord.failed(clock.instant(),
                    RefreshOutcome.LEASE_EXPIRED, "the refresh by " + previous + " ended without a result; its"
                            + " lease was taken over")));
            // A rotation a crashed or cut-off process left in the journal goes in before anyone reads
            // the row, or its (spent) refresh token would be sent again.
            applyJournal(key);
            return work.get();
        });
    }

    @Override
    public java.util.Set<CredentialKey> abandonedHere() {
        gate.ensurePrepared();
        java.util.Set<String> names = gate.access().abandonedHere();
        if (names.isEmpty()) {
            return java.util.Set.of();
        }
        return rows.list().stream().map(ai.maestro.auth.domain.CredentialSummary::key)
                .filter(key -> names.contains(key.accountName()))
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    @Override
    public void prepareRotation(SavedAuthentication current) {
        journal.reserve(current);
        AnswersInFlight.opened();
    }

    @Override
    public void recordAnswer(SavedAuthentication current, byte[] answer) {
        try {
            journal.recordAnswer(current, answer, clock.millis());
            AnswersInFlight.settled();
        } catch (IOException | RuntimeException e) {
            // commitRotation still journals the parsed credential before it writes the row.
            LoggerFactory.getLogger(JdbiRotationLog.class).debug("The answer could not be journaled ({}); the"
                    + " parsed tokens will be", e.getClass().getSimpleName());
        }
    }

    @Override
    public Optional<RecordedAnswer> recordedAnswer(SavedAuthentication current) {
        return journal.answer(current);
    }

    @Override
    public void abandonRotation(CredentialKey key) {
        AnswersInFlight.settled();
        journal.clear(key);
    }

    /**
     * The journal first (durable as soon as it returns), then the row, on connections of its own,
     * retried for a while when the database fails. When it keeps failing, the tokens stay in the
     * journal and the caller gets a {@link CredentialStoreException}: nothing reports success
     * before the new refresh token is durable.
     */
    @Override
    public SaveResult commitRotation(SavedAuthentication candidate) {
        boolean journaled;
        try {
            journal.record(candidate);
            journaled = true;
            AnswersInFlight.settled();
        } catch (IOException e) {
            journaled = false;
        }
        long deadline = System.nanoTime() + ROTATION_SAVE_WINDOW.toNanos();
        long pause = 50;
        for (int attempt = 0; ; attempt++) {
            try {
                SaveResult result = rows.save(candidate);
                if (result instanceof SaveResult.Saved) {
                    // Read back through a new open: H2 can acknowledge a commit that a full disk then
                    // keeps from reaching the file. Only what a fresh read returns lets the journal go.
                    result = ownWrite(candidate).<SaveResult>map(SaveResult.Saved::new).orElseThrow(() ->
                            new CredentialStoreException("The credential store (" + gate.location() + ") acknowledged"
                                    + " the refreshed tokens but does not return them.", null, "Check its disk.",
                                    null));
                } else if (attempt > 0) {
                    // A lost acknowledgement: the earlier attempt may have committed.
                    result = ownWrite(candidate).<SaveResult>map(SaveResult.Saved::new).orElse(result);
                }
                journal.clear(candidate.key());
                return result;
            } catch (CredentialStoreException e) {
                if (System.nanoTime() - deadline > 0) {
                    throw rotationNotStored(candidate.key(), journaled, e);
                }
                sleep(pause);
                pause = Math.min(pause * 2, 1000);
            }
        }
    }

    @Override
    public void recordRefresh(CredentialKey key, RefreshRecord record) {
        try {
            gate.visit(() -> gate.jdbi().withHandle(h -> StoreRows.bindKey(h.createUpdate(StoreSql.RECORD_REFRESH), key)
                    .bind("at", StoreRows.utc(record.at())).bind("outcome", record.outcome().tag())
                    .bindByType("reason", record.reason().orElse(null), String.class).execute()));
        } catch (CredentialStoreException lost) {
            // Only the record is lost; what failed has been reported to the caller already.
        }
    }

    /** Applies a rotation left in the journal (CAS on the version it was refreshed from), then forgets it. */
    void applyJournal(CredentialKey key) {
        Optional<SavedAuthentication> pending = journal.pending(key);
        if (pending.isPresent()) {
            // A conflict means the row moved on (a newer login, or this very record applied before).
            rows.save(pending.get());
            journal.clear(key);
        }
        // An answer recorded as it arrived stays: the refresh reads it (it knows how to parse it).
    }

    private Optional<SavedAuthentication> ownWrite(SavedAuthentication candidate) {
        return rows.find(candidate.key())
                .filter(row -> row.version() == candidate.version() + 1)
                .filter(row -> sameCredential(row, candidate));
    }

    private boolean sameCredential(SavedAuthentication a, SavedAuthentication b) {
        byte[] first = codec.encode(a.credential());
        byte[] second = codec.encode(b.credential());
        try {
            return MessageDigest.isEqual(first, second);
        } finally {
            Arrays.fill(first, (byte) 0);
            Arrays.fill(second, (byte) 0);
        }
    }

    private CredentialStoreException rotationNotStored(CredentialKey key, boolean journaled, RuntimeException e) {
        ProviderId provider = key.provider();
        String location = gate.location();
        if (journaled) {
            return new CredentialStoreException("The credential store (" + location + ") failed while saving the"
                    + " refreshed " + provider.cliName() + " tokens; they are kept encrypted in "
                    + journal.file(key) + " until the store takes them.", null,
                    "Fix the store (database up? disk space?), then run `maestro-auth token " + provider.cliName()
                    + "`, which puts them in.", e);
        }
        return new CredentialStoreException("The refreshed " + provider.cliName() + " tokens could not be saved:"
                + " the credential store (" + location + ") and the data directory both failed.", null,
                "Fix the store and the disk, then run `maestro-auth login " + provider.cliName() + "`.", e);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CredentialStoreException("Interrupted while saving the refreshed tokens.", null, "Try again.", e);
        }
    }
}
