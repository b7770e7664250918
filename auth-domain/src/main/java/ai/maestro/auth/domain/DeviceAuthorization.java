package ai.maestro.auth.domain;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * A device login in progress: the user opens {@code verificationUri} on any device and types
 * {@code userCode}; this machine polls every {@code interval} with {@code deviceAuthId}.
 */
public record DeviceAuthorization(ProviderId provider, Secret deviceAuthId, String userCode, URI verificationUri,
                                  Duration interval) {
    /** RFC 8628 §3.2's default, and a floor: polling faster only earns slow-downs. */
    public static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(5);

    public DeviceAuthorization {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(deviceAuthId, "deviceAuthId");
        Objects.requireNonNull(verificationUri, "verificationUri");
        if (userCode == null || !userCode.matches("[A-Za-z0-9-]{4,32}")) {
            // Shown on the terminal and typed by the user: letters, digits and dashes only.
            throw new IllegalArgumentException("a user code is 4 to 32 letters, digits or dashes");
        }
        if (interval == null || interval.compareTo(MIN_INTERVAL) < 0) {
            interval = DEFAULT_INTERVAL;
        }
        if (interval.compareTo(Duration.ofMinutes(1)) > 0) {
            interval = Duration.ofMinutes(1);
        }
    }

    public DeviceAuthorization slowerBy(Duration more) {
        return new DeviceAuthorization(provider, deviceAuthId, userCode, verificationUri, interval.plus(more));
    }

    @Override
    public String toString() {
        return "DeviceAuthorization[" + provider + ", userCode=" + userCode + ", interval=" + interval + "]";
    }
}
