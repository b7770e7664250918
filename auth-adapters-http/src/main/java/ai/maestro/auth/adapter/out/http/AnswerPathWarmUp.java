package ai.maestro.auth.adapter.out.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One token request and answer over loopback, to a listener of this process that lives for that
 * exchange, before a refresh token is sent: in a fresh process OkHttp's code that reads an answer
 * (status line, headers, body) runs for the first time when the provider's answer arrives, and
 * loading it then costs milliseconds in which a kill loses the rotation. Nothing leaves the machine.
 */
final class AnswerPathWarmUp {
    private static final Duration BOUND = Duration.ofSeconds(2);

    private AnswerPathWarmUp() {
    }

    /** Sends one made-up token request with {@code client}'s settings and hands the answer to {@code reader}. */
    static void run(OkHttpClient client, byte[] answer, AnswerReader reader) throws IOException {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout((int) BOUND.toMillis());
            Thread server = new Thread(() -> answerOnce(listener, answer), "maestro-auth-warm-up");
            server.setDaemon(true);
            server.start();
            OkHttpClient direct = client.newBuilder().proxy(Proxy.NO_PROXY).callTimeout(BOUND).build();
            Request request = new Request.Builder()
                    .url("http://127.0.0.1:" + listener.getLocalPort() + "/oauth/token")
                    .post(new FormBody.Builder().add("grant_type", "refresh_token").build())
                    .header("Accept", "application/json")
                    .tag(Marker.class, Marker.INSTANCE)
                    .build();
            try (Response response = direct.newCall(request).execute()) {
                reader.read(response);
            }
        }
    }

    /** Marks the warm-up's request, which the request log leaves out: it is nobody's request. */
    static final class Marker {
        static final Marker INSTANCE = new Marker();

        private Marker() {
        }
    }

    /** Reads the response as the real answer will be read. */
    @FunctionalInterface
    interface AnswerReader {
        void read(Response response) throws IOException;
    }

    private static void answerOnce(ServerSocket listener, byte[] answer) {
        try (Socket socket = listener.accept()) {
            socket.setSoTimeout((int) BOUND.toMillis());
            socket.setTcpNoDelay(true);
            skipRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                    + "Connection: close\r\nContent-Length: " + answer.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(answer);
            out.flush();
        } catch (IOException ignored) {
            // Only a warm-up: the client's call fails within its bound and the refresh goes on.
        }
    }

    /** Reads the request's head and its (form) body, whose length the head gives. */
    private static void skipRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
                break;
            }
        }
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length:\\s*(\\d+)")
                .matcher(head);
        long remaining = length.find() ? Long.parseLong(length.group(1)) : 0;
        while (remaining > 0 && in.read() != -1) {
            remaining--;
        }
    }
}
