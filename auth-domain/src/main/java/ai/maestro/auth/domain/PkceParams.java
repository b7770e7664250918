package ai.maestro.auth.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * PKCE parameters (RFC 7636). Only S256 exists here: {@code plain} protects nothing against
 * an intercepted authorization request (RFC 9700 §2.1.1), so it cannot even be expressed.
 */
public final class PkceParams {
    public static final String METHOD = "S256";
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9\\-._~]{43,128}");
    private final Secret codeVerifier;
    private final String codeChallenge;

    /** Checks both: a verifier of RFC 7636 §4.1's form, and its challenge. */
    public PkceParams(Secret codeVerifier, String codeChallenge) {
        Objects.requireNonNull(codeVerifier, "codeVerifier");
        Objects.requireNonNull(codeChallenge, "codeChallenge");
        if (!isValidVerifier(codeVerifier.reveal())) {
            throw invalidVerifier();
        }
        if (!s256(codeVerifier.reveal()).equals(codeChallenge)) {
            throw new IllegalArgumentException("code_challenge is not BASE64URL(SHA256(code_verifier))");
        }
        this.codeVerifier = codeVerifier;
        this.codeChallenge = codeChallenge;
    }

    /** For a verifier already known to be valid, with the challenge computed from it here: checked once. */
    private PkceParams(String verifier) {
        this.codeVerifier = Secret.of(verifier);
        this.codeChallenge = s256(verifier);
    }

    /**
     * 32 random bytes give a 43-character verifier, the RFC's recommendation (§4.1); base64url of
     * them is valid by construction, so it is hashed once and never matched against the pattern.
     */
    public static PkceParams generate(SecureRandom random) {
        return new PkceParams(Base64Url.randomToken(random, 32));
    }

    public static PkceParams fromVerifier(String verifier) {
        if (!isValidVerifier(verifier)) {
            throw invalidVerifier();
        }
        return new PkceParams(verifier);
    }

    private static IllegalArgumentException invalidVerifier() {
        return new IllegalArgumentException(
                "code_verifier must be 43 to 128 characters of [A-Za-z0-9-._~] (RFC 7636 §4.1)");
    }

    public Secret codeVerifier() {
        return codeVerifier;
    }

    public String codeChallenge() {
        return codeChallenge;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof PkceParams that && codeVerifier.equals(that.codeVerifier)
                && codeChallenge.equals(that.codeChallenge);
    }

    @Override
    public int hashCode() {
        return codeChallenge.hashCode();
    }

    public static boolean isValidVerifier(String verifier) {
        return verifier != null && VERIFIER.matcher(verifier).matches();
    }

    public String codeChallengeMethod() {
        return METHOD;
    }

    /** BASE64URL-ENCODE(SHA256(ASCII(code_verifier))), RFC 7636 §4.2. */
    public static String s256(String verifier) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            return Base64Url.encode(sha256.digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "PkceParams[codeVerifier=[redacted], codeChallenge=" + codeChallenge + ", method=S256]";
    }
}
