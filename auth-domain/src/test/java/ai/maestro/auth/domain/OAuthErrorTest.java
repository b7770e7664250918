package ai.maestro.auth.domain;

import ai.maestro.auth.domain.error.TokenEndpointErrors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.OAuthError.Permanence;
import ai.maestro.auth.domain.error.OAuthErrorException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import ai.maestro.auth.domain.error.ReloginRequiredException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OAuthErrorTest {

    @ParameterizedTest
    @CsvSource({
            "invalid_grant, 400, PERMANENT, true",
            "invalid_client, 401, PERMANENT, true",
            "unauthorized_client, 400, PERMANENT, true",
            "refresh_token_reused, 401, PERMANENT, true",
            "refresh_token_expired, 400, PERMANENT, true",
            "refresh_token_invalidated, 401, PERMANENT, true",
            "invalid_request, 400, PERMANENT, false",
            "unsupported_grant_type, 400, PERMANENT, false",
            "invalid_scope, 400, PERMANENT, false",
            "server_error, 500, TRANSIENT, false",
            "temporarily_unavailable, 503, TRANSIENT, false",
            "server_error, 400, TRANSIENT, false",
            "http_error, 502, TRANSIENT, false",
            "rate_limited, 429, TRANSIENT, false",
    })
    void classifiesCodesAsRfc6749AndTheProvidersMeanThem(String code, int status, Permanence expected, boolean relogin) {
        OAuthError error = OAuthError.of(code, "because", status);
        assertEquals(expected, error.permanence());
        assertEquals(relogin, error.requiresRelogin());
    }

    @ParameterizedTest
    @CsvSource({"refresh_token_reused, 401", "server_error, 503", "invalid_scope, 400"})
    void mapsEachClassToTheExceptionThatTellsTheUserWhatToDo(String code, int status) {
        OAuthError error = OAuthError.of(code, null, status);
        var exception = TokenEndpointErrors.toException(error, ProviderId.OPENAI);
        if (error.requiresRelogin()) {
            assertInstanceOf(ReloginRequiredException.class, exception);
            assertTrue(exception.getMessage().contains("maestro-auth login openai"));
        } else if (error.isTransient()) {
            assertInstanceOf(ProviderUnavailableException.class, exception);
        } else {
            assertInstanceOf(OAuthErrorException.class, exception);
        }
    }

    @org.junit.jupiter.api.Test
    void clipsLongDescriptionsToOneLine() {
        OAuthError error = OAuthError.of("invalid_request", "line one\nline two " + "x".repeat(1000), 400);
        assertFalse(error.description().contains("\n"));
        assertTrue(error.description().length() <= 303);
    }
}
