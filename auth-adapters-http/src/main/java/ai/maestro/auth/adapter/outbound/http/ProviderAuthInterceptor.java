package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.Secret;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import okhttp3.Interceptor;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Authenticates an embedder's requests to a provider with the stored credential:
 * {@code client.newBuilder().addInterceptor(interceptors.interceptorFor(ProviderId.OPENAI))}.
 *
 * <ul>
 *   <li>OpenAI sign-in: {@code Authorization: Bearer}, {@code ChatGPT-Account-ID} (from the id_token),
 *       {@code originator} and a maestro-auth {@code User-Agent} (unless the caller set one).</li>
 *   <li>OpenAI API key: {@code Authorization: Bearer sk-…}.</li>
 *   <li>Anthropic sign-in: {@code Authorization: Bearer}, {@code anthropic-beta: oauth-2025-04-20}
 *       merged with the caller's betas, and never an {@code x-api-key}.</li>
 * </ul>
 *
 * <p>A request that already carries {@code Authorization} is the caller's on purpose and passes
 * untouched. On a 401 to a sign-in token the store is read again (another process may have
 * refreshed); if it still holds the rejected token, one single-flight refresh runs (a storm of 401s
 * makes one refresh) and the request is sent once more. A second 401 is returned as is; a dead grant
 * throws {@link ai.maestro.auth.domain.error.ReloginRequiredException}. A request whose body is
 * one-shot ({@link okhttp3.RequestBody#isOneShot()}) cannot be sent twice and is not retried. 403
 * and 429 are never taken for token problems. Header values are never logged.
 */
public final class ProviderAuthInterceptor implements Interceptor {
    /** How the credential is applied; one per provider and credential type. */
    sealed interface Scheme permits SignIn, ApiKeyScheme {
    }

    /**
     * A sign-in token from {@link AccessTokenService}, refreshed when due and after a 401: of the
     * {@code pinned} account, or of the provider's default account (a `use` elsewhere is followed).
     */
    record SignIn(AccessTokenService tokens, Optional<CredentialKey> pinned, String originator, String userAgent)
            implements Scheme {
        CredentialKey key(ProviderId provider) {
            return pinned.orElseGet(() -> tokens.defaultKey(provider));
        }
    }

    /** A static API key. */
    record ApiKeyScheme(Supplier<Secret> key) implements Scheme {
    }

    private final ProviderId provider;
    private final Scheme scheme;

    ProviderAuthInterceptor(ProviderId provider, Scheme scheme) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.scheme = Objects.requireNonNull(scheme, "scheme");
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Request request = chain.request();
        if (request.header("Authorization") != null) {
            return chain.proceed(request);
        }
        if (scheme instanceof ApiKeyScheme apiKey) {
            return chain.proceed(withBearer(request.newBuilder(), apiKey.key().get()).build());
        }
        SignIn signIn = (SignIn) scheme;
        OAuthToken token;
        CredentialKey key;
        if (signIn.pinned().isPresent()) {
            key = signIn.pinned().get();
            token = signIn.tokens().validToken(key);
        } else {
            // Through the provider, so that the default is looked at again when the store changed.
            token = signIn.tokens().validToken(provider);
            key = signIn.key(provider);
        }
        Response response = chain.proceed(signedIn(request, token, signIn));
        if (response.code() != 401 || (request.body() != null && request.body().isOneShot())) {
            return response;
        }
        response.close();
        OAuthToken renewed = signIn.tokens().afterRejection(key, token.accessToken());
        return chain.proceed(signedIn(request, renewed, signIn));
    }

    private Request signedIn(Request request, OAuthToken token, SignIn signIn) {
        Request.Builder builder = withBearer(request.newBuilder(), token.accessToken());
        signInHeaders(provider, token, signIn.originator()).forEach((name, value) -> {
            if (name.equals("anthropic-beta")) {
                builder.header(name, mergedBetas(request.headers(name)));
            } else if (!name.equals("originator") || request.header(name) == null) {
                builder.header(name, value);
            }
        });
        if (provider == ProviderId.ANTHROPIC) {
            builder.removeHeader("x-api-key");
        }
        if (request.header("User-Agent") == null) {
            builder.header("User-Agent", signIn.userAgent());
        }
        return builder.build();
    }

    /**
     * What a request to {@code provider} with a sign-in token needs besides the bearer: OpenAI's
     * workspace ({@code ChatGPT-Account-ID}) and originator, Anthropic's OAuth beta.
     */
    static java.util.Map<String, String> signInHeaders(ProviderId provider, OAuthToken token, String originator) {
        java.util.Map<String, String> headers = new java.util.LinkedHashMap<>();
        if (provider == ProviderId.OPENAI) {
            token.idTokenClaims().flatMap(claims -> claims.accountIdIfKnown())
                    .ifPresent(account -> headers.put("ChatGPT-Account-ID", account));
            headers.put("originator", originator);
        } else if (provider == ProviderId.ANTHROPIC) {
            headers.put("anthropic-beta", ProviderApiSettings.ANTHROPIC_OAUTH_BETA);
        }
        return headers;
    }

    private static Request.Builder withBearer(Request.Builder builder, Secret token) {
        return builder.header("Authorization", "Bearer " + token.reveal());
    }

    /** The caller's betas (one header or many, comma-separated) plus the OAuth one, each once. */
    static String mergedBetas(Iterable<String> callers) {
        Set<String> betas = new LinkedHashSet<>();
        for (String header : callers) {
            for (String beta : header.split(",")) {
                if (!beta.isBlank()) {
                    betas.add(beta.trim());
                }
            }
        }
        betas.add(ProviderApiSettings.ANTHROPIC_OAUTH_BETA);
        return String.join(",", betas);
    }

    @Override
    public String toString() {
        return "ProviderAuthInterceptor[" + provider.cliName() + ", " + (scheme instanceof SignIn ? "sign-in"
                : "api key") + "]";
    }
}
