package ai.maestro.auth.application.port.outbound;

/** Tells a process cheaply that another one wrote to the store. */
public interface ChangeFeed {
    /**
     * A number every write (save, delete, a new default) changes. Two equal readings mean nothing
     * changed in between, so a process can notice another's logout, login or `use` without reading rows.
     */
    long changeStamp();
}
