package ai.maestro.auth.e2e;

import ai.maestro.auth.domain.PkceParams;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.HttpUrl;

/**
 * An authorization server on loopback that behaves like the real ones where it matters: it checks
 * the PKCE verifier against the S256 challenge it saw, makes codes single-use and short-lived,
 * issues JWT-shaped tokens with {@code exp}, rotates refresh tokens on every refresh and answers
 * OpenAI's nested {@code refresh_token_reused} error on reuse. It speaks form (OpenAI) and JSON
 * (Anthropic) and counts every grant.
 */
final class FakeAuthorizationServer extends Dispatcher implements AutoCloseable {
    /** The refresh tokens of one login: only {@code current} is accepted, until the family is revoked. */
    private static final class Family {
        final User user;
        volatile String current;
        volatile boolean revoked;

        Family(User user) {
            this.user = user;
        }
    }

    /** Who the browser is signed in as: ChatGPT's account (workspace) id, the person's e-mail, the plan. */
    record User(String accountId, String email, String plan) {
    }

    private record PendingCode(String challenge, String redirectUri, String clientId, String state, Instant issuedAt,
                               User user) {
    }

    /** A device login: approved by the test (the user on another device) after some polls. */
    private static final class DeviceSession {
        final String id;
        final String userCode;
        final PkceParams pkce;
        volatile int polls;
        volatile boolean slowedDown;

        DeviceSession(String id, String userCode, PkceParams pkce) {
            this.id = id;
            this.userCode = userCode;
            this.pkce = pkce;
        }
    }

    private final Map<String, DeviceSession> devices = new ConcurrentHashMap<>();
    /** Polls answered "not yet" before the user approves. */
    volatile int devicePendingPolls = 3;
    /** The first poll is answered 429 (slow down). */
    volatile boolean deviceSlowDownFirst;
    /** Older servers spell it {@code usercode}. */
    volatile boolean deviceOldSpelling;
    /** The interval as a JSON string ("1") or number (1). */
    volatile boolean deviceIntervalAsString = true;
    /** The approval carries a verifier that does not match its challenge. */
    volatile boolean deviceWrongVerifier;
    /** When each device poll arrived (System.nanoTime). */
    final java.util.List<Long> devicePollTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** The JSON bodies of revocation requests, as received. */
    final java.util.List<Map<String, String>> revocations = new java.util.concurrent.CopyOnWriteArrayList<>();
    /** Answers revocations with this status while set (e.g. 503). */
    volatile int revocationFailureStatus;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration CODE_LIFETIME = Duration.ofSeconds(60);

    private final MockWebServer server = new MockWebServer();
    private final SecureRandom random = new SecureRandom();
    private final Map<String, PendingCode> codes = new ConcurrentHashMap<>();
    /** Every refresh token ever issued, to the login (family) it belongs to. */
    private final Map<String, Family> refreshTokens = new ConcurrentHashMap<>();
    private final Map<String, Boolean> idTokens = new ConcurrentHashMap<>();

    final AtomicInteger authorizationCodeGrants = new AtomicInteger();
    final AtomicInteger refreshGrants = new AtomicInteger();
    final AtomicInteger reusedRefreshTokens = new AtomicInteger();
    final AtomicInteger rejectedCodes = new AtomicInteger();
    final AtomicInteger tokenExchanges = new AtomicInteger();

    /** Lifetime of tokens issued by a code exchange and by a refresh. */
    volatile Duration loginLifetime = Duration.ofHours(1);
    volatile Duration refreshLifetime = Duration.ofHours(1);
    /** Slows refreshes down so that racing callers really overlap. */
    volatile Duration refreshLatency = Duration.ZERO;
    /** Answers every refresh with this status (e.g. 503) while set. */
    volatile int refreshFailureStatus = 0;
    /**
     * RFC 9700 §4.14.2 reuse detection: a second use of any refresh token revokes its whole login,
     * the newest token too, so one duplicate refresh logs the user out.
     */
    volatile boolean familyRevocation = true;
    /** Every secret value issued or presented (codes, verifiers, tokens, keys), for the secrecy test. */
    final java.util.Set<String> secrets = ConcurrentHashMap.newKeySet();
    /** Refuses every authorization code (invalid_grant), as for a code that expired on its way. */
    volatile boolean refuseCodes;
    /** Error answers quote the secret they refuse, in every field, as careless servers do. */
    volatile boolean echoSecrets;
    /** The email the next login's id_token names. */
    volatile String email = "ada@example.com";
    /** The account (workspace) and plan the next login's id_token names. */
    volatile String accountId = "acct-1";
    volatile String plan = "plus";
    /** Refresh grants and the last access token issued, per account id. */
    final Map<String, AtomicInteger> refreshGrantsByAccount = new ConcurrentHashMap<>();
    final Map<String, String> lastAccessTokenByAccount = new ConcurrentHashMap<>();

    /** The browser signs in as {@code user} from now on (codes already issued keep their user). */
    void signInAs(User user) {
        accountId = user.accountId();
        email = user.email();
        plan = user.plan();
    }

    private User currentUser() {
        return new User(accountId, email, plan);
    }

    int refreshGrantsOf(String account) {
        return refreshGrantsByAccount.computeIfAbsent(account, a -> new AtomicInteger()).get();
    }

    /** Whether the current refresh token of {@code account}'s newest login is still accepted. */
    boolean loginAlive(String account) {
        return refreshTokens.values().stream().filter(f -> f.user.accountId().equals(account))
                .anyMatch(f -> !f.revoked && f.current != null && accepts(f.current));
    }
    /** When the last refresh answer was handed to the server (System.nanoTime), for crash classification. */
    final java.util.concurrent.atomic.AtomicLong lastRefreshAnsweredNanos = new java.util.concurrent.atomic.AtomicLong();
    /**
     * Asked when a refresh request arrives, before it is looked at (a test may hold it there); false
     * answers it 503 without rotating anything, as a server does for a client that is gone.
     */
    volatile java.util.function.BooleanSupplier refreshArrives = () -> true;
    /** Runs once a refresh has rotated, just before its answer is sent (a test may break things there). */
    volatile Runnable refreshAnswered = () -> { };
    /** When the last refresh request arrived (System.nanoTime). */
    final java.util.concurrent.atomic.AtomicLong lastRefreshArrivedNanos = new java.util.concurrent.atomic.AtomicLong();

    FakeAuthorizationServer() throws IOException {
        this(null);
    }

    /** Over TLS with {@code tls}'s certificate (a test CA's), or plain HTTP when null. */
    FakeAuthorizationServer(javax.net.ssl.SSLSocketFactory tls) throws IOException {
        server.setDispatcher(this);
        server.setServerSocketFactory(new NoDelayServerSockets());
        if (tls != null) {
            server.useHttps(tls);
        }
        server.start(java.net.InetAddress.getByName("127.0.0.1"), 0);
    }

    /**
     * Accepted connections with TCP_NODELAY: on loopback, Nagle and delayed ACKs otherwise hold an
     * answer's last segment back ~40 ms, and when it leaves is what the crash tests aim at.
     */
    private static final class NoDelayServerSockets extends javax.net.ServerSocketFactory {
        @Override
        public java.net.ServerSocket createServerSocket() throws IOException {
            return new java.net.ServerSocket() {
                @Override
                public java.net.Socket accept() throws IOException {
                    java.net.Socket socket = super.accept();
                    socket.setTcpNoDelay(true);
                    return socket;
                }
            };
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port) throws IOException {
            throw new UnsupportedOperationException("bound by MockWebServer");
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port, int backlog) throws IOException {
            throw new UnsupportedOperationException("bound by MockWebServer");
        }

        @Override
        public java.net.ServerSocket createServerSocket(int port, int backlog, java.net.InetAddress address)
                throws IOException {
            throw new UnsupportedOperationException("bound by MockWebServer");
        }
    }

    int port() {
        return server.getPort();
    }

    String authorizationEndpoint() {
        return server.url("/oauth/authorize").toString();
    }

    String tokenEndpoint() {
        return server.url("/oauth/token").toString();
    }

    /** Revokes every refresh token, as a password change or an admin would. */
    void revokeAllRefreshTokens() {
        refreshTokens.values().forEach(family -> family.revoked = true);
    }

    /** Whether this refresh token would be accepted now. */
    boolean accepts(String refreshToken) {
        Family family = refreshTokens.get(refreshToken);
        return family != null && !family.revoked && refreshToken.equals(family.current);
    }

    /** The access token of the last grant. */
    volatile String lastAccessToken;

    /** Logins whose refresh token family was revoked by reuse detection. */
    final AtomicInteger revokedFamilies = new AtomicInteger();

    @Override
    public void close() {
        server.close();
    }

    /**
     * Closes the connection after every answer without saying so, as an HTTP/1.0 server, a proxy or
     * a keep-alive that timed out does.
     */
    volatile boolean closeEveryConnection;

    @Override
    public MockResponse dispatch(RecordedRequest request) {
        MockResponse answer = answer(request);
        return closeEveryConnection ? answer.newBuilder()
                .onResponseEnd(new mockwebserver3.SocketEffect.CloseSocket(true, false, false)).build() : answer;
    }

    private MockResponse answer(RecordedRequest request) {
        try {
            String path = request.getUrl().encodedPath();
            if (request.getMethod().equals("GET") && path.equals("/oauth/authorize")) {
                return authorize(request.getUrl());
            }
            if (request.getMethod().equals("POST") && path.equals("/oauth/token")) {
                return token(request);
            }
            if (request.getMethod().equals("POST") && path.equals("/oauth/revoke")) {
                return revoke(jsonFields(request.getBody().utf8()));
            }
            if (request.getMethod().equals("POST") && path.equals("/api/accounts/deviceauth/usercode")) {
                return deviceUserCode(jsonFields(request.getBody().utf8()));
            }
            if (request.getMethod().equals("POST") && path.equals("/api/accounts/deviceauth/token")) {
                return devicePoll(jsonFields(request.getBody().utf8()));
            }
            return new MockResponse.Builder().code(404).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return json(503, Map.of("error", "temporarily_unavailable"));
        } catch (IOException | RuntimeException e) {
            return json(500, Map.of("error", "server_error", "error_description", e.getClass().getSimpleName()));
        }
    }

    private MockResponse authorize(HttpUrl url) {
        if (!"S256".equals(url.queryParameter("code_challenge_method")) || url.queryParameter("code_challenge") == null
                || !"code".equals(url.queryParameter("response_type"))) {
            return new MockResponse.Builder().code(400).body("PKCE S256 and response_type=code are required").build();
        }
        String code = "code-" + randomToken();
        secrets.add(code);
        codes.put(code, new PendingCode(url.queryParameter("code_challenge"), url.queryParameter("redirect_uri"),
                url.queryParameter("client_id"), url.queryParameter("state"), Instant.now(), currentUser()));
        HttpUrl redirect = HttpUrl.get(url.queryParameter("redirect_uri")).newBuilder()
                .addQueryParameter("code", code).addQueryParameter("state", url.queryParameter("state")).build();
        return new MockResponse.Builder().code(302).setHeader("Location", redirect.toString()).build();
    }

    /** The issuer every OpenAI endpoint derives from (OPENAI_OAUTH_ISSUER). */
    String issuer() {
        String root = server.url("/").toString();
        return root.substring(0, root.length() - 1);
    }

    private MockResponse revoke(Map<String, String> fields) {
        revocations.add(fields);
        if (revocationFailureStatus != 0) {
            return json(revocationFailureStatus, Map.of("error", "temporarily_unavailable"));
        }
        Family family = refreshTokens.get(String.valueOf(fields.get("token")));
        if (family != null) {
            family.revoked = true;
        }
        return json(200, Map.of());
    }

    private MockResponse deviceUserCode(Map<String, String> fields) {
        if (!"app_EMoamEEZ73f0CkXaXp7hrann".equals(fields.get("client_id"))) {
            return json(400, Map.of("error", "invalid_client"));
        }
        String userCode = randomToken().replaceAll("[^A-Za-z0-9]", "").substring(0, 4).toUpperCase() + "-"
                + (1000 + random.nextInt(9000));
        DeviceSession session = new DeviceSession("dev-" + randomToken(), userCode, PkceParams.generate(random));
        devices.put(session.id, session);
        secrets.add(session.id);
        Map<String, Object> body = new HashMap<>();
        body.put("device_auth_id", session.id);
        body.put(deviceOldSpelling ? "usercode" : "user_code", userCode);
        body.put("interval", deviceIntervalAsString ? (Object) "1" : (Object) 1);
        return json(200, body);
    }

    private MockResponse devicePoll(Map<String, String> fields) {
        devicePollTimes.add(System.nanoTime());
        DeviceSession session = devices.get(String.valueOf(fields.get("device_auth_id")));
        if (session == null || !session.userCode.equals(fields.get("user_code"))) {
            return json(400, Map.of("error", "invalid_request"));
        }
        if (deviceSlowDownFirst && !session.slowedDown) {
            session.slowedDown = true;
            return json(429, Map.of("error", "slow_down"));
        }
        if (session.polls++ < devicePendingPolls) {
            return json(session.polls % 2 == 0 ? 404 : 403, Map.of("error", "authorization_pending"));
        }
        devices.remove(session.id);
        String code = "code-" + randomToken();
        secrets.add(code);
        secrets.add(session.pkce.codeVerifier().reveal());
        codes.put(code, new PendingCode(session.pkce.codeChallenge(), issuer() + "/deviceauth/callback",
                "app_EMoamEEZ73f0CkXaXp7hrann", null, Instant.now(), currentUser()));
        String verifier = deviceWrongVerifier ? PkceParams.generate(random).codeVerifier().reveal()
                : session.pkce.codeVerifier().reveal();
        return json(200, Map.of("authorization_code", code, "code_challenge", session.pkce.codeChallenge(),
                "code_verifier", verifier));
    }

    private MockResponse token(RecordedRequest request) throws IOException, InterruptedException {
        String contentType = String.valueOf(request.getHeaders().get("Content-Type"));
        String body = request.getBody() == null ? "" : request.getBody().utf8();
        Map<String, String> fields = contentType.startsWith("application/json") ? jsonFields(body) : formFields(body);
        switch (String.valueOf(fields.get("grant_type"))) {
            case "authorization_code":
                return exchangeCode(fields, contentType.startsWith("application/json"));
            case "refresh_token":
                return refresh(fields);
            case "urn:ietf:params:oauth:grant-type:token-exchange":
                return exchangeIdToken(fields);
            default:
                return json(400, Map.of("error", "unsupported_grant_type"));
        }
    }

    private MockResponse exchangeCode(Map<String, String> fields, boolean json) {
        secrets.add(String.valueOf(fields.get("code_verifier")));
        PendingCode pending = codes.remove(String.valueOf(fields.get("code")));
        boolean ok = pending != null
                && Duration.between(pending.issuedAt(), Instant.now()).compareTo(CODE_LIFETIME) < 0
                && pending.redirectUri().equals(fields.get("redirect_uri"))
                && pending.clientId().equals(fields.get("client_id"))
                && PkceParams.isValidVerifier(fields.get("code_verifier"))
                && PkceParams.s256(fields.get("code_verifier")).equals(pending.challenge())
                && (!json || pending.state().equals(fields.get("state")));
        if (!ok || refuseCodes) {
            rejectedCodes.incrementAndGet();
            return json(400, Map.of("error", "invalid_grant",
                    "error_description", "code unknown, used, expired, or PKCE verification failed"));
        }
        authorizationCodeGrants.incrementAndGet();
        return issue(loginLifetime, true, new Family(pending.user()));
    }

    /** Refresh requests at the server, from arrival until the answer's last byte has left. */
    final AtomicInteger refreshesInFlight = new AtomicInteger();
    /** How long after its answer's last byte a refresh still counts as in flight (0: not at all). */
    volatile Duration inFlightAfterAnswer = Duration.ZERO;
    /** While set, refresh requests that arrive wait before they are handled (a killer sparing requests in flight). */
    volatile boolean holdNewRefreshes;

    private MockResponse refresh(Map<String, String> fields) throws InterruptedException {
        // Counted first, then the hold checked: whoever holds sees either this request or none.
        while (true) {
            refreshesInFlight.incrementAndGet();
            if (!holdNewRefreshes) {
                break;
            }
            refreshesInFlight.decrementAndGet();
            Thread.sleep(1);
        }
        MockResponse answer;
        try {
            answer = refreshAnswer(fields);
        } catch (InterruptedException | RuntimeException e) {
            refreshesInFlight.decrementAndGet();
            throw e;
        }
        if (answer.getCode() != 200 || answer.getBody() == null) {
            refreshesInFlight.decrementAndGet();
            return answer;
        }
        java.util.function.LongConsumer sent = refreshAnswerSent;
        return answer.newBuilder().body(new SentBody(answer.getBody(), at -> {
            // The client still holds the connection while it reads and keeps the answer.
            java.util.concurrent.locks.LockSupport.parkNanos(inFlightAfterAnswer.toNanos());
            refreshesInFlight.decrementAndGet();
            if (sent != null) {
                sent.accept(at);
            }
        })).build();
    }

    private MockResponse refreshAnswer(Map<String, String> fields) throws InterruptedException {
        lastRefreshArrivedNanos.set(System.nanoTime());
        if (!refreshLatency.isZero()) {
            Thread.sleep(refreshLatency.toMillis());
        }
        if (!refreshArrives.getAsBoolean()) {
            return json(503, Map.of("error", "temporarily_unavailable"));
        }
        if (refreshFailureStatus != 0) {
            return json(refreshFailureStatus, Map.of("error", "temporarily_unavailable"));
        }
        String presented = String.valueOf(fields.get("refresh_token"));
        secrets.add(presented);
        Family family = refreshTokens.get(presented);
        MockResponse answer;
        synchronized (this) {
            if (family == null || family.revoked || !presented.equals(family.current)) {
                reusedRefreshTokens.incrementAndGet();
                if (echoSecrets) {
                    return json(400, Map.of("error", Map.of("message", "refresh token " + presented + " is not valid",
                            "type", presented, "code", presented.substring(0, presented.length() - 1)),
                            "error_description", "bad " + presented));
                }
                if (family != null && familyRevocation && !family.revoked) {
                    family.revoked = true;
                    revokedFamilies.incrementAndGet();
                }
                return json(401, Map.of("error", Map.of("message", "Your refresh token has already been used to"
                        + " generate a new access token. Please try signing in again.", "type",
                        "invalid_request_error", "param", "", "code", "refresh_token_reused")));
            }
            refreshGrants.incrementAndGet();
            refreshGrantsByAccount.computeIfAbsent(family.user.accountId(), a -> new AtomicInteger()).incrementAndGet();
            answer = issue(refreshLifetime, false, family);
        }
        refreshAnswered.run();
        lastRefreshAnsweredNanos.set(System.nanoTime());
        return answer;
    }

    /**
     * Told System.nanoTime() the moment the last byte of a successful refresh answer has been written
     * to the client's socket (and flushed): where the window in which a kill may lose a rotation starts.
     */
    volatile java.util.function.LongConsumer refreshAnswerSent;

    /** A body that reports when its last byte has left. */
    private record SentBody(mockwebserver3.MockResponseBody body, java.util.function.LongConsumer sent)
            implements mockwebserver3.MockResponseBody {
        @Override
        public long getContentLength() {
            return body.getContentLength();
        }

        @Override
        public void writeTo(okio.BufferedSink sink) throws IOException {
            body.writeTo(sink);
            sink.flush();
            sent.accept(System.nanoTime());
        }
    }

    private MockResponse exchangeIdToken(Map<String, String> fields) {
        if (!idTokens.containsKey(String.valueOf(fields.get("subject_token")))
                || !"openai-api-key".equals(fields.get("requested_token"))) {
            return json(400, Map.of("error", "invalid_request"));
        }
        tokenExchanges.incrementAndGet();
        String key = "sk-fake-" + randomToken();
        secrets.add(key);
        return json(200, Map.of("access_token", key, "token_type", "Bearer"));
    }

    private MockResponse issue(Duration lifetime, boolean withIdToken, Family family) {
        long exp = Instant.now().plus(lifetime).getEpochSecond();
        String refresh = "rt-" + randomToken();
        family.current = refresh;
        refreshTokens.put(refresh, family);
        Map<String, Object> body = new HashMap<>();
        String access = jwt("{\"sub\":\"user-1\",\"exp\":" + exp + ",\"jti\":\"" + randomToken() + "\"}");
        lastAccessToken = access;
        lastAccessTokenByAccount.put(family.user.accountId(), access);
        secrets.add(access);
        secrets.add(refresh);
        body.put("access_token", access);
        body.put("refresh_token", refresh);
        body.put("expires_in", lifetime.toSeconds());
        body.put("token_type", "Bearer");
        if (withIdToken) {
            User user = family.user;
            String idToken = jwt("{\"email\":\"" + user.email() + "\",\"exp\":" + exp + ",\"https://api.openai.com/auth\":"
                    + "{\"chatgpt_account_id\":\"" + user.accountId() + "\",\"chatgpt_plan_type\":\"" + user.plan()
                    + "\"}}");
            idTokens.put(idToken, true);
            secrets.add(idToken);
            body.put("id_token", idToken);
        }
        return json(200, body);
    }

    private String randomToken() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String jwt(String payload) {
        Base64.Encoder encoder = Base64.getUrlEncoder().withoutPadding();
        return encoder.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + encoder.encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + ".c2lnbmF0dXJl";
    }

    private static MockResponse json(int status, Object body) {
        try {
            return new MockResponse.Builder().code(status).setHeader("Content-Type", "application/json")
                    .body(JSON.writeValueAsString(body)).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> jsonFields(String body) throws IOException {
        Map<String, Object> raw = JSON.readValue(body, Map.class);
        Map<String, String> out = new HashMap<>();
        raw.forEach((k, v) -> out.put(k, v == null ? null : String.valueOf(v)));
        return out;
    }

    private static Map<String, String> formFields(String body) {
        Map<String, String> out = new HashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
