package ai.maestro.auth.domain.error;

/** A token that should be a JWT cannot be decoded; the message never quotes the token. */
public final class MalformedJwtException extends AuthException {
    public MalformedJwtException(String what) {
        super("The token is not a readable JWT: " + what + ".", "", null);
    }
}
