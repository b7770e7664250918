package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.application.port.outbound.TokenEndpointPort.AnswerReceipt;
import ai.maestro.auth.domain.ConfigProblem;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.ProviderConfigValidator;
import ai.maestro.auth.domain.config.TokenRequestFormat;
import ai.maestro.auth.domain.error.ConfigurationException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.InvalidTokenResponseException.Defect;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.token.TokenResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSource;

/**
 * The bodies of the token endpoints' conversations: a request in the provider's format, a success
 * read (bounded) and handed to its receipt before it is parsed, an error body turned into an
 * {@link OAuthError} that repeats no secret.
 */
final class TokenAnswers {
    static final long MAX_BODY_BYTES = 1024 * 1024;
    private static final MediaType JSON = MediaType.get("application/json; charset=utf-8");
    private final JwtPayloads jwts = new JwtPayloads();
    private final HttpSettings settings;

    TokenAnswers(HttpSettings settings) {
        this.settings = settings;
    }

    RequestBody body(TokenRequestFormat format, TokenRequest request) {
        if (format == TokenRequestFormat.FORM) {
            FormBody.Builder form = new FormBody.Builder();
            request.fields().forEach(form::add);
            return form.build();
        }
        try {
            return RequestBody.create(JsonMaps.JSON.asBytes(request.fields()), JSON);
        } catch (IOException e) {
            throw new IllegalStateException("a map of strings always serializes", e);
        }
    }

    /** A successful answer: handed to {@code receipt} the moment its last byte is read, then parsed. */
    TokenResponse success(Response response, AnswerReceipt receipt) throws IOException {
        LimitedBody body = read(response);
        if (body.tooLarge()) {
            throw new InvalidTokenResponseException(Defect.TOO_LARGE);
        }
        // Before anything else is done with it: the grant it answers is spent.
        receipt.received(body.bytes());
        return answer(body.bytes());
    }

    /** A token response's body, parsed, with its JWTs' claims decoded so that the domain gets them typed. */
    TokenResponse answer(byte[] body) {
        if (body.length == 0) {
            throw new InvalidTokenResponseException(Defect.EMPTY);
        }
        Map<String, Object> fields = json(body);
        // The access token's exp is only a fallback for a missing expires_in: not read otherwise.
        return new TokenResponse(fields, jwts.idTokenClaims(fields.get("id_token")),
                fields.get("expires_in") == null ? jwts.expiry(fields.get("access_token")) : Optional.empty());
    }

    /** A JSON object's fields, from an answer of at most 1 MiB. */
    Map<String, Object> fieldsOf(Response response) throws IOException {
        LimitedBody body = read(response);
        if (body.tooLarge()) {
            throw new InvalidTokenResponseException(Defect.NOT_A_JSON_OBJECT);
        }
        return json(body.bytes());
    }

    private static Map<String, Object> json(byte[] body) {
        return JsonMaps.object(body).orElseThrow(() -> new InvalidTokenResponseException(Defect.NOT_A_JSON_OBJECT));
    }

    OAuthError errorOf(Response response, List<String> secrets) throws IOException {
        int status = response.code();
        if (status >= 300 && status < 400) {
            return new OAuthError("unexpected_redirect", "the token endpoint answered HTTP " + status
                    + " (a redirect); check the token endpoint URL", status, OAuthError.Permanence.PERMANENT);
        }
        LimitedBody body = read(response);
        if (body.tooLarge()) {
            return OAuthError.of("http_error", "HTTP " + status + " with a body over 1 MiB", status);
        }
        return ErrorBodies.parse(status, body.bytes(), response.header("Content-Type"), secrets);
    }

    ProviderUnavailableException unavailable(IOException e, URI endpoint) {
        HttpUrl url = HttpUrl.parse(endpoint.toString());
        return new ProviderUnavailableException(NetworkFailures.describe(e, url, settings), null, e);
    }

    /**
     * The domain validated every endpoint already; where secrets are about to be sent, a second check
     * is cheap. {@code variableSuffix} names the setting to fix, e.g. TOKEN_ENDPOINT.
     */
    static HttpUrl checked(ProviderConfig config, URI endpoint, String variableSuffix) {
        HttpUrl url = HttpUrl.parse(endpoint.toString());
        if (url == null || !ProviderConfigValidator.isSecureOrLoopback(endpoint)) {
            String variable = config.provider().name() + "_OAUTH_" + variableSuffix;
            throw new ConfigurationException(List.of(new ConfigProblem(config.provider(), variable,
                    ConfigProblem.Kind.INSECURE_ENDPOINT, variable + " must use https (http only on loopback)")));
        }
        return url;
    }

    private record LimitedBody(byte[] bytes, boolean tooLarge) {
    }

    /** Reads at most 1 MiB + 1 byte, so a hostile or broken server cannot make us buffer without end. */
    private static LimitedBody read(Response response) throws IOException {
        BufferedSource source = response.body().source();
        boolean more = source.request(MAX_BODY_BYTES + 1);
        if (more) {
            return new LimitedBody(new byte[0], true);
        }
        return new LimitedBody(source.getBuffer().readByteArray(), false);
    }
}
