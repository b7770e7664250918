package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.Credential;
import ai.maestro.auth.domain.IdTokenClaims;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.Secret;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The plaintext that goes into the cipher: a credential as a small, versioned JSON document. Read
 * and written with Jackson's streaming parser and generator: every command reads a credential, and
 * none of them needs Jackson's object mapping for it.
 */
final class CredentialCodec {
    private final JsonFactory json;

    CredentialCodec(JsonFactory json) {
        this.json = json;
    }

    /** The row's credential encoded and encrypted for its (provider, account, auth type); the plaintext is wiped. */
    byte[] seal(CredentialCipher cipher, ai.maestro.auth.domain.SavedAuthentication row) {
        byte[] plaintext = encode(row.credential());
        try {
            // Sealed for the version the row will have once saved over row.version().
            return cipher.encrypt(row.key(), row.version() + 1, plaintext);
        } finally {
            java.util.Arrays.fill(plaintext, (byte) 0);
        }
    }

    byte[] encode(Credential credential) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
        try (JsonGenerator document = json.createGenerator(out)) {
            document.writeStartObject();
            document.writeNumberField("v", 1);
            if (credential instanceof OAuthToken token) {
                document.writeStringField("type", "oauth");
                document.writeStringField("access_token", token.accessToken().reveal());
                document.writeStringField("token_type", token.tokenType());
                document.writeNumberField("obtained_at", token.obtainedAt().toEpochMilli());
                if (token.refreshToken().isPresent()) {
                    document.writeStringField("refresh_token", token.refreshToken().get().reveal());
                }
                if (token.idToken().isPresent()) {
                    document.writeStringField("id_token", token.idToken().get().reveal());
                }
                if (token.expiresAt().isPresent()) {
                    document.writeNumberField("expires_at", token.expiresAt().get().toEpochMilli());
                }
                if (!token.scope().isEmpty()) {
                    document.writeArrayFieldStart("scope");
                    for (String scope : token.scope()) {
                        document.writeString(scope);
                    }
                    document.writeEndArray();
                }
            } else if (credential instanceof ApiKey key) {
                document.writeStringField("type", "api_key");
                document.writeStringField("key", key.key().reveal());
                document.writeNumberField("obtained_at", key.obtainedAt().toEpochMilli());
            }
            document.writeEndObject();
        } catch (IOException e) {
            throw new IllegalStateException("a credential document always serializes", e);
        }
        return out.toByteArray();
    }

    /** Throws IOException for anything that is not a document {@link #encode} wrote. */
    Credential decode(byte[] bytes) throws IOException {
        Map<String, Object> document = object(bytes);
        if (document == null || !Long.valueOf(1).equals(document.get("v"))) {
            throw new IOException("unknown credential document version");
        }
        Instant obtained = Instant.ofEpochMilli(number(document.get("obtained_at")).orElse(0L));
        switch (String.valueOf(document.get("type"))) {
            case "oauth": {
                List<String> scope = new ArrayList<>();
                if (document.get("scope") instanceof List<?> list) {
                    list.forEach(each -> scope.add(String.valueOf(each)));
                }
                Optional<Secret> idToken = secret(document, "id_token");
                Object type = document.get("token_type");
                return new OAuthToken(Secret.of(text(document.get("access_token")).orElse("")),
                        secret(document, "refresh_token"), idToken, type == null ? "Bearer" : String.valueOf(type),
                        scope, number(document.get("expires_at")).map(Instant::ofEpochMilli), obtained,
                        idToken.flatMap(token -> idTokenClaims(token.reveal())));
            }
            case "api_key":
                return new ApiKey(Secret.of(text(document.get("key")).orElse("")), obtained);
            default:
                throw new IOException("unknown credential type");
        }
    }

    private static Optional<Secret> secret(Map<String, Object> document, String field) {
        return document.get(field) == null ? Optional.empty() : Optional.of(Secret.of(String.valueOf(document.get(field))));
    }

    /**
     * The claims of a stored id_token, read as the token endpoint adapter reads them when the token
     * arrives: for display and the account's id, never for an authorization decision.
     */
    private Optional<IdTokenClaims> idTokenClaims(String idToken) {
        int first = idToken.indexOf('.');
        int last = idToken.lastIndexOf('.');
        if (first < 0 || last <= first) {
            return Optional.empty();
        }
        try {
            Map<String, Object> claims = object(Base64.getUrlDecoder().decode(idToken.substring(first + 1, last)));
            if (claims == null) {
                return Optional.empty();
            }
            Map<?, ?> openai = claims.get("https://api.openai.com/auth") instanceof Map<?, ?> map ? map : Map.of();
            Optional<Long> exp = number(claims.get("exp")).filter(seconds -> seconds > 0 && seconds <= 253_402_300_799L);
            return Optional.of(new IdTokenClaims(nonBlank(claims.get("email")), exp.map(Instant::ofEpochSecond)
                    .orElse(null), nonBlank(openai.get("chatgpt_account_id")), nonBlank(openai.get("chatgpt_plan_type"))));
        } catch (IllegalArgumentException | IOException notAJwt) {
            return Optional.empty();
        }
    }

    /** A JSON object's members (nested objects as maps, arrays as lists); null when the text is not an object. */
    private Map<String, Object> object(byte[] bytes) throws IOException {
        try (JsonParser parser = json.createParser(bytes)) {
            return parser.nextToken() == JsonToken.START_OBJECT && value(parser) instanceof Map<?, ?> map
                    ? cast(map) : null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    private static Object value(JsonParser parser) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT: {
                Map<String, Object> members = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    members.put(name, value(parser));
                }
                return members;
            }
            case START_ARRAY: {
                List<Object> items = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    items.add(value(parser));
                }
                return items;
            }
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER ? parser.getBigIntegerValue()
                        : parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
            case VALUE_FALSE:
                return parser.getBooleanValue();
            case VALUE_NULL:
                return null;
            default:
                return parser.getText();
        }
    }

    private static Optional<Long> number(Object value) {
        return value instanceof Long whole ? Optional.of(whole)
                : value instanceof Double real ? Optional.of(real.longValue()) : Optional.empty();
    }

    private static Optional<String> text(Object value) {
        return value instanceof String string ? Optional.of(string) : Optional.empty();
    }

    private static String nonBlank(Object value) {
        return value instanceof String string && !string.isBlank() ? string : null;
    }
}
