package ai.maestro.auth.domain.login;

import ai.maestro.auth.domain.PkceParams;

import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.QueryParameter;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The authorization request URL (RFC 6749 §4.1.1 with RFC 7636 §4.3) the user opens in a browser. */
public record AuthorizationRequest(URI uri) {
    public AuthorizationRequest {
        Objects.requireNonNull(uri, "uri");
    }

    /**
     * The parts of a provider's authorization URL that do not change between logins, encoded once:
     * a new login only adds its challenge and state (a login attempt costs little more than its
     * random bytes and one SHA-256).
     */
    public record Template(String beforeChallenge, String beforeState, String afterState, java.net.URI redirectUri) {
        public static Template of(ProviderConfig config, java.net.URI redirectUri) {
            String base = config.authorizationEndpoint().toString();
            StringBuilder before = new StringBuilder(base).append(base.contains("?") ? '&' : '?')
                    .append("response_type=code&client_id=").append(encode(config.clientId()))
                    .append("&redirect_uri=").append(encode(redirectUri.toString()))
                    .append("&scope=").append(encode(String.join(" ", config.scopes())))
                    .append("&code_challenge=");
            StringBuilder after = new StringBuilder();
            for (QueryParameter p : config.extraAuthorizationParameters()) {
                after.append('&').append(encode(p.name())).append('=').append(encode(p.value()));
            }
            return new Template(before.toString(), "&code_challenge_method=" + PkceParams.METHOD + "&state=",
                    after.toString(), redirectUri);
        }

        /** The URL of {@code session}, which must return to this template's redirect URI. */
        public AuthorizationRequest fill(AuthorizationSession session) {
            if (!session.redirectUri().equals(redirectUri)) {
                throw new IllegalArgumentException("the session returns to another redirect URI");
            }
            String state = session.state().value();
            String challenge = session.pkce().codeChallenge();
            return new AuthorizationRequest(java.net.URI.create(new StringBuilder(beforeChallenge.length()
                    + beforeState.length() + afterState.length() + 100).append(beforeChallenge).append(encode(challenge))
                    .append(beforeState).append(encode(state)).append(afterState).toString()));
        }
    }

    /** Parameters in a fixed order, so the URL is the same for the same session (golden tests, logs). */
    public static AuthorizationRequest build(ProviderConfig config, AuthorizationSession session) {
        List<QueryParameter> parameters = new ArrayList<>();
        parameters.add(new QueryParameter("response_type", "code"));
        parameters.add(new QueryParameter("client_id", config.clientId()));
        parameters.add(new QueryParameter("redirect_uri", session.redirectUri().toString()));
        parameters.add(new QueryParameter("scope", String.join(" ", config.scopes())));
        parameters.add(new QueryParameter("code_challenge", session.pkce().codeChallenge()));
        parameters.add(new QueryParameter("code_challenge_method", PkceParams.METHOD));
        parameters.add(new QueryParameter("state", session.state().value()));
        parameters.addAll(config.extraAuthorizationParameters());

        String base = config.authorizationEndpoint().toString();
        StringBuilder url = new StringBuilder(base).append(base.contains("?") ? '&' : '?');
        for (int i = 0; i < parameters.size(); i++) {
            QueryParameter p = parameters.get(i);
            url.append(i == 0 ? "" : "&").append(encode(p.name())).append('=').append(encode(p.value()));
        }
        return new AuthorizationRequest(URI.create(url.toString()));
    }

    /** RFC 3986 percent-encoding: space is %20 (not '+'), unreserved characters stay as they are. */
    public static String encode(String text) {
        if (isUnreserved(text)) {
            return text; // the common case (state, challenge, names): nothing to encode
        }
        return URLEncoder.encode(text, StandardCharsets.UTF_8)
                .replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
    }

    private static boolean isUnreserved(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~';
            if (!unreserved) {
                return false;
            }
        }
        return true;
    }

    /** The URL carries the state, which must not leak into logs before the callback arrives. */
    @Override
    public String toString() {
        return "AuthorizationRequest[" + uri.getScheme() + "://" + uri.getRawAuthority() + uri.getRawPath() + "?...]";
    }
}
