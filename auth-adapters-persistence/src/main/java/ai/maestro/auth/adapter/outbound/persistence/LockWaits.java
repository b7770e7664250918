package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.CredentialStoreException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What to say when a lock is held longer than a caller may wait: who holds it, for how long, what to do. */
final class LockWaits {
    private LockWaits() {
    }

    /**
     * The process holding a lock, as it recorded itself when it took the lock.
     *
     * @param pid its process id
     * @param host where it runs, when not this machine (PostgreSQL's client address); empty for this machine
     * @param since when it took the lock; empty when not known
     */
    record Holder(long pid, Optional<String> host, Optional<Instant> since) {
        private static final Pattern LINE = Pattern.compile("maestro-auth pid (\\d{1,10}) since (\\d{1,15})");

        /** A thread of this process, holding since a time not recorded. */
        static Holder anotherThread() {
            return new Holder(ProcessHandle.current().pid(), Optional.empty(), Optional.empty());
        }

        static Holder thisProcess() {
            return new Holder(ProcessHandle.current().pid(), Optional.empty(), Optional.of(Instant.now()));
        }

        /** The line written into a lock file (or a PostgreSQL application name) by the holder. */
        String line() {
            return "maestro-auth pid " + pid + " since " + since.orElseThrow().toEpochMilli();
        }

        static Optional<Holder> parse(String text) {
            Matcher matcher = LINE.matcher(text == null ? "" : text);
            return matcher.find() ? Optional.of(new Holder(Long.parseLong(matcher.group(1)), Optional.empty(),
                    Optional.of(Instant.ofEpochMilli(Long.parseLong(matcher.group(2)))))) : Optional.empty();
        }

        Holder on(String clientHost) {
            return new Holder(pid, Optional.ofNullable(clientHost).filter(h -> !h.isBlank()), since);
        }

        /**
         * Whether the holder still runs on this machine: a process with its pid that did not start after
         * it took the lock. A pid taken over by a newer process (pids wrap at 32,768 in many containers,
         * and every thread takes one) is not the holder. The JDK knows start times to about a second.
         */
        boolean isRunningHere() {
            return ProcessHandle.of(pid).filter(process -> since.isEmpty() || process.info().startInstant()
                    .map(start -> !start.isAfter(since.get().plusSeconds(2))).orElse(true)).isPresent();
        }

        private boolean isThisProcess() {
            return host.isEmpty() && pid == ProcessHandle.current().pid();
        }

        private String describe() {
            if (isThisProcess()) {
                return "Another thread of this process";
            }
            boolean gone = host.isEmpty() && !isRunningHere();
            return "maestro-auth process " + pid + host.map(h -> " on " + h).orElse("")
                    + (gone ? " (no longer running here: is the data directory shared with another machine?)" : "");
        }
    }

    static CredentialStoreException heldTooLong(String what, Duration maxWait, Optional<Holder> holder,
                                                String findHolder) {
        if (holder.isEmpty()) {
            return CredentialStoreException.lockHeldTooLong("Another maestro-auth process held " + what
                    + " for longer than " + seconds(maxWait) + ".", "Try again; if it persists, look for a stuck"
                    + " maestro-auth process (" + findHolder + ").");
        }
        Holder h = holder.get();
        String heldFor = h.since().map(since -> " for " + seconds(Duration.between(since, Instant.now())))
                .orElse("");
        String stop = h.isThisProcess() ? "Try again." : "Wait for it to finish, or stop it (`kill " + h.pid() + "`"
                + h.host().map(host -> " on " + host).orElse("") + "), then try again.";
        return CredentialStoreException.lockHeldTooLong(h.describe() + " has held " + what + heldFor + ", and "
                + seconds(maxWait) + " is as long as this command waits: it is stuck, or waiting for a server that"
                + " does not answer.", stop);
    }

    static String seconds(Duration duration) {
        return duration.toMillis() < 1000 ? duration.toMillis() + " ms" : duration.toSeconds() + " s";
    }
}
