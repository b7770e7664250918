package ai.maestro.auth.bench.floor;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Inject;
import com.google.inject.name.Named;
import com.google.inject.name.Names;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The floor of a cached {@code token} in the shape the command is built in: the store floor's read
 * (H2 row, AES-256-GCM), asked for by a picocli subcommand and made by a Guice injector, with nothing
 * else. What the three libraries cost together, before any work of maestro-auth's own:
 * {@code token openai --data DIR}.
 */
@Command(name = "floor", mixinStandardHelpOptions = true, version = "floor 1.0", subcommands = ShapeFloor.Token.class)
public final class ShapeFloor implements Runnable {
    @Override
    public void run() {
        // Only the subcommand works.
    }

    public static void main(String[] args) {
        // As the command line runs Guice: no classes generated at run time.
        System.setProperty("guice_bytecode_gen_option", "DISABLED");
        System.exit(new CommandLine(new ShapeFloor()).execute(args));
    }

    @Command(name = "token")
    static final class Token implements Callable<Integer> {
        @Parameters(index = "0")
        String provider;
        @Option(names = "--account")
        String account;
        @Option(names = "--data", required = true)
        Path data;

        @Override
        public Integer call() throws Exception {
            Store store = Guice.createInjector(new AbstractModule() {
                @Override
                protected void configure() {
                    bind(Path.class).annotatedWith(Names.named("data")).toInstance(data);
                }
            }).getInstance(Store.class);
            System.out.println(store.read(provider));
            return 0;
        }
    }

    /** The one object the injector makes. */
    static final class Store {
        private final Path data;

        @Inject
        Store(@Named("data") Path data) {
            this.data = data;
        }

        String read(String id) throws Exception {
            return StoreReadFloor.read(data, id);
        }
    }
}
