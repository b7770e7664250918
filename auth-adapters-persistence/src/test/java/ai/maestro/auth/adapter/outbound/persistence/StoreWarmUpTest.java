package ai.maestro.auth.adapter.outbound.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The warm-up is only time: it leaves no file, no output and no thread that keeps a process alive. */
class StoreWarmUpTest {

    @Test
    void theWarmUpWritesNothingAndSaysNothing() throws Exception {
        // Where an H2 database or its trace would land by default (other processes may write in the temp directory).
        List<Path> places = List.of(Path.of(System.getProperty("user.dir")), Path.of(System.getProperty("user.home")));
        // This module's tests have no logging provider, whose absence SLF4J reports once, at its first use.
        org.slf4j.LoggerFactory.getLogger(StoreWarmUpTest.class);
        List<List<Path>> before = listings(places);
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(said, true)) {
            System.setOut(capture);
            System.setErr(capture);
            assertTrue(StoreWarmUp.run(true), "every step of the embedded store's warm-up ran");
            assertTrue(StoreWarmUp.run(false), "every step of the shared store's warm-up ran");
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", said.toString());
        assertEquals(before, listings(places));
    }

    @Test
    void theWarmUpRunsOnADaemonThreadThatEnds() throws Exception {
        StoreWarmUp.start(true);
        Thread warmUp = Thread.getAllStackTraces().keySet().stream()
                .filter(thread -> thread.getName().equals("maestro-auth-warm-up")).findFirst().orElse(null);
        if (warmUp != null) { // else it has ended already
            assertTrue(warmUp.isDaemon());
            warmUp.join(30_000);
            assertTrue(!warmUp.isAlive(), "the warm-up did not end within 30 s");
        }
    }

    private static List<List<Path>> listings(List<Path> places) throws IOException {
        List<List<Path>> all = new java.util.ArrayList<>();
        for (Path place : places) {
            try (Stream<Path> files = Files.list(place)) {
                all.add(files.sorted().toList());
            }
        }
        return all;
    }
}
