package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.config.TokenRequestFormat;
import ai.maestro.auth.domain.login.AuthorizationSession;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One request to a provider's OAuth endpoints: its fields (in the order the provider's own client
 * sends them), and the secrets among them, which no error message may repeat.
 */
sealed interface TokenRequest {
    Map<String, String> fields();

    List<String> secrets();

    /** RFC 6749 section 4.1.3 with RFC 7636's verifier; Anthropic wants the state back and JSON. */
    record AuthorizationCodeGrant(ProviderConfig config, AuthorizationSession session, AuthorizationCode code)
            implements TokenRequest {
        @Override
        public Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("grant_type", "authorization_code");
            fields.put("code", code.value().reveal());
            if (config.stateInCodeExchange()) {
                fields.put("state", session.state().value());
            }
            if (config.codeExchangeFormat() == TokenRequestFormat.JSON) {
                fields.put("client_id", config.clientId());
                fields.put("redirect_uri", session.redirectUri().toString());
            } else {
                fields.put("redirect_uri", session.redirectUri().toString());
                fields.put("client_id", config.clientId());
            }
            fields.put("code_verifier", session.pkce().codeVerifier().reveal());
            return fields;
        }

        @Override
        public List<String> secrets() {
            return List.of(code.value().reveal(), session.pkce().codeVerifier().reveal(), session.state().value());
        }
    }

    /** RFC 6749 section 6, with the scopes the provider wants repeated. */
    record RefreshGrant(ProviderConfig config, Secret refreshToken) implements TokenRequest {
        @Override
        public Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("client_id", config.clientId());
            fields.put("grant_type", "refresh_token");
            fields.put("refresh_token", refreshToken.reveal());
            if (!config.refreshScopes().isEmpty()) {
                fields.put("scope", String.join(" ", config.refreshScopes()));
            }
            return fields;
        }

        @Override
        public List<String> secrets() {
            return List.of(refreshToken.reveal());
        }
    }

    /** RFC 8693: OpenAI's exchange of an id_token for an API key. */
    record IdTokenExchange(ProviderConfig config, Secret idToken) implements TokenRequest {
        @Override
        public Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange");
            fields.put("client_id", config.clientId());
            fields.put("requested_token", "openai-api-key");
            fields.put("subject_token", idToken.reveal());
            fields.put("subject_token_type", "urn:ietf:params:oauth:token-type:id_token");
            return fields;
        }

        @Override
        public List<String> secrets() {
            return List.of(idToken.reveal());
        }
    }

    /** RFC 7009. */
    record Revocation(ProviderConfig config, Secret refreshToken) implements TokenRequest {
        @Override
        public Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("token", refreshToken.reveal());
            fields.put("token_type_hint", "refresh_token");
            fields.put("client_id", config.clientId());
            return fields;
        }

        @Override
        public List<String> secrets() {
            return List.of(refreshToken.reveal());
        }
    }

    /** The start of a device login (RFC 8628 section 3.1, in OpenAI's form). */
    record DeviceCodeRequest(ProviderConfig config) implements TokenRequest {
        @Override
        public Map<String, String> fields() {
            return Map.of("client_id", config.clientId());
        }

        @Override
        public List<String> secrets() {
            return List.of();
        }
    }

    /** One poll of a device login (RFC 8628 section 3.4, in OpenAI's form). */
    record DeviceTokenPoll(DeviceAuthorization device) implements TokenRequest {
        @Override
        public Map<String, String> fields() {
            Map<String, String> fields = new LinkedHashMap<>();
            fields.put("device_auth_id", device.deviceAuthId().reveal());
            fields.put("user_code", device.userCode());
            return fields;
        }

        @Override
        public List<String> secrets() {
            return List.of(device.deviceAuthId().reveal());
        }
    }
}
