package ai.maestro.auth.adapter.outbound.persistence;

import ai.maestro.auth.application.port.outbound.AccountDirectory;
import ai.maestro.auth.application.port.outbound.ChangeFeed;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.RefreshLocks;
import ai.maestro.auth.application.port.outbound.RotationLog;

/**
 * A whole credential store as one adapter provides it: its rows, accounts, refresh locks, change
 * feed and rotation log. Outside the hexagon on purpose: services take the roles they use, and
 * the wiring hands each role this one store.
 */
public interface CredentialStore extends CredentialRows, AccountDirectory, RefreshLocks, ChangeFeed, RotationLog {
}
