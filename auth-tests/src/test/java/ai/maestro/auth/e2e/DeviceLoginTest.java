package ai.maestro.auth.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code login openai --device} in a real process against the fake's device endpoints (OpenAI's own
 * flow): the user approves on "another device" after some polls.
 */
class DeviceLoginTest extends OnAUsersMachine {

    private CliProcess deviceLogin(String... more) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("login", "openai", "--device"));
        args.addAll(List.of(more));
        return CliProcess.start(machine.env, args.toArray(String[]::new));
    }

    @Test
    void pendingThreeTimesThenApprovedSignsInAndStoresTheTokens() throws Exception {
        try (CliProcess login = deviceLogin()) {
            assertEquals(0, login.exitCode(60), login.all());
            Matcher code = Pattern.compile("Enter  ([A-Z0-9]{4}-\\d{4})").matcher(login.out());
            assertTrue(code.find(), login.out());
            assertTrue(login.out().contains("Open   " + machine.fake.issuer() + "/codex/device"), login.out());
            assertTrue(login.out().contains("Signed in to OpenAI as ada@example.com"), login.out());
        }
        assertEquals(4, machine.fake.devicePollTimes.size());
        assertEquals(1, machine.fake.authorizationCodeGrants.get());
        long gap = machine.fake.devicePollTimes.get(1) - machine.fake.devicePollTimes.get(0);
        assertTrue(gap >= 900_000_000L, "polled faster than the 1 s interval: " + gap / 1_000_000 + " ms");
        try (CliProcess status = CliProcess.start(machine.env, "status")) {
            assertEquals(0, status.exitCode(60), status.all());
            assertTrue(status.out().contains("ada@example.com"), status.out());
        }
    }

    @Test
    void aServerThatClosesEveryConnectionStillSignsInAndTheCodeIsSentOnce() throws Exception {
        machine.fake.closeEveryConnection = true;
        try (CliProcess login = deviceLogin()) {
            assertEquals(0, login.exitCode(60), login.all());
            assertTrue(login.out().contains("Signed in to OpenAI as ada@example.com"), login.out());
        }
        assertEquals(4, machine.fake.devicePollTimes.size());
        assertEquals(1, machine.fake.authorizationCodeGrants.get(), "one code exchange");
        assertEquals(0, machine.fake.rejectedCodes.get(), "the code was never sent twice");

        // A second login as the same account replaces it: the replaced refresh token is revoked.
        try (CliProcess again = deviceLogin()) {
            assertEquals(0, again.exitCode(60), again.all());
            assertTrue(!again.all().contains("could not be told"), again.all());
        }
        assertEquals(1, machine.fake.revocations.size(), "the replaced refresh token was revoked");
        assertEquals(2, machine.fake.authorizationCodeGrants.get());
    }

    @Test
    void aSlowDownLengthensTheIntervalAndTheOldSpellingAndANumericIntervalWork() throws Exception {
        machine.fake.deviceSlowDownFirst = true;
        machine.fake.deviceOldSpelling = true;
        machine.fake.deviceIntervalAsString = false;
        machine.fake.devicePendingPolls = 1;
        try (CliProcess login = deviceLogin()) {
            assertEquals(0, login.exitCode(60), login.all());
        }
        List<Long> polls = machine.fake.devicePollTimes;
        assertEquals(3, polls.size());
        long afterSlowDown = polls.get(1) - polls.get(0);
        assertTrue(afterSlowDown >= 5_500_000_000L, "no slower after 429: " + afterSlowDown / 1_000_000 + " ms");
    }

    @Test
    void aVerifierThatDoesNotMatchItsChallengeIsRefusedAndNothingIsStored() throws Exception {
        machine.fake.deviceWrongVerifier = true;
        machine.fake.devicePendingPolls = 0;
        try (CliProcess login = deviceLogin()) {
            assertEquals(9, login.exitCode(60), login.all());
            assertTrue(login.err().contains("code_verifier that does not match its code_challenge"), login.err());
        }
        assertEquals(0, machine.fake.authorizationCodeGrants.get() + machine.fake.rejectedCodes.get(),
                "the code was sent");
        try (CliProcess status = CliProcess.start(machine.env, "status")) {
            assertEquals(3, status.exitCode(60), status.all());
        }
    }

    @Test
    void theWaitEndsAtTheTimeoutWithOneLine() throws Exception {
        machine.fake.devicePendingPolls = 1_000;
        long started = System.nanoTime();
        try (CliProcess login = deviceLogin("--timeout", "3")) {
            assertEquals(6, login.exitCode(60), login.all());
            assertTrue(login.err().contains("timed out"), login.err());
            assertFalse(login.err().contains("Exception"), login.err());
        }
        assertTrue(System.nanoTime() - started < 15_000_000_000L);
    }
}
