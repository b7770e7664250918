package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.OAuthError;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.OAuthErrorException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import ai.maestro.auth.application.port.outbound.ProviderApiPort;
import ai.maestro.auth.domain.UsageReport;
import ai.maestro.auth.domain.Verification;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/** Authenticated calls maestro-auth makes itself: {@code verify} and {@code usage}. */
public final class ProviderApiClient implements ProviderApiPort {
    private final OkHttpClient client;
    private final ProviderInterceptors interceptors;
    private final ObjectMapper json;

    public ProviderApiClient(OkHttpClient client, ProviderInterceptors interceptors, ObjectMapper json) {
        this.client = Objects.requireNonNull(client, "client");
        this.interceptors = Objects.requireNonNull(interceptors, "interceptors");
        this.json = Objects.requireNonNull(json, "json");
    }

    /** The endpoint {@code verify} calls for that credential. */
    public URI verificationUrl(ProviderId provider, AuthType type) {
        ProviderApiSettings apis = interceptors.apis();
        if (provider == ProviderId.ANTHROPIC) {
            return apis.anthropicVerify();
        }
        return type == AuthType.API_KEY ? ProviderApiSettings.below(apis.openAiApiBase(), "models") : apis.openAiUsage();
    }

    /** One GET with {@code account}'s credential (the default's when empty): any HTTP status is an answer. */
    @Override
    public Verification verify(ProviderId provider, Optional<String> account, AuthType type) {
        URI url = verificationUrl(provider, type);
        try (Response response = call(provider, account, type, url)) {
            return new Verification(provider, type, url, response.code());
        }
    }

    /** The plan, rate-limit windows and credits of the OpenAI account {@code account} names (the default when empty). */
    @Override
    public UsageReport usage(Optional<String> account) {
        URI url = interceptors.apis().openAiUsage();
        try (Response response = call(ProviderId.OPENAI, account, AuthType.OAUTH, url)) {
            if (response.code() == 401) {
                throw new ReloginRequiredException(ProviderId.OPENAI, null, "the usage endpoint rejected the sign-in"
                        + " (HTTP 401) even after a refresh");
            }
            if (response.code() == 429 || response.code() >= 500) {
                throw new ProviderUnavailableException("the usage endpoint answered HTTP " + response.code(), null, null);
            }
            if (response.code() != 200) {
                throw new OAuthErrorException(OAuthError.of("usage_refused", "the usage endpoint answered HTTP "
                        + response.code(), response.code()));
            }
            JsonNode root = json.readTree(response.body().byteStream());
            if (root == null || !root.isObject()) {
                throw new OAuthErrorException(OAuthError.of("invalid_usage", "the usage endpoint did not answer a"
                        + " JSON object", response.code()));
            }
            return UsageReports.parse(root);
        } catch (com.fasterxml.jackson.core.JacksonException e) {
            throw new OAuthErrorException(OAuthError.of("invalid_usage", "the usage endpoint answered malformed JSON",
                    200));
        } catch (IOException e) {
            throw unreachable(url, e);
        }
    }

    private Response call(ProviderId provider, Optional<String> account, AuthType type, URI url) {
        // A GET may go again on a fresh connection when the server had closed the pooled one.
        OkHttpClient authenticated = client.newBuilder().retryOnConnectionFailure(true).addInterceptor(account
                        .map(named -> interceptors.interceptorFor(provider, named, type))
                        .orElseGet(() -> interceptors.interceptorFor(provider, type)))
                .build();
        try {
            return authenticated.newCall(new Request.Builder().url(url.toString()).get().build()).execute();
        } catch (IOException e) {
            throw unreachable(url, e);
        }
    }

    private static ProviderUnavailableException unreachable(URI url, IOException e) {
        return new ProviderUnavailableException(url.getHost() + " could not be reached (" + e.getClass().getSimpleName()
                + ")", null, e);
    }
}
