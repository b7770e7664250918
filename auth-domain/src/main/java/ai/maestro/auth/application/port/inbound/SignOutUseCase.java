package ai.maestro.auth.application.port.inbound;

/**
 * Sign out of one account (or all of a provider's): its refresh token revoked first (RFC 7009,
 * best effort, unless asked not to), then every credential it has deleted.
 */
public interface SignOutUseCase {
    SignOut signOut(SignOutCommand command);
}
