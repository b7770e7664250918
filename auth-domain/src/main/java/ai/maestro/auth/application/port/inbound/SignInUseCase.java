package ai.maestro.auth.application.port.inbound;

/**
 * Sign in to a provider and store the tokens under the account signed in as: the browser flow
 * with a loopback listener (an earlier login on the port cancelled, the second registered port
 * when the first is taken), the pasted callback or CODE#STATE, or the device code. The caller only
 * shows what {@link SignInScreen} is given and hands over what the user pastes.
 */
public interface SignInUseCase {
    SignedIn signIn(SignInCommand command, SignInScreen screen);
}
