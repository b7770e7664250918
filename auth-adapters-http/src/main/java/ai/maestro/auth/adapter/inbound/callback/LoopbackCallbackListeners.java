package ai.maestro.auth.adapter.inbound.callback;

import ai.maestro.auth.application.port.outbound.CallbackListeners;
import ai.maestro.auth.domain.AuthorizationCode;
import ai.maestro.auth.domain.login.AuthorizationSession;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.slf4j.LoggerFactory;

/**
 * {@link CallbackListeners} on 127.0.0.1: a {@link LoopbackCallbackReceiver} per login, whose cancel
 * secret is kept 0600 in the data directory while it waits, so that a later login of the same user
 * (and nobody else) can end it.
 */
public final class LoopbackCallbackListeners implements CallbackListeners {
    private final Path dataDirectory;
    private final Clock clock;

    public LoopbackCallbackListeners(Path dataDirectory, Clock clock) {
        this.dataDirectory = dataDirectory;
        this.clock = clock;
    }

    @Override
    public Listener listen(AuthorizationSession session, Duration timeout) {
        LoopbackCallbackReceiver receiver = LoopbackCallbackReceiver.start(session, clock, timeout);
        CancelSecretFile file = CancelSecretFile.forPort(dataDirectory, receiver.port());
        try {
            Files.createDirectories(file.file().getParent());
            file.write(receiver.cancelSecret());
        } catch (IOException e) {
            // Best effort: without the file, only Ctrl-C or the timeout ends this login.
            LoggerFactory.getLogger(LoopbackCallbackListeners.class).debug("The cancel secret could not be written"
                    + " to {}", file.file(), e);
        }
        return new Listener() {
            @Override
            public AuthorizationSession session() {
                return receiver.session();
            }

            @Override
            public CompletableFuture<AuthorizationCode> result() {
                return receiver.result();
            }

            @Override
            public void signedIn(String who) {
                receiver.signedIn(who);
            }

            @Override
            public void failed(String why) {
                receiver.failed(why);
            }

            @Override
            public void close() {
                receiver.close();
                file.deleteIfStill(receiver.cancelSecret());
            }
        };
    }

    @Override
    public boolean cancelWaitingLogin(int port) {
        return CancelRequests.cancelRunning(port, CancelSecretFile.forPort(dataDirectory, port).read());
    }

    @Override
    public String holderOf(int port) {
        return PortHolder.describe(port).orElse(PortHolder.howToFind(port));
    }
}
