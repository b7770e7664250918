package ai.maestro.auth.domain;

import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.login.CallbackParser;
import ai.maestro.auth.domain.login.CallbackResult;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.login.CallbackResult.Authorized;
import ai.maestro.auth.domain.login.CallbackResult.Rejected;
import ai.maestro.auth.domain.error.AuthorizationDeniedException;
import ai.maestro.auth.domain.error.InvalidCallbackException;
import ai.maestro.auth.domain.error.InvalidCallbackException.Reason;
import java.net.URI;
import java.time.Instant;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class CallbackParserTest {
    private static final String STATE = "s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-s7aTe-x";
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final AuthorizationSession SESSION = new AuthorizationSession(ProviderId.OPENAI, State.of(STATE),
            PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            URI.create("http://localhost:1455/auth/callback"), NOW, NOW.plusSeconds(300));

    private static String codeOf(CallbackResult result) {
        return assertInstanceOf(Authorized.class, result).code().value().reveal();
    }

    private static Reason reasonOf(CallbackResult result) {
        return assertInstanceOf(InvalidCallbackException.class,
                assertInstanceOf(Rejected.class, result).error()).reason();
    }

    @Test
    void acceptsTheFullRedirectUrl() {
        String url = "http://localhost:1455/auth/callback?code=ac_123%2F4&scope=openid&state=" + STATE;
        assertEquals("ac_123/4", codeOf(CallbackParser.parse(url, SESSION, NOW)));
    }

    @Test
    void acceptsABareQueryStringWithOrWithoutQuestionMark() {
        assertEquals("ac_1", codeOf(CallbackParser.parse("?code=ac_1&state=" + STATE, SESSION, NOW)));
        assertEquals("ac_1", codeOf(CallbackParser.parse("state=" + STATE + "&code=ac_1", SESSION, NOW)));
    }

    @Test
    void acceptsAnthropicsCodeHashState() {
        assertEquals("abc-DEF_123", codeOf(CallbackParser.parse("  abc-DEF_123#" + STATE + "\n", SESSION, NOW)));
    }

    @Test
    void acceptsABareCode() {
        assertEquals("abc-DEF_123", codeOf(CallbackParser.parse("abc-DEF_123", SESSION, NOW)));
    }

    @Test
    void theStrictFormRefusesABareCodeButKeepsTheOthers() {
        assertEquals(Reason.MISSING_STATE, reasonOf(CallbackParser.parseWithState("abc-DEF_123", SESSION, NOW)));
        assertEquals("c", codeOf(CallbackParser.parseWithState("c#" + STATE, SESSION, NOW)));
        assertEquals("c", codeOf(CallbackParser.parseWithState("code=c&state=" + STATE, SESSION, NOW)));
    }

    @Test
    void rejectsCallbackWhoseStateDiffers() {
        assertEquals(Reason.STATE_MISMATCH, reasonOf(CallbackParser.parse(
                "http://localhost:1455/auth/callback?code=x&state=" + STATE.replace('x', 'y'), SESSION, NOW)));
        assertEquals(Reason.STATE_MISMATCH, reasonOf(CallbackParser.parse("abc#wrong-state", SESSION, NOW)));
    }

    @Test
    void rejectsCallbackWithoutState() {
        assertEquals(Reason.MISSING_STATE, reasonOf(CallbackParser.parse("code=abc", SESSION, NOW)));
        assertEquals(Reason.MISSING_STATE, reasonOf(CallbackParser.parse("abc#", SESSION, NOW)));
    }

    @Test
    void rejectsCallbackWithoutCode() {
        assertEquals(Reason.MISSING_CODE, reasonOf(CallbackParser.parse("state=" + STATE, SESSION, NOW)));
        assertEquals(Reason.MISSING_CODE, reasonOf(CallbackParser.parse("http://localhost:1455/auth/callback", SESSION, NOW)));
        assertEquals(Reason.MISSING_CODE, reasonOf(CallbackParser.parse("#" + STATE, SESSION, NOW)));
    }

    @Test
    void rejectsRepeatedParameters() {
        assertEquals(Reason.DUPLICATE_PARAMETER, reasonOf(CallbackParser.parse(
                "code=a&code=b&state=" + STATE, SESSION, NOW)));
    }

    @Test
    void rejectsAnExpiredSession() {
        Instant later = SESSION.expiresAt();
        assertEquals(Reason.SESSION_EXPIRED, reasonOf(CallbackParser.parse("code=a&state=" + STATE, SESSION, later)));
        assertEquals(Reason.SESSION_EXPIRED, reasonOf(CallbackParser.parse("bare-code", SESSION, later)));
    }

    @Test
    void turnsAnErrorRedirectIntoATypedDenialWithItsDescription() {
        CallbackResult result = CallbackParser.fromQuery(
                "error=access_denied&error_description=The+user+said+no&state=" + STATE, SESSION, NOW);

        AuthorizationDeniedException denied = assertInstanceOf(AuthorizationDeniedException.class,
                assertInstanceOf(Rejected.class, result).error());
        assertEquals("access_denied", denied.error());
        assertEquals("The user said no", denied.description().orElseThrow());
        assertTrue(denied.getMessage().contains("approve"));
    }

    @Test
    void anErrorRedirectWithAForeignStateIsAMismatchNotADenial() {
        assertEquals(Reason.STATE_MISMATCH, reasonOf(CallbackParser.fromQuery(
                "error=access_denied&state=someone-elses-state-0000", SESSION, NOW)));
    }

    @Test
    void rejectsMalformedInput() {
        for (String input : new String[] {"", "   ", "code=%ZZ&state=x", "http://[bad", "two words", "a".repeat(20_000)}) {
            assertEquals(Reason.MALFORMED, reasonOf(CallbackParser.parse(input, SESSION, NOW)), input);
        }
        assertEquals(Reason.MALFORMED, reasonOf(CallbackParser.parse(null, SESSION, NOW)));
    }

    @Property(tries = 2000)
    void neverThrowsForAnyInputString(@ForAll String input) {
        CallbackResult result = CallbackParser.parse(input, SESSION, NOW);
        assertTrue(result instanceof Authorized || result instanceof Rejected);
        CallbackResult query = CallbackParser.fromQuery(input, SESSION, NOW);
        assertTrue(query instanceof Authorized || query instanceof Rejected);
    }

    @Test
    void aDenialCountsOnlyWithTheSessionsState() {
        assertEquals(Reason.MISSING_STATE, reasonOf(CallbackParser.fromQuery("error=access_denied", SESSION, NOW)));
        assertEquals(Reason.MISSING_STATE, reasonOf(CallbackParser.fromQuery("error=access_denied&state=", SESSION,
                NOW)));
    }
}
