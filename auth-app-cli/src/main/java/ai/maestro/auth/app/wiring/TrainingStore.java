package ai.maestro.auth.app.wiring;

import ai.maestro.auth.adapter.outbound.persistence.CredentialStore;
import ai.maestro.auth.domain.CredentialKey;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.SavedAuthentication;
import com.google.inject.Guice;
import java.time.Instant;

/** The throw-away store of the launcher's start-up training: one OpenAI sign-in, as a user's would be. */
public final class TrainingStore {
    private TrainingStore() {
    }

    /** Stores {@code token} as the account {@code training} of OpenAI in the store {@code config} names. */
    public static void seed(MaestroAuthConfig config, OAuthToken token) {
        CredentialStore store = Guice.createInjector(new MaestroAuthModule(config))
                .getInstance(CredentialStore.class);
        store.register(ProviderId.OPENAI, "training", "training");
        store.save(SavedAuthentication.fresh(CredentialKey.oauth(ProviderId.OPENAI, "training"), token,
                Instant.now()));
    }
}
