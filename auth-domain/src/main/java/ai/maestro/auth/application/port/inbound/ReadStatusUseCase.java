package ai.maestro.auth.application.port.inbound;

/** What is stored, without a secret: every credential, who it signs in as, its health. */
public interface ReadStatusUseCase {
    StoreStatus status();
}
