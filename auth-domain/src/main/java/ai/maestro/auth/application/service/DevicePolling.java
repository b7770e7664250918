package ai.maestro.auth.application.service;

import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import ai.maestro.auth.domain.DeviceAuthorization;
import ai.maestro.auth.domain.DevicePoll;
import ai.maestro.auth.domain.PkceParams;
import ai.maestro.auth.domain.State;
import ai.maestro.auth.domain.token.TokenResponse;
import ai.maestro.auth.domain.config.ProviderConfig;
import ai.maestro.auth.domain.error.InvalidTokenResponseException;
import ai.maestro.auth.domain.error.LoginAbortedException;
import ai.maestro.auth.domain.error.ProviderUnavailableException;
import java.security.SecureRandom;
import ai.maestro.auth.domain.login.Pauses;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * A device login's wait (RFC 8628): polls every interval (longer after a slow-down) until the user
 * approves, checks that the issued verifier matches its challenge (S256), and exchanges the code
 * like a browser login's, with the device redirect URI.
 */
final class DevicePolling {
    /** Consecutive failed polls tolerated (a network blip during a long wait), then the failure is the answer. */
    private static final int POLL_FAILURES = 3;
    private static final Duration SLOW_DOWN = Duration.ofSeconds(5);

    private final TokenEndpointPort tokenEndpoint;
    private final Clock clock;
    private final SecureRandom random;
    private final Duration sessionLifetime;

    DevicePolling(TokenEndpointPort tokenEndpoint, Clock clock, SecureRandom random, Duration sessionLifetime) {
        this.tokenEndpoint = tokenEndpoint;
        this.clock = clock;
        this.random = random;
        this.sessionLifetime = sessionLifetime;
    }

    /** The token response once approved; {@link LoginAbortedException} at {@code deadline} or when interrupted. */
    TokenResponse await(ProviderConfig config, DeviceAuthorization device, Instant deadline, Pauses pauses) {
        DeviceAuthorization current = device;
        int failures = 0;
        while (true) {
            if (clock.instant().plus(current.interval()).isAfter(deadline)) {
                throw new LoginAbortedException(LoginAbortedException.Reason.TIMED_OUT);
            }
            pauses.pauseOrCancel(current.interval());
            DevicePoll poll;
            try {
                poll = tokenEndpoint.pollDeviceAuthorization(config, current);
                failures = 0;
            } catch (ProviderUnavailableException blip) {
                if (++failures >= POLL_FAILURES) {
                    throw blip;
                }
                continue;
            }
            if (poll instanceof DevicePoll.SlowDown) {
                current = current.slowerBy(SLOW_DOWN);
            } else if (poll instanceof DevicePoll.CodeIssued issued) {
                return exchange(config, device, issued);
            }
        }
    }

    private TokenResponse exchange(ProviderConfig config, DeviceAuthorization device, DevicePoll.CodeIssued issued) {
        String verifier = issued.codeVerifier().reveal();
        if (!PkceParams.isValidVerifier(verifier) || !PkceParams.s256(verifier).equals(issued.codeChallenge())) {
            throw new InvalidTokenResponseException(InvalidTokenResponseException.Defect.DEVICE_PKCE_MISMATCH);
        }
        Instant now = clock.instant();
        AuthorizationSession session = new AuthorizationSession(device.provider(), State.generate(random),
                PkceParams.fromVerifier(verifier), config.deviceEndpoints().orElseThrow().redirectUri(), now,
                now.plus(sessionLifetime));
        AuthorizationCode code = issued.code();
        return tokenEndpoint.exchangeAuthorizationCode(config, session, code);
    }
}
