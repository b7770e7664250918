package ai.maestro.auth.adapter.outbound.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import org.junit.jupiter.api.Test;

/** The HTTP warm-up is only time: it says nothing and ends, on a thread that keeps no process alive. */
class HttpWarmUpTest {

    @Test
    void theWarmUpSaysNothingAndEnds() throws Exception {
        org.slf4j.LoggerFactory.getLogger(HttpWarmUpTest.class); // SLF4J's own one-time notice, before the capture
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        try (PrintStream capture = new PrintStream(said, true)) {
            System.setOut(capture);
            System.setErr(capture);
            HttpWarmUp.start();
            Thread warmUp = Thread.getAllStackTraces().keySet().stream()
                    .filter(thread -> thread.getName().equals("maestro-auth-http-warm-up")).findFirst().orElse(null);
            if (warmUp != null) { // else it has ended already
                assertEquals(true, warmUp.isDaemon());
                warmUp.join(30_000);
                assertFalse(warmUp.isAlive(), "the warm-up did not end within 30 s");
            }
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
        assertEquals("", said.toString());
    }
}
