package ai.maestro.auth.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * A refresh that another process started and has not stored a result of: in flight, or ended
 * without one (killed, or its database went away and the new tokens wait in that machine's
 * journal). Only a store shared across machines knows of one.
 *
 * @param holder who started it, e.g. {@code pid 4242 on 10.0.0.7}
 * @param since when it started, by the database's clock
 * @param leaseEnded whether its lease ran out, so that the next refresh may send the refresh token again
 */
public record UnstoredRefresh(String holder, Instant since, boolean leaseEnded) {
    public UnstoredRefresh {
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(since, "since");
    }
}
