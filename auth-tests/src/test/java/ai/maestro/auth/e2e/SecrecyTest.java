package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.PkceParams;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * Every flow, run as users run it but logging at TRACE with stack traces: no token, code, verifier or
 * key value, nor an echo of one missing its last character, appears in any output line, log line,
 * exception message or file of the data directory. Only {@code token}'s standard output holds one,
 * which is its job.
 */
class SecrecyTest extends OnAUsersMachine {
    private static final List<String> TRACE = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=trace");
    /** The prefixes of the fake's opaque secrets: codes, refresh tokens, API keys. */
    private static final List<String> SECRET_PREFIXES = List.of("code-", "rt-", "sk-fake-");
    private final StringBuilder seen = new StringBuilder();
    private final List<String> flows = new ArrayList<>();

    private int run(boolean printsTheSecret, String... args) throws Exception {
        try (CliProcess cli = CliProcess.start(machine.env, TRACE, withVerbose(args))) {
            int code = cli.exitCode(60);
            record(cli, printsTheSecret, args);
            return code;
        }
    }

    private void record(CliProcess cli, boolean printsTheSecret, String... args) {
        seen.append(cli.err());
        if (!printsTheSecret) {
            seen.append(cli.out());
        }
        flows.add(String.join(" ", args));
    }

    private static String[] withVerbose(String... args) {
        return Stream.concat(Stream.of("--verbose"), Stream.of(args)).toArray(String[]::new);
    }

    @Test
    void noSecretReachesAnyOutputLogLineExceptionOrFile() throws Exception {
        try (CliProcess login = CliProcess.start(machine.env, TRACE, withVerbose("login", "openai", "--no-browser",
                "--timeout", "60"))) {
            String location;
            try (Response redirect = new OkHttpClient.Builder().followRedirects(false).build()
                    .newCall(new Request.Builder().url(login.authorizationUrl()).build()).execute()) {
                location = redirect.header("Location");
            }
            login.type(location.replace("state=", "state=forged"));
            login.type(location);
            assertEquals(0, login.exitCode(60), login.all());
            record(login, false, "login", "openai", "(wrong state pasted, then the right one)");
        }
        assertEquals(0, run(false, "status"));
        assertEquals(0, run(false, "status", "--json"));
        try (CliProcess token = CliProcess.start(machine.env, TRACE, withVerbose("token", "openai"))) {
            assertEquals(0, token.exitCode(60), token.all());
            assertEquals(machine.fake.lastAccessToken, token.out().trim());
            record(token, true, "token", "openai");
        }
        assertEquals(0, run(false, "refresh", "openai"));
        assertEquals(0, run(false, "api-key", "openai"));
        assertEquals(0, run(true, "token", "openai", "--api-key"));
        assertEquals(0, run(false, "config"));
        assertEquals(6, run(false, "login", "openai", "--no-browser", "--timeout", "1"));

        machine.fake.echoSecrets = true;
        machine.fake.revokeAllRefreshTokens();
        assertNotEquals(0, run(false, "refresh", "openai"));
        assertEquals(0, run(false, "logout", "openai"));

        // What the flows above must have issued and checked, counted by kind rather than by forms of
        // random text, so the floor does not depend on the random values of a run.
        List<String> issued = new ArrayList<>(machine.fake.secrets);
        for (String prefix : SECRET_PREFIXES) {
            assertTrue(issued.stream().anyMatch(s -> s.startsWith(prefix)), "no " + prefix + "… secret was issued");
        }
        assertTrue(issued.stream().filter(s -> s.startsWith("rt-")).count() >= 2, "a refresh token and its rotation");
        assertTrue(issued.stream().filter(s -> s.split("\\.").length == 3).count() >= 3,
                "access tokens and an id_token: " + issued.size());
        assertTrue(issued.stream().anyMatch(s -> !s.contains(".") && PkceParams.isValidVerifier(s)), "a PKCE verifier");
        Set<String> forms = secretForms();
        assertTrue(seen.toString().contains("DEBUG") || seen.toString().contains("TRACE"),
                "nothing was logged: " + seen);
        for (String form : forms) {
            assertFalse(seen.toString().contains(form), "a secret in the output of " + flows);
        }
        try (Stream<Path> files = Files.walk(machine.data)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                for (String form : forms) {
                    assertFalse(content.contains(form), "a secret in " + file.getFileName());
                }
            }
        }
    }

    /**
     * Each secret, and what a careless echo leaves of it: the whole value, the value without its last
     * character, its random part (after the last '-'), and a JWT's payload.
     */
    private Set<String> secretForms() {
        Set<String> forms = new LinkedHashSet<>();
        List<String> secrets = new ArrayList<>(machine.fake.secrets);
        secrets.add(machine.env.get("MAESTRO_AUTH_ENCRYPTION_KEY").substring("e2e:".length()));
        for (String secret : secrets) {
            forms.add(secret);
            String[] parts = secret.split("\\.");
            if (parts.length == 3) {
                forms.add(parts[1]);
                continue;
            }
            forms.add(secret.substring(0, secret.length() - 1));
            // The random part after the fake's fixed prefix (always 22 characters): base64url text may
            // itself contain '-', so the prefix, not the last '-', marks where it starts.
            SECRET_PREFIXES.stream().filter(secret::startsWith).findFirst()
                    .ifPresent(prefix -> forms.add(secret.substring(prefix.length())));
        }
        return forms;
    }
}
