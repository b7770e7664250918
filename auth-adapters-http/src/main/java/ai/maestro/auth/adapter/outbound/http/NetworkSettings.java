package ai.maestro.auth.adapter.outbound.http;

import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.ConfigProblem;
import ai.maestro.auth.domain.config.ProviderConfigValidator;
import ai.maestro.auth.domain.error.ConfigurationException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Authenticator;
import okhttp3.Credentials;
import okhttp3.OkHttpClient;
import okhttp3.tls.Certificates;
import okhttp3.tls.HandshakeCertificates;

/**
 * How outgoing calls leave the machine, read from the environment as curl reads it: {@code https_proxy}
 * / {@code HTTPS_PROXY}, {@code http_proxy} (lower case only, as curl), {@code all_proxy} /
 * {@code ALL_PROXY}, {@code no_proxy} / {@code NO_PROXY}; and {@code MAESTRO_AUTH_CA_BUNDLE}, a PEM
 * file of CAs trusted on top of the JDK's. Loopback addresses never go through a proxy.
 */
public record NetworkSettings(Optional<ProxyServer> httpsProxy, Optional<ProxyServer> httpProxy, List<String> noProxy,
                              Optional<Path> caBundle, List<X509Certificate> extraCas) {
    public static final String CA_BUNDLE = "MAESTRO_AUTH_CA_BUNDLE";
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----");

    /** A proxy from a URL like {@code http://user:password@proxy.example:3128}; the password never printed. */
    public record ProxyServer(String host, int port, Optional<String> user, Optional<Secret> password) {
        static ProxyServer parse(String variable, String text) {
            String url = text.contains("://") ? text.trim() : "http://" + text.trim();
            URI uri;
            try {
                uri = new URI(url);
            } catch (java.net.URISyntaxException e) {
                throw invalid(variable, "is not a proxy URL");
            }
            if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
                throw invalid(variable, "must be http://[user:password@]host[:port]");
            }
            Optional<String> user = Optional.empty();
            Optional<Secret> password = Optional.empty();
            if (uri.getRawUserInfo() != null) {
                String[] parts = uri.getRawUserInfo().split(":", 2);
                user = Optional.of(URLDecoder.decode(parts[0], StandardCharsets.UTF_8));
                if (parts.length == 2 && !parts[1].isEmpty()) {
                    password = Optional.of(Secret.of(URLDecoder.decode(parts[1], StandardCharsets.UTF_8)));
                }
            }
            return new ProxyServer(uri.getHost(), uri.getPort() > 0 ? uri.getPort() : 1080, user, password);
        }

        /** For {@code config}: the password masked. */
        public String describe() {
            return "http://" + user.map(u -> u + password.map(p -> ":***").orElse("") + "@").orElse("") + host + ":"
                    + port;
        }

        Proxy proxy() {
            return new Proxy(Proxy.Type.HTTP, InetSocketAddress.createUnresolved(host, port));
        }
    }

    public NetworkSettings {
        noProxy = List.copyOf(noProxy);
        extraCas = List.copyOf(extraCas);
    }

    public static NetworkSettings direct() {
        return new NetworkSettings(Optional.empty(), Optional.empty(), List.of(), Optional.empty(), List.of());
    }

    /** Throws {@link ConfigurationException} naming the variable for a proxy URL or CA file that cannot work. */
    public static NetworkSettings fromEnvironment(Map<String, String> env) {
        String all = first(env, "all_proxy", "ALL_PROXY");
        String https = first(env, "https_proxy", "HTTPS_PROXY");
        // curl reads http_proxy only in lower case (HTTP_PROXY can be set by a CGI request's Proxy: header).
        String http = first(env, "http_proxy");
        String none = first(env, "no_proxy", "NO_PROXY");
        String ca = env.get(CA_BUNDLE);
        Optional<Path> bundle = ca == null || ca.isBlank() ? Optional.empty() : Optional.of(Path.of(ca.trim()));
        return new NetworkSettings(
                Optional.ofNullable(https != null ? https : all).map(url -> ProxyServer.parse("HTTPS_PROXY", url)),
                Optional.ofNullable(http != null ? http : all).map(url -> ProxyServer.parse("http_proxy", url)),
                none == null ? List.of() : Arrays.stream(none.split(",")).map(String::trim)
                        .filter(h -> !h.isEmpty()).map(h -> h.toLowerCase(Locale.ROOT)).toList(),
                bundle, bundle.map(NetworkSettings::certificates).orElse(List.of()));
    }

    private static String first(Map<String, String> env, String... names) {
        for (String name : names) {
            String value = env.get(name);
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }

    /** Applies the proxies and the extra CAs to a client being built. */
    public OkHttpClient.Builder applyTo(OkHttpClient.Builder builder) {
        if (httpsProxy.isPresent() || httpProxy.isPresent()) {
            builder.proxySelector(selector()).proxyAuthenticator(authenticator());
        }
        if (!extraCas.isEmpty()) {
            HandshakeCertificates.Builder trust = new HandshakeCertificates.Builder().addPlatformTrustedCertificates();
            extraCas.forEach(trust::addTrustedCertificate);
            HandshakeCertificates certificates = trust.build();
            builder.sslSocketFactory(certificates.sslSocketFactory(), certificates.trustManager());
        }
        return builder;
    }

    /** Whether a call to {@code host} goes around the proxy: loopback always, and what no_proxy names. */
    public boolean bypasses(String host) {
        String h = host.toLowerCase(Locale.ROOT);
        if (ProviderConfigValidator.isLoopbackHost(h) || h.startsWith("127.")) {
            return true;
        }
        for (String entry : noProxy) {
            if (entry.equals("*")) {
                return true;
            }
            String domain = entry.startsWith(".") ? entry.substring(1) : entry;
            if (h.equals(domain) || h.endsWith("." + domain)) {
                return true;
            }
        }
        return false;
    }

    private ProxySelector selector() {
        return new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                Optional<ProxyServer> proxy = "https".equalsIgnoreCase(uri.getScheme()) ? httpsProxy : httpProxy;
                if (uri.getHost() == null || bypasses(uri.getHost()) || proxy.isEmpty()) {
                    return List.of(Proxy.NO_PROXY);
                }
                return List.of(proxy.get().proxy());
            }

            @Override
            public void connectFailed(URI uri, SocketAddress address, IOException failure) {
                // The call reports it; there is no other proxy to try.
            }
        };
    }

    /** Basic credentials from the proxy URL, sent at once (OkHttp asks before a CONNECT) and once only. */
    private Authenticator authenticator() {
        return (route, response) -> {
            if (response.request().header("Proxy-Authorization") != null || route == null) {
                return null;
            }
            InetSocketAddress address = (InetSocketAddress) route.proxy().address();
            Optional<ProxyServer> proxy = List.of(httpsProxy, httpProxy).stream().flatMap(Optional::stream)
                    .filter(p -> p.host().equalsIgnoreCase(address.getHostString()) && p.port() == address.getPort())
                    .filter(p -> p.user().isPresent()).findFirst();
            return proxy.map(p -> response.request().newBuilder().header("Proxy-Authorization",
                    Credentials.basic(p.user().get(), p.password().map(Secret::reveal).orElse(""),
                            StandardCharsets.UTF_8)).build()).orElse(null);
        };
    }

    private static List<X509Certificate> certificates(Path file) {
        String pem;
        try {
            pem = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException | RuntimeException e) {
            throw invalid(CA_BUNDLE, "names " + file + ", which cannot be read");
        }
        List<X509Certificate> certificates = new ArrayList<>();
        Matcher matcher = PEM.matcher(pem);
        while (matcher.find()) {
            try {
                certificates.add(Certificates.decodeCertificatePem(matcher.group()));
            } catch (RuntimeException e) {
                throw invalid(CA_BUNDLE, "names " + file + ", which holds a certificate that cannot be read");
            }
        }
        if (certificates.isEmpty()) {
            throw invalid(CA_BUNDLE, "names " + file + ", which holds no PEM certificate");
        }
        return certificates;
    }

    private static ConfigurationException invalid(String variable, String problem) {
        return new ConfigurationException(List.of(new ConfigProblem(null, variable, ConfigProblem.Kind.INVALID_VALUE,
                variable + " " + problem)));
    }
}
