package ai.maestro.auth.domain.config;

import ai.maestro.auth.domain.ConfigProblem;

import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.ConfigProblem.Kind;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a provider's settings and reports every problem at once, so one run fixes them all. */
public final class ProviderConfigValidator {
    /** Parameters the URL builder sets itself; an extra parameter must not override them. */
    public static final Set<String> RESERVED_PARAMETERS = Set.of(
            "response_type", "client_id", "redirect_uri", "scope", "state",
            "code_challenge", "code_challenge_method");

    /** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
    private static final Pattern SCOPE_TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");

    private ProviderConfigValidator() {
    }

    public static List<ConfigProblem> problems(ProviderSettings s) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (s.clientId() == null || s.clientId().isBlank()) {
            problems.add(problem(s, "CLIENT_ID", Kind.MISSING_CLIENT_ID, "client id is missing"));
        }
        checkEndpoint(s, "AUTHORIZATION_ENDPOINT", s.authorizationEndpoint(), problems);
        checkEndpoint(s, "TOKEN_ENDPOINT", s.tokenEndpoint(), problems);
        checkRedirect(s, problems);
        // An optional endpoint set to "" is switched off (e.g. no revocation); any other value must be sound.
        s.optionalEndpoints().forEach((name, value) -> {
            if (value != null && !value.isBlank()) {
                checkEndpoint(s, name, value, problems);
            }
        });
        checkScopes(s, problems);
        checkExtras(s, problems);
        return problems;
    }

    public static boolean isLoopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        return h.equals("127.0.0.1") || h.equals("localhost") || h.equals("[::1]") || h.equals("::1");
    }

    /** https, or http on a loopback host (tests and local fakes; RFC 8252 §7.3). */
    public static boolean isSecureOrLoopback(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        return scheme.equals("https") || (scheme.equals("http") && isLoopbackHost(uri.getHost()));
    }

    private static void checkEndpoint(ProviderSettings s, String name, String value, List<ConfigProblem> out) {
        URI uri = parse(s, name, value, out);
        if (uri == null) {
            return;
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            out.add(problem(s, name, Kind.RELATIVE_ENDPOINT, "must be an absolute https URL"));
        } else if (!isSecureOrLoopback(uri)) {
            out.add(problem(s, name, Kind.INSECURE_ENDPOINT, "must use https (http only on 127.0.0.1, ::1 or localhost)"));
        } else if (uri.getRawFragment() != null) {
            out.add(problem(s, name, Kind.INVALID_URI, "must not have a #fragment"));
        }
    }

    private static void checkRedirect(ProviderSettings s, List<ConfigProblem> out) {
        URI uri = parse(s, "REDIRECT_URI", s.redirectUri(), out);
        if (uri == null) {
            return;
        }
        boolean loopbackHttp = "http".equalsIgnoreCase(uri.getScheme()) && isLoopbackHost(uri.getHost())
                && uri.getPort() > 0;
        if (s.provider() == ProviderId.OPENAI && !loopbackHttp) {
            // OpenAI's public client redirects to the loopback receiver (RFC 8252 §7.3).
            out.add(problem(s, "REDIRECT_URI", Kind.REDIRECT_NOT_LOOPBACK_HTTP,
                    "must be http://localhost:<port>/<path> or http://127.0.0.1:<port>/<path>"));
        } else if (!uri.isAbsolute() || uri.getHost() == null || uri.getRawFragment() != null) {
            out.add(problem(s, "REDIRECT_URI", Kind.INVALID_URI, "must be an absolute URL without a #fragment"));
        } else if (!loopbackHttp && !isSecureOrLoopback(uri)) {
            out.add(problem(s, "REDIRECT_URI", Kind.INSECURE_ENDPOINT, "must use https or a loopback http address"));
        }
    }

    private static void checkScopes(ProviderSettings s, List<ConfigProblem> out) {
        String scopes = s.scopes() == null ? "" : s.scopes().trim();
        if (scopes.isEmpty()) {
            out.add(problem(s, "SCOPES", Kind.EMPTY_SCOPES, "at least one scope is required"));
            return;
        }
        for (String scope : scopes.split(" +")) {
            if (!SCOPE_TOKEN.matcher(scope).matches()) {
                out.add(problem(s, "SCOPES", Kind.INVALID_SCOPE, "scope '" + scope + "' has characters RFC 6749 §3.3 forbids"));
            }
        }
    }

    private static void checkExtras(ProviderSettings s, List<ConfigProblem> out) {
        Set<String> seen = new HashSet<>();
        for (QueryParameter parameter : s.extraAuthorizationParameters()) {
            String name = parameter.name();
            if (name.isBlank()) {
                out.add(problem(s, "EXTRA_AUTHORIZATION_PARAMS", Kind.MALFORMED_EXTRA_PARAMETER,
                        "has a parameter without a name"));
            } else if (RESERVED_PARAMETERS.contains(name)) {
                out.add(problem(s, "EXTRA_AUTHORIZATION_PARAMS", Kind.RESERVED_EXTRA_PARAMETER,
                        "must not set '" + name + "': maestro-auth sets it"));
            } else if (!seen.add(name)) {
                out.add(problem(s, "EXTRA_AUTHORIZATION_PARAMS", Kind.DUPLICATE_EXTRA_PARAMETER,
                        "sets '" + name + "' more than once"));
            }
        }
    }

    private static URI parse(ProviderSettings s, String name, String value, List<ConfigProblem> out) {
        if (value == null || value.isBlank()) {
            out.add(problem(s, name, Kind.INVALID_URI, "is empty"));
            return null;
        }
        try {
            return new URI(value.trim());
        } catch (URISyntaxException e) {
            out.add(problem(s, name, Kind.INVALID_URI, "is not a valid URL"));
            return null;
        }
    }

    private static ConfigProblem problem(ProviderSettings s, String name, Kind kind, String message) {
        String variable = s.variable(name);
        return new ConfigProblem(s.provider(), variable, kind, variable + " " + message);
    }
}
