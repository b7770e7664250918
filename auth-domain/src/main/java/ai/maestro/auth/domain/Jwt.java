package ai.maestro.auth.domain;

/**
 * The shape of a JWT, checked without reading it: its payload is decoded (with a JSON library) by the
 * adapter that receives the token, and reaches the domain as typed claims.
 */
public final class Jwt {
    private Jwt() {
    }

    public static boolean looksLikeJwt(String token) {
        return token != null && token.chars().filter(c -> c == '.').count() == 2 && token.length() < 64 * 1024;
    }
}
