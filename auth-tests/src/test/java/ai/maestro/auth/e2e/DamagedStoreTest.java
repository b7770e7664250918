package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStore;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The embedded store's file cut short (a half-copied backup, a full disk during a copy) or with a
 * byte flipped: H2 opens many such files as an empty database. Each must read as the credentials it
 * held or as damaged (exit 8, the path), never as empty: a user told "nothing is stored" logs in and
 * writes over what a backup could have restored.
 */
class DamagedStoreTest extends OnAUsersMachine {

    @Test
    void aTruncatedOrFlippedStoreReadsAsItsCredentialsOrAsDamagedNeverAsEmpty() throws Exception {
        machine.cliLogin();
        // Writes, as a store in use has had: the file grows by a chunk each until it is compacted.
        var tokens = machine.injector().getInstance(ai.maestro.auth.application.service.AccessTokenService.class);
        for (int i = 0; i < 60; i++) {
            tokens.refreshNow(SharedStoreFixture.FIRST_ACCOUNT);
        }
        Path file = machine.data.resolve("credentials.mv.db");
        byte[] pristine = Files.readAllBytes(file);
        String stored = machine.storedRefreshToken(machine.injector());
        int size = pristine.length;

        TreeSet<Long> truncations = new TreeSet<>(List.of(4096L, 16L * 1024, 64L * 1024, 256L * 1024, 400L * 1024));
        for (int eighth = 1; eighth < 8; eighth++) {
            truncations.add((long) size * eighth / 8);
        }
        truncations.removeIf(length -> length >= size);
        TreeSet<Long> flips = new TreeSet<>(List.of(757_910L));
        Random random = new Random(20261206L);
        while (flips.size() < 30) {
            flips.add((long) random.nextInt(size));
        }
        flips.removeIf(offset -> offset >= size);

        List<String> readAsEmpty = new ArrayList<>();
        int damaged = 0;
        long firstDamaged = -1;
        int intact = 0;
        for (long length : truncations) {
            Files.write(file, pristine);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                channel.truncate(length);
            }
            switch (read(stored)) {
                case EMPTY, OLDER -> readAsEmpty.add("truncated to " + length);
                case DAMAGED -> {
                    damaged++;
                    firstDamaged = firstDamaged < 0 ? length : firstDamaged;
                }
                case INTACT -> intact++;
            }
        }
        for (long offset : flips) {
            byte[] flipped = pristine.clone();
            flipped[(int) offset] ^= (byte) 0x5A;
            Files.write(file, flipped);
            switch (read(stored)) {
                case EMPTY, OLDER -> readAsEmpty.add("byte " + offset + " flipped");
                case DAMAGED -> damaged++;
                case INTACT -> intact++;
            }
        }
        System.out.printf("damaged store (%d bytes): %d truncations, %d flips -> %d damaged, %d intact, %d empty%n",
                size, truncations.size(), flips.size(), damaged, intact, readAsEmpty.size());
        assertEquals(List.of(), readAsEmpty, "read as an empty store or an older one");

        // As a user meets it: exit 8 with the path and the way out, and the store is left as it was.
        assertTrue(firstDamaged > 0, "no truncation was damaged enough to tell");
        byte[] cut = java.util.Arrays.copyOf(pristine, (int) firstDamaged);
        Files.write(file, cut);
        try (CliProcess status = CliProcess.start(machine.env, "status")) {
            assertEquals(8, status.exitCode(60), status.all());
            assertTrue(status.err().contains(file.toString()) && status.err().contains("damaged"), status.err());
            assertEquals(1, status.err().trim().lines().count(), status.err());
        }
        try (CliProcess login = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "5")) {
            assertEquals(8, login.exitCode(60), login.all());
        }
        // Moved aside, a new store starts empty and a login works.
        Files.move(file, file.resolveSibling("credentials.mv.db.broken"));
        try (CliProcess status = CliProcess.start(machine.env, "status")) {
            assertEquals(3, status.exitCode(60), status.all());
        }
        machine.cliLogin();
    }

    private enum Reading { INTACT, DAMAGED, EMPTY, OLDER }

    /** Opens the store as a new process would and reads the account's refresh token. */
    private Reading read(String stored) {
        try {
            CredentialStore store = machine.injector().getInstance(CredentialStore.class);
            var row = store.find(SharedStoreFixture.FIRST_ACCOUNT);
            if (row.isEmpty() && store.list().isEmpty()) {
                return Reading.EMPTY;
            }
            // A row that reads must be the one stored, not a half-read one.
            String token = ((OAuthToken) row.orElseThrow().credential()).refreshToken().orElseThrow().reveal();
            return token.equals(stored) ? Reading.INTACT : Reading.OLDER;
        } catch (CredentialStoreException e) {
            return Reading.DAMAGED;
        } catch (RuntimeException other) {
            throw new AssertionError("not a typed store error: " + other, other);
        }
    }
}
