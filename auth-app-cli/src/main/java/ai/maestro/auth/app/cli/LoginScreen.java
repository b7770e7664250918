package ai.maestro.auth.app.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The login's waiting screen: one status line with a countdown, redrawn in place and cut to the
 * terminal's width (so it never wraps and the address above it stays on screen), and a line the user
 * may paste into. On a terminal the input is read a byte at a time ({@code stty -icanon -echo}) and
 * echoed here, so the countdown stops the moment the user starts typing and never overwrites a paste;
 * elsewhere (pipes, tests) one static line is printed and input is read line by line.
 */
final class LoginScreen implements AutoCloseable {
    private static final char[] SPINNER = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏".toCharArray();
    private static final long FRAME_MILLIS = 100;
    private static final int MEASURE_EVERY_FRAMES = 20;

    private final CliContext context;
    private final Clock clock;
    private final Instant deadline;
    private final String waitingFor;
    private final PrintWriter err;
    private final Object screen = new Object();
    /** What the user has typed on the current line (bytes, UTF-8), guarded by {@code screen}. */
    private final ByteArrayOutputStream typed = new ByteArrayOutputStream();
    private ScheduledExecutorService ticker;
    private Thread reader;
    private Thread restoreOnExit;
    private String savedTty;
    private volatile int width = 80;
    private volatile boolean closed;
    /** The waiting line is redrawn in place (a terminal), so it must be cleared at the end. */
    private boolean redrawing;
    private int frame;

    LoginScreen(CliContext context, Instant deadline, String waitingFor) {
        this.context = context;
        this.clock = context.config().clock();
        this.deadline = deadline;
        this.waitingFor = waitingFor;
        this.err = context.err();
    }

    /** Shows the waiting line only; nothing is read from the user (a device login waits for another device). */
    void startWithoutInput() {
        java.util.OptionalInt columns = context.interactive() ? Tty.columns() : java.util.OptionalInt.empty();
        if (columns.isPresent()) {
            startRedrawing(columns.getAsInt());
        } else {
            err.println(line(Integer.MAX_VALUE, false) + ".");
            err.flush();
        }
    }

    /** Shows the waiting line and hands every line the user enters (blank ones too) to {@code onLine}. */
    void start(Consumer<String> onLine) {
        savedTty = context.interactive() ? Tty.enterByteMode() : null;
        if (savedTty == null) {
            err.println(line(Integer.MAX_VALUE, false) + ".");
            err.flush();
            reader = daemon("maestro-auth-paste", () -> readLines(onLine));
            return;
        }
        restoreOnExit = new Thread(() -> Tty.restore(savedTty), "maestro-auth-tty");
        Runtime.getRuntime().addShutdownHook(restoreOnExit);
        startRedrawing(Tty.columns().orElse(80));
        reader = daemon("maestro-auth-paste", () -> readBytes(onLine));
    }

    /** Redraws the waiting line in place every frame, cut to {@code columns} (re-measured as it goes). */
    private void startRedrawing(int columns) {
        width = columns;
        redrawing = true;
        ticker = Executors.newSingleThreadScheduledExecutor(r -> daemonThread("maestro-auth-status", r));
        ticker.scheduleAtFixedRate(this::redraw, 0, FRAME_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** A line of its own above the waiting line (an error about a paste, say). */
    void message(String text) {
        synchronized (screen) {
            if (!redrawing) {
                err.println(text);
            } else {
                err.print("\r\033[K" + text + "\r\n");
                if (typed.size() > 0) {
                    err.print("> " + typed.toString(StandardCharsets.UTF_8));
                }
            }
            err.flush();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (reader != null) {
            reader.interrupt();
        }
        if (redrawing) {
            synchronized (screen) {
                err.print("\r\033[K");
                err.flush();
            }
        }
        if (savedTty != null) {
            Tty.restore(savedTty);
            try {
                Runtime.getRuntime().removeShutdownHook(restoreOnExit);
            } catch (IllegalStateException shuttingDown) {
                // The hook restores the terminal itself.
            }
        }
    }

    private void redraw() {
        if (++frame % MEASURE_EVERY_FRAMES == 0) {
            width = Tty.columns().orElse(width);
        }
        synchronized (screen) {
            if (closed || typed.size() > 0) {
                return; // never under the user's fingers
            }
            err.print("\r\033[K" + line(width - 1, true));
            err.flush();
        }
    }

    /** The longest form of the waiting line that fits {@code columns}. */
    String line(int columns, boolean spinner) {
        String left = Display.clock(Duration.between(clock.instant(), deadline));
        String lead = spinner ? SPINNER[frame % SPINNER.length] + " " : "";
        for (String candidate : List.of(
                lead + "Waiting for " + waitingFor + ": " + left + " left · Ctrl-C cancels",
                lead + "Waiting for " + waitingFor + ": " + left + " left",
                lead + left + " left")) {
            if (candidate.length() <= columns) {
                return candidate;
            }
        }
        return left;
    }

    private void readLines(Consumer<String> onLine) {
        try {
            String line;
            while (!closed && (line = context.in().readLine()) != null) {
                onLine.accept(line);
            }
        } catch (IOException e) {
            // Standard input closed: the browser can still finish the login.
        }
    }

    /** Byte mode: echo, backspace, Ctrl-U, Enter; escape sequences (arrow keys) are dropped. */
    private void readBytes(Consumer<String> onLine) {
        InputStream in = System.in;
        boolean escape = false;
        try {
            int b;
            while (!closed && (b = in.read()) >= 0) {
                if (escape) {
                    escape = b == '[' || b == 'O' || (b >= '0' && b <= '9') || b == ';';
                    continue;
                }
                String entered = null;
                synchronized (screen) {
                    if (b == 0x1b) {
                        escape = true;
                    } else if (b == '\r' || b == '\n') {
                        entered = typed.toString(StandardCharsets.UTF_8);
                        typed.reset();
                        err.print("\r\n");
                    } else if (b == 0x7f || b == 0x08) {
                        erase();
                    } else if (b == 0x15) {
                        typed.reset();
                        err.print("\r\n");
                    } else if (b >= 0x20 || b == '\t') {
                        if (typed.size() == 0) {
                            err.print("\r\033[K> ");
                        }
                        typed.write(b);
                        err.write(b);
                    }
                    err.flush();
                }
                if (entered != null) {
                    onLine.accept(entered);
                }
            }
        } catch (IOException e) {
            // The terminal went away: the browser can still finish the login.
        }
    }

    /** Removes the last character (a whole UTF-8 sequence) from the line and the screen. */
    private void erase() {
        byte[] bytes = typed.toByteArray();
        int end = bytes.length;
        if (end == 0) {
            return;
        }
        int start = end - 1;
        while (start > 0 && (bytes[start] & 0xC0) == 0x80) {
            start--;
        }
        typed.reset();
        typed.write(bytes, 0, start);
        err.print(start == 0 ? "\r\033[K" : "\b \b");
    }

    private static Thread daemon(String name, Runnable body) {
        Thread thread = daemonThread(name, body);
        thread.start();
        return thread;
    }

    private static Thread daemonThread(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }
}
