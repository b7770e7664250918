package ai.maestro.auth.adapter.outbound.persistence;

import static ai.maestro.auth.adapter.outbound.persistence.TestStores.RANDOM;
import static ai.maestro.auth.adapter.outbound.persistence.TestStores.fresh;
import static ai.maestro.auth.adapter.outbound.persistence.TestStores.token;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2CredentialStoreTest extends CredentialStoreContract {
    @TempDir
    Path home;

    @Override
    protected JdbiCredentialStore store(EncryptionKeys keys) {
        return CredentialStores.open(PersistenceSettings.embedded(home.resolve("data")), keys, RANDOM);
    }

    @Test
    void theDatabaseFilesHoldNoTokenText() throws Exception {
        JdbiCredentialStore store = store();
        store.save(fresh(ProviderId.OPENAI, token("ACCESS-needle-7f3a9", "REFRESH-needle-c41d2")));
        store.jdbi().useHandle(h -> h.execute("CHECKPOINT SYNC"));

        List<Path> files = new ArrayList<>();
        try (var stream = Files.list(home.resolve("data"))) {
            stream.filter(Files::isRegularFile).forEach(files::add);
        }
        assertTrue(files.stream().anyMatch(f -> f.toString().endsWith(".mv.db")), files.toString());
        for (Path file : files) {
            String raw = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
            assertFalse(raw.contains("needle"), file + " contains token text");
            assertFalse(raw.contains("ACCESS-"), file + " contains token text");
        }
        // The same search does find what is stored in the clear, so it would catch a leak.
        assertTrue(files.stream().anyMatch(f -> {
            try {
                return new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1).contains("OPENAI");
            } catch (java.io.IOException e) {
                return false;
            }
        }));
    }

    @Test
    void theDataDirectoryAndItsFilesAreOwnerOnly() throws Exception {
        Path data = home.resolve("fresh-home");
        JdbiCredentialStore store = CredentialStores.open(PersistenceSettings.embedded(data), Map.of(), RANDOM);
        store.save(fresh(ProviderId.OPENAI, token("a", "r")));

        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data)));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data.resolve(EncryptionKeys.KEY_FILE))));
        try (var stream = Files.list(data)) {
            for (Path file : (Iterable<Path>) stream::iterator) {
                assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                        file.toString());
            }
        }
    }

    @Test
    void theGeneratedKeyFileIsReusedOnTheNextOpen() {
        Path data = home.resolve("keyed");
        CredentialStores.open(PersistenceSettings.embedded(data), Map.of(), RANDOM)
                .save(fresh(ProviderId.OPENAI, token("kept-across-opens", "r")));

        OAuthToken read = (OAuthToken) CredentialStores.open(PersistenceSettings.embedded(data), Map.of(), RANDOM)
                .find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow().credential();

        assertEquals("kept-across-opens", read.accessToken().reveal());
    }

    @Test
    void twoProcessesCompareAndSwapWithoutLosingAnUpdate() throws Exception {
        Path data = home.resolve("shared");
        String key = EncryptionKeys.generate(RANDOM);
        int perProcess = 40;
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            processes.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), StoreIncrementer.class.getName(),
                    data.toString(), key, String.valueOf(perProcess))
                    .redirectErrorStream(true).start());
        }
        for (Process process : processes) {
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "a writer process hung");
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(0, process.exitValue(), output);
        }

        JdbiCredentialStore store = CredentialStores.open(PersistenceSettings.embedded(data),
                EncryptionKeys.parse(key, "test"), RANDOM);
        var row = store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow();
        assertEquals(2L * perProcess, row.version());
        assertEquals("count-" + (2 * perProcess), ((OAuthToken) row.credential()).accessToken().reveal());
    }

    @Test
    void theFileStaysSmallThoughEveryOperationOpensAndClosesIt() throws Exception {
        JdbiCredentialStore store = store();
        SavedAuthentication row = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("a".repeat(1500),
                "r")))).stored();
        for (int i = 0; i < 600; i++) {
            try {
                row = ((SaveResult.Saved) store.save(row.replacedBy(token("a".repeat(1500) + i, "r"),
                        TestStores.NOW))).stored();
            } catch (RuntimeException e) {
                throw new AssertionError("write " + i + " at " + Files.size(home.resolve("data")
                        .resolve("credentials.mv.db")) + " bytes", e);
            }
        }

        long size = Files.size(home.resolve("data").resolve("credentials.mv.db"));
        assertTrue(size < 2 * EmbeddedAccess.COMPACT_ABOVE_BYTES, size + " bytes");
    }

    @Test
    void onlyItsOwnFilesAreMadeOwnerOnlyAndNoLinkIsFollowed() throws Exception {
        Path data = Files.createDirectories(home.resolve("shared-dir"));
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path script = Files.writeString(data.resolve("a.sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path outside = Files.writeString(home.resolve("outside.txt"), "x");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(data.resolve("credentials.trace.db"), outside);

        CredentialStores.open(PersistenceSettings.embedded(data), Map.of(), RANDOM)
                .save(fresh(ProviderId.OPENAI, token("a", "r")));

        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
        assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(outside)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(
                data.resolve("credentials.mv.db"))));
    }

    @Test
    void aDataDirectoryOthersCanWriteToOrThatAnotherUserOwnsIsRefused() throws Exception {
        Path open = Files.createDirectories(home.resolve("open"));
        Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));

        ai.maestro.auth.domain.error.CredentialStoreException writable = org.junit.jupiter.api.Assertions.assertThrows(
                ai.maestro.auth.domain.error.CredentialStoreException.class,
                () -> CredentialStores.open(PersistenceSettings.embedded(open), Map.of(), RANDOM));
        assertTrue(writable.getMessage().contains("writable by others"), writable.getMessage());
        assertEquals("rwxrwxrwx", PosixFilePermissions.toString(Files.getPosixFilePermissions(open)));

        Path foreign = Files.createDirectories(home.resolve("foreign"));
        var nobody = foreign.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        try {
            Files.setOwner(foreign, nobody);
        } catch (java.io.IOException notRoot) {
            org.junit.jupiter.api.Assumptions.abort("changing a directory's owner needs root here");
        }
        ai.maestro.auth.domain.error.CredentialStoreException owned = org.junit.jupiter.api.Assertions.assertThrows(
                ai.maestro.auth.domain.error.CredentialStoreException.class,
                () -> CredentialStores.open(PersistenceSettings.embedded(foreign), Map.of(), RANDOM));
        assertTrue(owned.getMessage().contains("belongs to nobody"), owned.getMessage());
    }
}
