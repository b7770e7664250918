package ai.maestro.auth.application.port.outbound;

/**
 * A whole credential store, as one adapter provides it: its rows, its accounts, its refresh locks,
 * its change feed and its rotation log. Services depend on the roles they use.
 */
public interface CredentialStorePort extends CredentialRows, AccountDirectory, RefreshLocks, ChangeFeed, RotationLog {
}
