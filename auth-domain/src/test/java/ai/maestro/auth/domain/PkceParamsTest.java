package ai.maestro.auth.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.Chars;
import net.jqwik.api.constraints.StringLength;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PkceParamsTest {

    @Test
    void computesTheRfc7636AppendixBChallenge() {
        PkceParams pkce = PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");

        assertEquals("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", pkce.codeChallenge());
        assertEquals("S256", pkce.codeChallengeMethod());
    }

    @Test
    void generatesA43CharacterVerifierFrom32RandomBytes() {
        SecureRandom random = new SecureRandom();
        PkceParams first = PkceParams.generate(random);
        PkceParams second = PkceParams.generate(random);

        assertEquals(43, first.codeVerifier().length());
        assertTrue(PkceParams.isValidVerifier(first.codeVerifier().reveal()));
        assertEquals(PkceParams.s256(first.codeVerifier().reveal()), first.codeChallenge());
        assertNotEquals(first.codeVerifier().reveal(), second.codeVerifier().reveal());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "short",
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjX", // 42 characters
            "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk+", // '+' is not unreserved
            "dBjftJeZ4CVP mB92K27uhbUJU1p1r_wW1gFWFOEjXk=",
    })
    void rejectsVerifiersOutsideRfc7636Grammar(String verifier) {
        assertThrows(IllegalArgumentException.class, () -> PkceParams.fromVerifier(verifier));
    }

    @Test
    void rejectsAVerifierLongerThan128Characters() {
        assertThrows(IllegalArgumentException.class, () -> PkceParams.fromVerifier("a".repeat(129)));
        assertTrue(PkceParams.isValidVerifier("a".repeat(128)));
    }

    @Test
    void rejectsAChallengeThatDoesNotMatchTheVerifier() {
        Secret verifier = Secret.of("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assertThrows(IllegalArgumentException.class, () -> new PkceParams(verifier, verifier.reveal()));
    }

    @Test
    void toStringShowsNoVerifier() {
        PkceParams pkce = PkceParams.fromVerifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk");
        assertFalse(pkce.toString().contains("dBjftJeZ4CVP"));
    }

    @Property(tries = 300)
    void anyVerifierInTheGrammarYieldsA43CharacterUrlSafeChallenge(
            @ForAll @StringLength(min = 43, max = 128)
            @CharRange(from = 'a', to = 'z') @CharRange(from = 'A', to = 'Z') @CharRange(from = '0', to = '9')
            @Chars({'-', '.', '_', '~'}) String verifier) {
        PkceParams pkce = PkceParams.fromVerifier(verifier);
        assertEquals(43, pkce.codeChallenge().length());
        assertTrue(pkce.codeChallenge().matches("[A-Za-z0-9_-]+"));
    }
}
