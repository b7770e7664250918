package ai.maestro.auth.adapter.inbound.host;

import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.error.AuthException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.ToIntFunction;

/**
 * What the token host answers a child that passed its checks: a valid access token of an account it
 * was granted (refreshed first when due, through the single-flight path every caller shares), or one
 * JSON line saying what is wrong in the CLI's exit-code vocabulary.
 */
public final class HostAnswers {
    /** A provider the command named, with the account it named (empty: the provider's default). */
    public record Grant(ProviderId provider, Optional<Account> account) {
        public Grant {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(account, "account");
        }
    }

    /** An answer: status, type, body and what the meters call it. */
    record Answer(int status, String contentType, byte[] body, String outcome) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final AccessTokenService tokens;
    private final Map<ProviderId, Grant> grants;
    private final BiFunction<ProviderId, OAuthToken, Map<String, String>> headers;
    private final ToIntFunction<AuthException> exitCodes;

    /**
     * {@code headers}: what a request to the provider needs besides the bearer; {@code exitCodes}: the
     * CLI's exit code for a failure, so that a child can branch on the same numbers a script does.
     */
    public HostAnswers(AccessTokenService tokens, Map<ProviderId, Grant> grants,
                       BiFunction<ProviderId, OAuthToken, Map<String, String>> headers,
                       ToIntFunction<AuthException> exitCodes) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.grants = Map.copyOf(grants);
        this.headers = Objects.requireNonNull(headers, "headers");
        this.exitCodes = Objects.requireNonNull(exitCodes, "exitCodes");
    }

    Answer answer(String providerName, Optional<String> account, boolean text) {
        Optional<Grant> grant = ProviderId.parse(providerName).map(grants::get);
        if (grant.isEmpty()) {
            return refused("provider_not_granted", "This command was not given " + providerName + ".");
        }
        if (account.isPresent() && !grantedAccount(grant.get(), account.get())) {
            return refused("account_not_granted", "This command was not given that account.");
        }
        ProviderId provider = grant.get().provider();
        CredentialKey key;
        OAuthToken token;
        try {
            key = grant.get().account().map(a -> a.key(AuthType.OAUTH)).orElseGet(() -> tokens.defaultKey(provider));
            token = tokens.validToken(key);
        } catch (AuthException e) {
            int code = exitCodes.applyAsInt(e);
            return new Answer(code == 5 || code == 8 ? 503 : 409, "application/json",
                    error(reason(code), e.getMessage(), code), reason(code));
        }
        if (text) {
            return new Answer(200, "text/plain; charset=utf-8",
                    token.accessToken().reveal().getBytes(StandardCharsets.US_ASCII), "served");
        }
        ObjectNode body = JSON.createObjectNode()
                .put("access_token", token.accessToken().reveal())
                .put("token_type", "Bearer")
                .put("provider", provider.cliName())
                .put("account", key.account());
        token.expiresAt().ifPresent(at -> body.put("expires_at", DateTimeFormatter.ISO_INSTANT.format(at)));
        ObjectNode extra = body.putObject("headers");
        headers.apply(provider, token).forEach(extra::put);
        return new Answer(200, "application/json", bytes(body), "served");
    }

    /** The account named in the request is the one granted: its label or its id. */
    private boolean grantedAccount(Grant grant, String named) {
        if (grant.account().isPresent()) {
            Account account = grant.account().get();
            return named.equals(account.label()) || named.equals(account.id());
        }
        try {
            return named.equals(tokens.defaultKey(grant.provider()).account());
        } catch (AuthException e) {
            return false;
        }
    }

    private static Answer refused(String reason, String description) {
        return new Answer(403, "application/json", error(reason, description, 0), reason);
    }

    private static String reason(int exitCode) {
        return switch (exitCode) {
            case 3 -> "not_logged_in";
            case 4 -> "relogin_required";
            case 5 -> "provider_unavailable";
            case 7 -> "configuration";
            case 8 -> "store_unavailable";
            case 9 -> "provider_refused";
            default -> "internal_error";
        };
    }

    /** {@code {"error": …, "error_description": one line, "exit_code": n}}; no exit code for a refusal. */
    static byte[] error(String reason, String description, int exitCode) {
        ObjectNode body = JSON.createObjectNode().put("error", reason)
                .put("error_description", description.replaceAll("[\\r\\n]+", " "));
        if (exitCode != 0) {
            body.put("exit_code", exitCode);
        }
        return bytes(body);
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a tree of strings always serializes", e);
        }
    }
}
