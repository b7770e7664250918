package ai.maestro.auth.domain.config;

import ai.maestro.auth.domain.ProviderId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The published public-client settings of each provider (the ones their own CLIs use). */
final class ProviderDefaults {
    static final String ORIGINATOR_VARIABLE = "OPENAI_OAUTH_ORIGINATOR";
    static final String DEFAULT_ORIGINATOR = "maestro_auth";

    private ProviderDefaults() {
    }

    /** OpenAI's issuer; its endpoints derive from it unless set one by one. */
    static final String OPENAI_ISSUER = "https://auth.openai.com";

    /** The provider's issuer, or empty when its endpoints do not derive from one. */
    static String issuer(ProviderId provider) {
        return provider == ProviderId.OPENAI ? OPENAI_ISSUER : "";
    }

    static ProviderSettings of(ProviderId provider) {
        return of(provider, issuer(provider));
    }

    /** The defaults, with OpenAI's endpoints under {@code issuer}. */
    static ProviderSettings of(ProviderId provider, String issuer) {
        return switch (provider) {
            case OPENAI -> new ProviderSettings(provider,
                    "app_EMoamEEZ73f0CkXaXp7hrann",
                    issuer + "/oauth/authorize",
                    issuer + "/oauth/token",
                    "http://localhost:1455/auth/callback",
                    "openid profile email offline_access",
                    List.of(new QueryParameter("id_token_add_organizations", "true"),
                            new QueryParameter("codex_cli_simplified_flow", "true"),
                            new QueryParameter("originator", DEFAULT_ORIGINATOR)),
                    Map.of(ProviderSettings.REVOCATION, issuer + "/oauth/revoke",
                            ProviderSettings.DEVICE_USERCODE, issuer + "/api/accounts/deviceauth/usercode",
                            ProviderSettings.DEVICE_TOKEN, issuer + "/api/accounts/deviceauth/token",
                            ProviderSettings.DEVICE_VERIFICATION, issuer + "/codex/device",
                            ProviderSettings.DEVICE_REDIRECT, issuer + "/deviceauth/callback",
                            ProviderSettings.FALLBACK_REDIRECT, "http://localhost:1457/auth/callback"));
            case ANTHROPIC -> new ProviderSettings(provider,
                    "9d1c250a-e61b-44d9-88ed-5944d1962f5e",
                    "https://claude.ai/oauth/authorize",
                    "https://platform.claude.com/v1/oauth/token",
                    "https://platform.claude.com/oauth/code/callback",
                    "org:create_api_key user:profile user:inference",
                    // Makes Anthropic's hosted page show CODE#STATE for pasting back.
                    List.of(new QueryParameter("code", "true")));
        };
    }

    /** OPENAI_OAUTH_ORIGINATOR replaces the originator parameter's value (or adds it). */
    static List<QueryParameter> applyOriginator(ProviderId provider, List<QueryParameter> extras,
                                                Map<String, String> env) {
        String originator = env.get(ORIGINATOR_VARIABLE);
        if (provider != ProviderId.OPENAI || originator == null) {
            return extras;
        }
        List<QueryParameter> out = new ArrayList<>();
        boolean replaced = false;
        for (QueryParameter p : extras) {
            if (p.name().equals("originator")) {
                out.add(new QueryParameter("originator", originator));
                replaced = true;
            } else {
                out.add(p);
            }
        }
        if (!replaced) {
            out.add(new QueryParameter("originator", originator));
        }
        return out;
    }
}
