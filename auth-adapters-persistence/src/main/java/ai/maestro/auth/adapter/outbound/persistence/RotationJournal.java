package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Where a rotated token set becomes durable the moment the provider has answered, before the
 * database is written: one small file per account in the data directory, the credential
 * encrypted exactly as in a row. Its space is reserved before the refresh token is spent, so a
 * full disk stops a refresh before it can lose anything; the answer then overwrites the
 * reservation in place and is forced to disk. The next holder of the refresh lock applies a
 * leftover record (compare-and-swap on the version it was refreshed from) and deletes it.
 */
final class RotationJournal {
    /** Room for the largest token sets seen (JWT access and id tokens of a few KB each). */
    static final int RESERVED_BYTES = 32 * 1024;

    private final Path directory;
    private final CredentialCipher cipher;
    private final CredentialCodec codec;

    /** Made on first use: only a refresh writes or reads a journal, and a command that reads a token needs none. */
    private static final class Json {
        static final JSON RECORDS = JSON.std;
    }

    RotationJournal(Path directory, CredentialCipher cipher, CredentialCodec codec) {
        this.directory = directory;
        this.cipher = cipher;
        this.codec = codec;
    }

    /** One journal per account: the account's id is hashed into the name, never written out. */
    Path file(CredentialKey key) {
        return directory.resolve("rotation-" + key.accountName() + ".journal");
    }

    /**
     * Claims the space for a rotation of {@code current}; a failure means nothing may be spent. It
     * writes a record of the same size and by the same steps (encode, encrypt, write in place,
     * force) as the answer will need, marked reserved (never applied), so that the code path that
     * records the answer is already warm: that path is the window in which a crash loses a rotation.
     */
    void reserve(SavedAuthentication current) {
        try {
            // The answer's path first, with a body of a typical answer's size: it is the one that must be quick.
            write(current.key(), answerRecord(current, new byte[4096], 0, "reserved"));
            write(current.key(), Json.RECORDS.asBytes(recordOf(current, "reserved")));
        } catch (IOException e) {
            throw new CredentialStoreException("The data directory " + directory + " cannot take the refreshed "
                    + current.provider().cliName() + " tokens (" + e.getClass().getSimpleName() + "); nothing was"
                    + " sent to " + current.provider().displayName() + ".", null, "Free space on that disk (or fix"
                    + " its permissions), then try again.", e);
        }
    }

    /** Makes {@code candidate} (to be saved over its {@code version()}) durable: written and forced to disk. */
    void record(SavedAuthentication candidate) throws IOException {
        write(candidate.key(), Json.RECORDS.asBytes(recordOf(candidate, "recorded")));
    }

    /**
     * Makes the provider's answer to the refresh of {@code current} durable exactly as it arrived,
     * encrypted: the first thing done with it, since the refresh token it answers is spent. Everything
     * this needs was loaded and run by {@link #reserve}, so the window is the encryption and one forced
     * write. Bound to the row version refreshed from, so it can only ever be applied over that row.
     */
    void recordAnswer(SavedAuthentication current, byte[] answer, long receivedAtMillis) throws IOException {
        write(current.key(), answerRecord(current, answer, receivedAtMillis, "answered"));
    }

    private byte[] answerRecord(SavedAuthentication current, byte[] answer, long receivedAtMillis, String state)
            throws IOException {
        return Json.RECORDS.asBytes(Map.of("state", state, "version", current.version(), "receivedAt", receivedAtMillis,
                "answer", Base64.getEncoder().encodeToString(
                        cipher.encrypt(current.key(), answerVersion(current.version()), answer))));
    }

    /** An answer's associated data differs from any row's, so neither can pass for the other. */
    private static long answerVersion(long rowVersion) {
        return -1 - rowVersion;
    }

    /** The answer recorded for a refresh of exactly {@code current}'s version; empty when there is none. */
    Optional<ai.maestro.auth.application.port.outbound.RotationLog.RecordedAnswer> answer(SavedAuthentication current) {
        Map<String, Object> record = read(current.key()).orElse(Map.of());
        if (!"answered".equals(record.get("state")) || number(record, "version") != current.version()) {
            return Optional.empty();
        }
        byte[] body = cipher.decrypt(current.key(), answerVersion(current.version()),
                Base64.getDecoder().decode(text(record, "answer")));
        return Optional.of(new ai.maestro.auth.application.port.outbound.RotationLog.RecordedAnswer(body,
                instant(record, "receivedAt")));
    }

    private Optional<Map<String, Object>> read(CredentialKey key) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(key));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CredentialStoreException("The rotation journal " + file(key) + " cannot be read.", null,
                    "Check that you own " + directory + ".", e);
        }
        try {
            return Optional.ofNullable(Json.RECORDS.mapFrom(new String(bytes, StandardCharsets.UTF_8).trim()));
        } catch (IOException | RuntimeException torn) {
            // A record cut short by a crash while it was written: it never became durable.
            return Optional.empty();
        }
    }

    private Map<String, Object> recordOf(SavedAuthentication row, String state) {
        return Map.of("state", state, "version", row.version(), "createdAt", row.createdAt().toEpochMilli(),
                "updatedAt", row.updatedAt().toEpochMilli(),
                "credentials", Base64.getEncoder().encodeToString(codec.seal(cipher, row)));
    }

    /** A record's whole-number field; {@link Long#MIN_VALUE} (no row's version) when it is missing or not one. */
    private static long number(Map<String, Object> record, String name) {
        return record.get(name) instanceof Number value && value.doubleValue() == value.longValue()
                ? value.longValue() : Long.MIN_VALUE;
    }

    private static Instant instant(Map<String, Object> record, String name) {
        long millis = number(record, name);
        return Instant.ofEpochMilli(millis == Long.MIN_VALUE ? 0 : millis);
    }

    /** A record's text field; empty when it is missing or not text (it then decrypts to nothing valid). */
    private static String text(Map<String, Object> record, String name) {
        return record.get(name) instanceof String value ? value : "";
    }

    /** A recorded rotation not yet in the store, as the candidate to save; empty when there is none. */
    Optional<SavedAuthentication> pending(CredentialKey provider) {
        Map<String, Object> record = read(provider).orElse(Map.of());
        if (!"recorded".equals(record.get("state")) || number(record, "version") == Long.MIN_VALUE) {
            return Optional.empty();
        }
        long version = number(record, "version");
        byte[] plaintext = cipher.decrypt(provider, version + 1, Base64.getDecoder().decode(text(record, "credentials")));
        Credential credential;
        try {
            credential = codec.decode(plaintext);
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        return Optional.of(new SavedAuthentication(provider, credential,
                instant(record, "createdAt"), instant(record, "updatedAt"), version, Optional.empty()));
    }

    /** Forgets the journal of {@code provider}'s account; best effort (a leftover record loses its CAS later). */
    void clear(CredentialKey provider) {
        try {
            Files.deleteIfExists(file(provider));
        } catch (IOException ignored) {
            // Harmless: applying a stale record is a compare-and-swap that conflicts.
        }
    }

    private void write(CredentialKey provider, byte[] content) throws IOException {
        Path file = OwnerOnlyFiles.ensure(file(provider));
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            writeInPlace(channel, content);
        }
    }

    /**
     * Overwrites the record in place, padded with spaces to the reserved size: the blocks were
     * allocated by {@link #reserve}, so recording the answer needs no new space. Two buffers, no loop
     * over bytes: in a fresh process this runs interpreted, and it is on the answer's clock.
     */
    private static void writeInPlace(FileChannel channel, byte[] content) throws IOException {
        ByteBuffer record = ByteBuffer.wrap(content);
        ByteBuffer padding = ByteBuffer.wrap(SPACES, 0, Math.max(1, RESERVED_BYTES - content.length));
        ByteBuffer[] both = {record, padding};
        long position = 0;
        while (record.hasRemaining() || padding.hasRemaining()) {
            // FileChannel has no positional gathering write: the channel's own position is used.
            channel.position(position);
            position += channel.write(both);
        }
        if (content.length >= RESERVED_BYTES) {
            // A record beyond the reserved size may have left a longer one's tail behind.
            channel.truncate(position);
        }
        channel.force(false);
    }

    /** The padding after a record: spaces, which a JSON reader skips. */
    private static final byte[] SPACES = spaces();

    private static byte[] spaces() {
        byte[] spaces = new byte[RESERVED_BYTES];
        Arrays.fill(spaces, (byte) ' ');
        return spaces;
    }
}
