package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.jdbi.v3.core.Handle;

/**
 * What the embedded store held, recorded beside it: the generation (the store's change counter,
 * which every write moves inside the database) of the last write that committed, in
 * {@code credentials.generation}. H2 opens a file cut short by a half-copied backup or a full disk,
 * or with a flipped byte in the wrong place, as an empty database without a word; checked against
 * this record on open, a store that held credentials and now reads as empty, or as an older
 * generation, is reported as damaged, and nothing (not even the schema) is written to it.
 */
final class StoreGeneration {
    static final String FILE = "credentials.generation";

    private final Path record;
    private final Path database;

    StoreGeneration(Path directory, Path database) {
        this.record = directory.resolve(FILE);
        this.database = database;
    }

    /** Inside a write's transaction: moves the database's counter and returns its new value. */
    static long advance(Handle handle) {
        handle.execute(StoreSql.BUMP_STAMP);
        return handle.createQuery(StoreSql.READ_STAMP).mapTo(Long.class).one();
    }

    /** After the write committed: the record follows (a kill just before leaves it behind, which is safe). */
    void committed(long generation) {
        try {
            Files.write(OwnerOnlyFiles.ensure(record), Long.toString(generation).getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            // The write itself succeeded; the next one records a newer generation.
        }
    }

    /** The last generation recorded; empty when nothing was ever written through this record. */
    Optional<Long> recorded() {
        try {
            String text = Files.readString(record, StandardCharsets.US_ASCII).trim();
            return text.matches("\\d{1,18}") ? Optional.of(Long.parseLong(text)) : Optional.empty();
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CredentialStoreException("The store's generation record " + record + " cannot be read.", null,
                    "Check that you own " + record.getParent() + ".", e);
        }
    }

    /** A new database file: whatever a record says belongs to the file that was moved aside. */
    void forget() {
        try {
            Files.deleteIfExists(record);
        } catch (IOException e) {
            // A stale record would only be replaced by the first write.
        }
    }

    /**
     * Before anything is written on this open: throws when the database reads as older than the
     * record (or has no tables at all) although it held credentials.
     */
    void check(StoreConnections connections) {
        Optional<Long> last = recorded();
        if (last.isEmpty() || last.get() == 0) {
            return;
        }
        Optional<Long> now;
        try {
            now = connections.read(StoreSql.READ_STAMP, rs -> rs.getLong(1)).stream().findFirst();
        } catch (RuntimeException noTable) {
            now = Optional.empty();
        }
        if (now.isPresent() && now.get() >= last.get()) {
            return;
        }
        String reads = now.map(g -> "generation " + g).orElse("an empty database");
        throw new CredentialStoreException("The embedded store " + database + " is damaged: its last write was"
                + " generation " + last.get() + " (recorded in " + record + "), but it reads as " + reads + ".", null,
                "Move it aside and restore a copy (mv " + database + " " + database + ".broken), or log in again"
                + " after moving it; if you restored an older copy on purpose, delete " + record + ".", null);
    }
}
