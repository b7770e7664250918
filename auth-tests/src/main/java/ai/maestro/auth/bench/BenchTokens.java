package ai.maestro.auth.bench;

import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.Secret;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Token sets of realistic size for the store benchmarks. */
public final class BenchTokens {
    private BenchTokens() {
    }

    /** JWT-sized access and id tokens (~1-2 KB each), valid for an hour. */
    public static OAuthToken realistic(Instant now) {
        return new OAuthToken(Secret.of("a".repeat(1400)), Optional.of(Secret.of("r".repeat(60))),
                Optional.of(Secret.of("i".repeat(1800))), "Bearer", List.of("openid", "profile", "email"),
                Optional.of(now.plusSeconds(3600)), now);
    }
}
