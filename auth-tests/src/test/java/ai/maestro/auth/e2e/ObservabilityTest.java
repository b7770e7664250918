package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.adapter.outbound.http.ProviderInterceptors;
import ai.maestro.auth.app.wiring.MaestroAuthConfig;
import ai.maestro.auth.app.wiring.MaestroAuthModule;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.AuthHealth;
import ai.maestro.auth.domain.CredentialHealth;
import ai.maestro.auth.domain.HealthReport;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of an orchestrator that embeds maestro-auth: the meters on the registry it
 * binds (or Micrometer's global one), the health check, and the event lines of child processes.
 */
class ObservabilityTest extends OnAUsersMachine {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @BeforeEach
    void dueLogins() {
        // Every login is inside the refresh skew, so the first token asked for is refreshed.
        machine.fake.loginLifetime = Duration.ofSeconds(60);
    }

    /** maestro-auth as an orchestrator wires it, with its own registry bound. */
    private Injector embedder() {
        return Guice.createInjector(new MaestroAuthModule(MaestroAuthConfig.fromEnvironment(machine.env)),
                binder -> binder.bind(MeterRegistry.class).toInstance(registry));
    }

    private double count(String name, String... tags) {
        return registry.find(name).tags(tags).meters().stream().mapToDouble(meter -> {
            if (meter instanceof io.micrometer.core.instrument.Timer timer) {
                return timer.count();
            }
            return meter.measure().iterator().next().getValue();
        }).sum();
    }

    @Test
    void aStormAcrossThreadsAndTwoProcessesCountsExactlyTheRefreshesThisProcessMade() throws Exception {
        machine.cliLogin();
        AccessTokenService tokens = embedder().getInstance(AccessTokenService.class);
        List<CliProcess> children = List.of(CliProcess.start(machine.env, "--verbose", "token", "openai"),
                CliProcess.start(machine.env, "--verbose", "token", "openai"));
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Future<String>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(threads.submit(() -> tokens.validAccessToken(ProviderId.OPENAI).reveal()));
        }
        for (Future<String> call : calls) {
            String served = call.get();
            assertEquals(machine.fake.lastAccessToken, served);
        }
        threads.shutdown();
        long childRefreshes = 0;
        for (CliProcess child : children) {
            assertEquals(0, child.exitCode(60), child.all());
            childRefreshes += child.err().lines().filter(l -> l.contains("ai.maestro.auth.events")
                    && l.contains("refresh openai")).count();
        }
        double here = count("maestro.auth.refresh", "outcome", "success", "trigger", "due", "provider", "openai");
        System.out.printf("refresh storm: %d grant(s) at the fake, %.0f counted here, %d in the children's"
                + " event lines%n", machine.fake.refreshGrants.get(), here, childRefreshes);
        assertEquals(1, machine.fake.refreshGrants.get());
        assertEquals(machine.fake.refreshGrants.get(), (long) here + childRefreshes,
                "every refresh counted once, by the process that made it");
        assertEquals(here, count("maestro.auth.refresh"), "no other outcome");
        assertTrue(count("maestro.auth.store", "store", "h2", "operation", "find", "outcome", "success") > 0);
        System.out.println("meters after the storm:\n" + scrape(registry));
        assertNoSecretIn(scrape(registry));
        children.forEach(child -> assertNoSecretIn(eventLines(child)));
    }

    @Test
    void aRejectedRequestRecoveredByTheInterceptorIsCountedRecovered() throws Exception {
        machine.cliLogin();
        Injector injector = embedder();
        try (MockWebServer api = new MockWebServer()) {
            api.start();
            api.enqueue(new MockResponse.Builder().code(401).body("{}").build());
            api.enqueue(new MockResponse.Builder().code(200).body("{}").build());
            OkHttpClient client = new OkHttpClient.Builder().addInterceptor(injector
                    .getInstance(ProviderInterceptors.class).interceptorFor(ProviderId.OPENAI)).build();
            try (Response response = client.newCall(new Request.Builder().url(api.url("/v1/models")).build())
                    .execute()) {
                assertEquals(200, response.code());
            }
        }
        assertEquals(1.0, count("maestro.auth.requests.rejected", "provider", "openai", "recovered", "true"));
        assertEquals(0.0, count("maestro.auth.requests.rejected", "recovered", "false"));
        assertEquals(1.0, count("maestro.auth.refresh", "trigger", "rejected", "outcome", "success"));
    }

    @Test
    void aDeadGrantTurnsReloginRequiredAndHealthDownAndANewLoginElsewhereTurnsThemBack() throws Exception {
        machine.cliLogin();
        Injector injector = embedder();
        AuthHealth health = injector.getInstance(AuthHealth.class);
        assertEquals(CredentialHealth.Status.UP, health.check().status(), health.check().toString());
        System.out.println("health, signed in: " + health.check());
        machine.fake.revokeAllRefreshTokens();

        assertThrows(ReloginRequiredException.class,
                () -> injector.getInstance(AccessTokenService.class).validAccessToken(ProviderId.OPENAI));
        within(Duration.ofSeconds(1), () -> gauge("maestro.auth.relogin.required") == 1.0, "relogin.required 1");
        HealthReport down = health.check();
        System.out.println("health, grant dead: " + down);
        assertEquals(CredentialHealth.Status.DOWN, down.status());
        assertTrue(down.credentials().get(0).nextStep().startsWith("Run: maestro-auth login openai"), down.toString());
        assertEquals(1.0, count("maestro.auth.refresh", "outcome", "dead_grant"));

        machine.cliLogin();
        within(Duration.ofSeconds(2), () -> gauge("maestro.auth.relogin.required") == 0.0, "relogin.required 0");
        assertEquals(CredentialHealth.Status.UP, health.check().status(), health.check().toString());
        assertTrue(gauge("maestro.auth.token.expiry") > 0, "seconds until expiry");
    }

    @Test
    void aFailingProviderIsDegradedWithTheReasonAndAStoreThatCannotBeReadIsDown() throws Exception {
        machine.cliLogin();
        Injector injector = embedder();
        AuthHealth health = injector.getInstance(AuthHealth.class);
        machine.fake.refreshFailureStatus = 503;
        // Still valid for a minute: served, and the failure is recorded.
        injector.getInstance(AccessTokenService.class).validAccessToken(ProviderId.OPENAI);
        HealthReport degraded = health.check();
        System.out.println("health, provider failing: " + degraded);
        assertEquals(CredentialHealth.Status.DEGRADED, degraded.status());
        assertTrue(degraded.reason().contains("the last refresh failed") && degraded.reason()
                .contains("the token endpoint was unavailable"), degraded.reason());
        assertEquals(1.0, count("maestro.auth.refresh", "outcome", "unavailable"));

        machine.env.put("MAESTRO_AUTH_ENCRYPTION_KEY", "other:" + java.util.Base64.getEncoder()
                .encodeToString(new byte[32]));
        HealthReport unreadable = Guice.createInjector(new MaestroAuthModule(MaestroAuthConfig.fromEnvironment(
                machine.env))).getInstance(AuthHealth.class).check();
        System.out.println("health, wrong key: " + unreadable);
        assertEquals(CredentialHealth.Status.DOWN, unreadable.status(), unreadable.toString());
    }

    @Test
    void withNoRegistryBoundTheMetersAppearOnMicrometersGlobalRegistry() throws Exception {
        machine.cliLogin();
        SimpleMeterRegistry added = new SimpleMeterRegistry();
        Metrics.globalRegistry.add(added);
        try {
            Guice.createInjector(new MaestroAuthModule(MaestroAuthConfig.fromEnvironment(machine.env)))
                    .getInstance(AccessTokenService.class).validAccessToken(ProviderId.OPENAI);
            assertNotNull(added.find("maestro.auth.refresh").tag("outcome", "success").timer());
            assertEquals(1, added.find("maestro.auth.refresh").timer().count());
        } finally {
            Metrics.globalRegistry.remove(added);
        }
    }

    private double gauge(String name) {
        return registry.find(name).tag("provider", "openai").gauge().value();
    }

    private static void within(Duration bound, BooleanSupplier condition, String what) throws Exception {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " not within " + bound);
            }
            Thread.sleep(20);
        }
    }

    /** Every meter as a registry scrape would list it: name, tags, value. */
    private static String scrape(MeterRegistry registry) {
        StringBuilder out = new StringBuilder();
        registry.getMeters().stream().sorted(java.util.Comparator.comparing(m -> m.getId().toString()))
                .forEach(meter -> {
                    out.append(meter.getId().getName());
                    for (Tag tag : meter.getId().getTags()) {
                        out.append(' ').append(tag.getKey()).append('=').append(tag.getValue());
                    }
                    meter.measure().forEach(m -> out.append(' ').append(m.getStatistic().getTagValueRepresentation())
                            .append('=').append(m.getValue()));
                    out.append('\n');
                });
        return out.toString();
    }

    private static String eventLines(CliProcess child) {
        return String.join("\n", child.err().lines().filter(l -> l.contains("ai.maestro.auth.events")).toList());
    }

    private void assertNoSecretIn(String text) {
        for (String secret : machine.fake.secrets) {
            assertFalse(text.contains(secret), "a secret in: " + text);
        }
        assertFalse(text.contains("acct-1"), "an account id in: " + text);
        assertFalse(text.contains("@example.com"), "an e-mail in: " + text);
    }
}
