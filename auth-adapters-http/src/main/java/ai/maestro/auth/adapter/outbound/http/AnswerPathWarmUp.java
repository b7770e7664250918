package ai.maestro.auth.adapter.outbound.http;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.FormBody;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * One made-up token request and answer through OkHttp before a refresh token is sent: in a fresh
 * process, OkHttp's code that reads an answer (status line, headers, body) would otherwise run for
 * the first time when the provider's answer arrives, and loading it then costs milliseconds in which
 * a kill loses the rotation. The "connection" is a socket in memory that answers from a buffer:
 * nothing listens, nothing is sent anywhere.
 */
final class AnswerPathWarmUp {
    private static final Duration BOUND = Duration.ofSeconds(2);

    private AnswerPathWarmUp() {
    }

    /** Sends one made-up token request with {@code client}'s settings and hands the answer to {@code reader}. */
    static void run(OkHttpClient client, byte[] answer, AnswerReader reader) throws IOException {
        byte[] wire = concat(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nCache-Control: no-store\r\n"
                + "Connection: close\r\nContent-Length: " + answer.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                answer);
        OkHttpClient inMemory = client.newBuilder().proxy(Proxy.NO_PROXY).socketFactory(new CannedSockets(wire))
                .connectionPool(new ConnectionPool(0, 1, java.util.concurrent.TimeUnit.SECONDS))
                .callTimeout(BOUND).build();
        Request request = new Request.Builder()
                .url("http://127.0.0.1:9/oauth/token")
                .post(new FormBody.Builder().add("grant_type", "refresh_token").build())
                .header("Accept", "application/json")
                .tag(Marker.class, Marker.INSTANCE)
                .build();
        try (Response response = inMemory.newCall(request).execute()) {
            reader.read(response);
        }
    }

    private static byte[] concat(byte[] head, byte[] body) {
        byte[] both = new byte[head.length + body.length];
        System.arraycopy(head, 0, both, 0, head.length);
        System.arraycopy(body, 0, both, head.length, body.length);
        return both;
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

    /** Sockets that connect to nothing, swallow what is written and answer {@code wire}. */
    private static final class CannedSockets extends SocketFactory {
        private final byte[] wire;

        CannedSockets(byte[] wire) {
            this.wire = wire;
        }

        @Override
        public Socket createSocket() {
            return new CannedSocket(wire);
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            throw new IOException("only unconnected sockets");
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress local, int localPort) throws IOException {
            throw new IOException("only unconnected sockets");
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            throw new IOException("only unconnected sockets");
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress local, int localPort) throws IOException {
            throw new IOException("only unconnected sockets");
        }
    }

    private static final class CannedSocket extends Socket {
        private final InputStream in;
        private final OutputStream out = OutputStream.nullOutputStream();
        private volatile boolean closed;

        CannedSocket(byte[] wire) {
            this.in = new ByteArrayInputStream(wire);
        }

        @Override
        public void connect(SocketAddress endpoint) {
            // Nothing to connect to.
        }

        @Override
        public void connect(SocketAddress endpoint, int timeout) {
            // Nothing to connect to.
        }

        @Override
        public InputStream getInputStream() {
            return in;
        }

        @Override
        public OutputStream getOutputStream() {
            return out;
        }

        @Override
        public boolean isConnected() {
            return true;
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public synchronized void close() {
            closed = true;
        }

        @Override
        public boolean isInputShutdown() {
            return closed;
        }

        @Override
        public boolean isOutputShutdown() {
            return closed;
        }

        @Override
        public void setSoTimeout(int timeout) {
            // Reads never block.
        }

        @Override
        public int getSoTimeout() {
            return 0;
        }

        @Override
        public InetAddress getInetAddress() {
            return InetAddress.getLoopbackAddress();
        }

        @Override
        public SocketAddress getRemoteSocketAddress() {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 9);
        }
    }
}
