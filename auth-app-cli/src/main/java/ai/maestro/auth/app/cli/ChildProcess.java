package ai.maestro.auth.app.cli;

import ai.maestro.auth.application.port.inbound.ServeTokensUseCase.TokenServer;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The command {@code exec} runs: this process's terminal, stdin, stdout and stderr, its environment
 * plus the token host's two variables, and the signals that would stop {@code exec} (SIGINT, SIGTERM,
 * SIGHUP) passed on to it instead; its exit code is {@code exec}'s (128 + the signal when a signal
 * ended it).
 */
final class ChildProcess {
    private static final List<String> PASSED_ON = List.of("INT", "TERM", "HUP");

    private ChildProcess() {
    }

    static int run(List<String> command, Map<String, String> hostVariables) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        // A host of an outer exec is not this child's: only this one's two variables reach it.
        builder.environment().remove(TokenServer.URL_VARIABLE);
        builder.environment().remove(TokenServer.SECRET_VARIABLE);
        builder.environment().putAll(hostVariables);
        // Handlers first: a signal that arrives while the child starts is passed on once it exists.
        java.util.concurrent.CompletableFuture<Process> started = new java.util.concurrent.CompletableFuture<>();
        for (String name : PASSED_ON) {
            handle(name, () -> started.thenAccept(child -> passOn(child, name)));
        }
        Process child;
        try {
            child = builder.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + command.get(0) + " (" + e.getMessage() + ")", e);
        }
        started.complete(child);
        return child.waitFor();
    }

    /**
     * Runs {@code action} instead of the JVM's own reaction to the signal {@code name}. Through
     * jdk.unsupported's sun.misc.Signal, the JDK's one way to handle a signal, reached reflectively:
     * compiled against, it is a warning this build treats as an error.
     */
    private static void handle(String name, Runnable action) {
        try {
            Class<?> signalType = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object signal = signalType.getConstructor(String.class).newInstance(name);
            Object handler = java.lang.reflect.Proxy.newProxyInstance(ChildProcess.class.getClassLoader(),
                    new Class<?>[] {handlerType}, (proxy, method, arguments) -> {
                        if (method.getName().equals("handle")) {
                            action.run();
                            return null;
                        }
                        return switch (method.getName()) {
                            case "hashCode" -> System.identityHashCode(proxy);
                            case "equals" -> proxy == arguments[0];
                            default -> "signal handler " + name;
                        };
                    });
            signalType.getMethod("handle", signalType, handlerType).invoke(null, signal, handler);
        } catch (ReflectiveOperationException | RuntimeException unsupported) {
            // Not a signal of this system (SIGHUP on Windows), or no such API: the JVM's default stays.
        }
    }

    /** kill(1) sends any signal; the JDK sends only SIGTERM and SIGKILL. */
    private static void passOn(Process child, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-s", signal, Long.toString(child.pid())).start();
            if (!kill.waitFor(2, TimeUnit.SECONDS)) {
                kill.destroyForcibly();
                child.destroy();
            }
        } catch (IOException e) {
            child.destroy();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            child.destroy();
        }
    }
}
