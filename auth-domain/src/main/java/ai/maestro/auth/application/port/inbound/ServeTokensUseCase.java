package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.ProviderId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A token host for child processes: on loopback, behind a secret, answering a valid access token of
 * the granted providers' accounts (a named account, or whichever is the default at each request).
 */
public interface ServeTokensUseCase {
    /** A running host; closing it stops it. */
    interface TokenServer extends AutoCloseable {
        /** The variable that holds the host's address in a child's environment. */
        String URL_VARIABLE = "MAESTRO_AUTH_URL";
        /** The variable that holds the host's secret in a child's environment. */
        String SECRET_VARIABLE = "MAESTRO_AUTH_SECRET";

        /** What a child needs to reach it (its address and secret), as environment variables. */
        Map<String, String> environment();

        @Override
        void close();
    }

    TokenServer serve(Set<ProviderId> providers, Optional<String> account);
}
