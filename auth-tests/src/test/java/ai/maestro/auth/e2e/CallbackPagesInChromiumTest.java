package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pages a real browser shows at the end of a login, rendered by headless Chromium against a real
 * {@code maestro-auth login} process: success only after the exchange, a failed exchange, a denial, a
 * forged state and a cancel a web page tried. Screenshots go to {@code target/callback-pages/}.
 */
class CallbackPagesInChromiumTest extends OnAUsersMachine {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path SHOTS = Path.of("target", "callback-pages");

    @BeforeEach
    void needsChromium() throws IOException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM), "Chromium is not installed (.ci/run installs it)");
        Files.createDirectories(SHOTS);
    }

    @Test
    void successIsShownOnlyOnceTheTokensAreStored() throws Exception {
        String page = scenario("success", this::authorizationUrl, 0);
        assertTrue(page.contains("Signed in to OpenAI as ada@example.com") && page.contains("The tokens are stored"),
                page);
    }

    @Test
    void aFailedExchangeSaysSoAndStoresNothing() throws Exception {
        machine.fake.refuseCodes = true;
        String page = scenario("failed-exchange", this::authorizationUrl, 4);
        assertTrue(page.contains("Sign-in to OpenAI failed") && page.contains("Nothing was stored"), page);
        assertFalse(page.contains("Signed in"), page);
    }

    @Test
    void aDenialEndsTheLoginWithAPageThatSaysWhatHappened() throws Exception {
        String page = scenario("denied", url -> callback(url, "error=access_denied&error_description=User+said+no"
                + "&state=" + query(url, "state")), 6);
        assertTrue(page.contains("Sign-in was not completed") && page.contains("access_denied"), page);
    }

    @Test
    void aForgedStateIsRefusedAndTheLoginKeepsWaiting() throws Exception {
        String page = scenario("forged-state", url -> callback(url, "code=forged&state=forged-state-000000000000"),
                -1);
        assertTrue(page.contains("This sign-in link is not valid") && page.contains("does not match this login"), page);
    }

    @Test
    void aCancelFromTheBrowserIsRefusedWithTheWayThatWorks() throws Exception {
        String page = scenario("cancel", url -> callback(url, null), -1);
        assertTrue(page.contains("The login was not cancelled") && page.contains("--cancel-previous"), page);
    }

    /**
     * Runs a login, points Chromium at the address {@code target} picks, returns the rendered text and
     * saves a screenshot (from a second, identical login: each page is shown once). {@code exit} -1
     * means the login must still be waiting.
     */
    private String scenario(String name, Function<String, String> target, int exit) throws Exception {
        String text;
        try (CliProcess login = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "60")) {
            text = chromium(target.apply(login.authorizationUrl()), "--dump-dom");
            finish(login, exit);
        }
        try (CliProcess login = CliProcess.start(machine.env, "login", "openai", "--no-browser", "--timeout", "60")) {
            Path shot = SHOTS.resolve(name + ".png").toAbsolutePath();
            chromium(target.apply(login.authorizationUrl()), "--screenshot=" + shot, "--window-size=900,500",
                    "--hide-scrollbars");
            assertTrue(Files.size(shot) > 1_000, "no screenshot for " + name);
            finish(login, exit);
        }
        return text.replaceAll("<[^>]+>", " ").replaceAll("&#39;", "'").replaceAll("\\s+", " ");
    }

    private static void finish(CliProcess login, int exit) throws InterruptedException {
        if (exit < 0) {
            Thread.sleep(300);
            assertTrue(login.isAlive(), "the login ended: " + login.all());
        } else {
            assertEquals(exit, login.exitCode(60), login.all());
        }
    }

    private String authorizationUrl(String url) {
        return url;
    }

    /** The loopback address of the login behind {@code url}: the callback with {@code query}, or /cancel. */
    private String callback(String url, String query) {
        URI redirect = URI.create(query(url, "redirect_uri"));
        String base = "http://localhost:" + redirect.getPort();
        return query == null ? base + "/cancel" : base + redirect.getPath() + "?" + query;
    }

    private static String query(String url, String name) {
        Matcher matcher = Pattern.compile("[?&]" + name + "=([^&]+)").matcher(url);
        assertTrue(matcher.find(), url);
        return java.net.URLDecoder.decode(matcher.group(1), StandardCharsets.UTF_8);
    }

    private String chromium(String url, String... mode) throws Exception {
        Path profile = Files.createTempDirectory(home, "chromium");
        List<String> command = new ArrayList<>(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox",
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
        command.addAll(List.of(mode));
        command.add(url);
        Process process = new ProcessBuilder(command).directory(home.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Chromium did not finish with " + url);
        }
        return new String(out, StandardCharsets.UTF_8);
    }
}
