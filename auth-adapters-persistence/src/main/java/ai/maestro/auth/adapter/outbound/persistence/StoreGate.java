package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.domain.error.AuthException;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

/**
 * The one way into the database for every role of the store: the first visit opens it, migrates
 * the schema and adopts rows from before accounts (once); every visit goes through the store's
 * access rule (the embedded store's file lock) and turns a database failure into a
 * {@link CredentialStoreException} in the user's terms.
 */
final class StoreGate {
    private final StoreConnections connections;
    private final StoreAccess access;
    private final String location;
    /** Migrates the schema, settles the files and adopts old rows: once, inside the first visit. */
    private final Runnable prepare;
    /** What a failure of the first visit (the database could not be opened) says. */
    private final Function<RuntimeException, CredentialStoreException> openFailure;
    private volatile boolean prepared;

    StoreGate(StoreConnections connections, StoreAccess access, String location, Runnable prepare,
              Function<RuntimeException, CredentialStoreException> openFailure) {
        this.connections = connections;
        this.access = access;
        this.location = location;
        this.prepare = prepare;
        this.openFailure = openFailure;
    }

    /** Jdbi, built on first use (a command that only reads never builds it). */
    Jdbi jdbi() {
        return connections.jdbi();
    }

    StoreConnections connections() {
        return connections;
    }

    StoreAccess access() {
        return access;
    }

    String location() {
        return location;
    }

    /** Runs {@code work} inside a visit. */
    <T> T visit(Supplier<T> work) {
        if (prepared) {
            return translate(() -> access.access(work));
        }
        try {
            // The migration check and the work in one open of an embedded database.
            return access.access(() -> held(() -> {
                prepareOnce();
                return translate(work);
            }));
        } catch (AuthException e) {
            // The store's own typed errors, and the work's (an account not found within one visit).
            throw e;
        } catch (RuntimeException e) {
            // The database could not be opened or migrated: say why in the user's terms.
            throw openFailure.apply(e);
        }
    }

    /**
     * Several operations in one visit: on an embedded store the held connection keeps the database
     * open for the others (reads and Jdbi's handles alike run on it).
     */
    <T> T inOneVisit(Supplier<T> work) {
        return visit(() -> held(work));
    }

    /** {@code work} on a connection held for it where the store opens per operation; as it is elsewhere. */
    private <T> T held(Supplier<T> work) {
        return access.holdsConnectionPerVisit() ? connections.held(work) : work.get();
    }

    /** For calls that reach the database without a visit of their own (the lock, the stamp). */
    void ensurePrepared() {
        if (!prepared) {
            visit(() -> null);
        }
    }

    private synchronized void prepareOnce() {
        if (!prepared) {
            prepare.run();
            prepared = true;
        }
    }

    <T> T translate(Supplier<T> work) {
        try {
            return work.get();
        } catch (JdbiException e) {
            if (e.getCause() instanceof CredentialStoreException store) {
                throw store;
            }
            throw new CredentialStoreException("The credential store (" + location + ") cannot be used: "
                    + e.getClass().getSimpleName() + ".", null,
                    "Check that the database is reachable and MAESTRO_AUTH_DB_URL is right; nothing was changed.", e);
        }
    }
}
