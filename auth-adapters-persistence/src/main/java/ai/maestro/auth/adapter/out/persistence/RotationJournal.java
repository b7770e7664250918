package ai.maestro.auth.adapter.out.persistence;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.error.CredentialStoreException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    private final ObjectMapper json;

    RotationJournal(Path directory, CredentialCipher cipher, CredentialCodec codec, ObjectMapper json) {
        this.directory = directory;
        this.cipher = cipher;
        this.codec = codec;
        this.json = json;
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
            write(current.key(), json.writeValueAsBytes(recordOf(current, "reserved")));
        } catch (IOException e) {
            throw new CredentialStoreException("The data directory " + directory + " cannot take the refreshed "
                    + current.provider().cliName() + " tokens (" + e.getClass().getSimpleName() + "); nothing was"
                    + " sent to " + current.provider().displayName() + ".", null, "Free space on that disk (or fix"
                    + " its permissions), then try again.", e);
        }
    }

    /** Makes {@code candidate} (to be saved over its {@code version()}) durable: written and forced to disk. */
    void record(SavedAuthentication candidate) throws IOException {
        write(candidate.key(), json.writeValueAsBytes(recordOf(candidate, "recorded")));
    }

    private ObjectNode recordOf(SavedAuthentication row, String state) {
        return json.createObjectNode().put("state", state)
                .put("version", row.version())
                .put("createdAt", row.createdAt().toEpochMilli())
                .put("updatedAt", row.updatedAt().toEpochMilli())
                .put("credentials", Base64.getEncoder().encodeToString(codec.seal(cipher, row)));
    }

    /** A recorded rotation not yet in the store, as the candidate to save; empty when there is none. */
    Optional<SavedAuthentication> pending(CredentialKey provider) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file(provider));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new CredentialStoreException("The rotation journal " + file(provider) + " cannot be read.", null,
                    "Check that you own " + directory + ".", e);
        }
        JsonNode node;
        try {
            node = json.readTree(new String(bytes, StandardCharsets.UTF_8).trim());
        } catch (IOException torn) {
            // A record cut short by a crash while it was written: it never became durable.
            return Optional.empty();
        }
        if (node == null || !"recorded".equals(node.path("state").asText())) {
            return Optional.empty();
        }
        byte[] plaintext = cipher.decrypt(provider, node.path("version").asLong() + 1,
                Base64.getDecoder().decode(node.path("credentials").asText()));
        Credential credential;
        try {
            credential = codec.decode(plaintext);
        } catch (IOException e) {
            return Optional.empty();
        } finally {
            Arrays.fill(plaintext, (byte) 0);
        }
        return Optional.of(new SavedAuthentication(provider, credential,
                Instant.ofEpochMilli(node.path("createdAt").asLong()), Instant.ofEpochMilli(node.path("updatedAt")
                .asLong()), node.path("version").asLong(), Optional.empty()));
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
        // Overwrite in place, padded to the reserved size: the blocks were allocated by reserve(), so
        // recording the answer needs no new space.
        ByteBuffer buffer = ByteBuffer.allocate(Math.max(RESERVED_BYTES, content.length + 1));
        buffer.put(content);
        while (buffer.hasRemaining()) {
            buffer.put((byte) ' ');
        }
        buffer.flip();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            while (buffer.hasRemaining()) {
                channel.write(buffer, buffer.position());
            }
            channel.force(false);
        }
    }
}
