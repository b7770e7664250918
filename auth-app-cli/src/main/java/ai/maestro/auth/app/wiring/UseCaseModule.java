package ai.maestro.auth.app.wiring;

import ai.maestro.auth.application.port.inbound.GetAccessTokenUseCase;
import ai.maestro.auth.application.port.inbound.ObtainApiKeyUseCase;
import ai.maestro.auth.application.port.inbound.ReadStatusUseCase;
import ai.maestro.auth.application.port.inbound.ReadUsageUseCase;
import ai.maestro.auth.application.port.inbound.RefreshTokenUseCase;
import ai.maestro.auth.application.port.inbound.RekeyUseCase;
import ai.maestro.auth.application.port.inbound.SignInUseCase;
import ai.maestro.auth.application.port.inbound.SignOutUseCase;
import ai.maestro.auth.application.port.inbound.SwitchDefaultAccountUseCase;
import ai.maestro.auth.application.port.inbound.VerifyCredentialUseCase;
import ai.maestro.auth.application.port.outbound.AuthEvents;
import ai.maestro.auth.application.port.outbound.CallbackListeners;
import ai.maestro.auth.application.port.outbound.CredentialRows;
import ai.maestro.auth.application.port.outbound.ProviderApiPort;
import ai.maestro.auth.application.port.outbound.StoreKeys;
import ai.maestro.auth.application.port.outbound.TokenEndpointPort;
import ai.maestro.auth.application.service.AccessTokenService;
import ai.maestro.auth.application.service.AccountService;
import ai.maestro.auth.application.service.AuthHealth;
import ai.maestro.auth.application.service.LoginService;
import ai.maestro.auth.application.service.OAuthService;
import ai.maestro.auth.application.service.ProviderApiService;
import ai.maestro.auth.application.service.RekeyService;
import ai.maestro.auth.application.service.SignInService;
import ai.maestro.auth.application.service.SignOutService;
import ai.maestro.auth.application.service.StatusService;
import ai.maestro.auth.application.service.TokenService;
import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import java.time.Clock;

/**
 * The use cases (the inbound ports) on their services: what the CLI and embedders ask the
 * injector for. Each is built when first asked for, so a command builds only what it uses.
 */
public final class UseCaseModule extends AbstractModule {

    /** Use cases one service carries out together: the same object under each name. */
    @Override
    protected void configure() {
        bind(GetAccessTokenUseCase.class).to(TokenService.class);
        bind(RefreshTokenUseCase.class).to(TokenService.class);
        bind(ObtainApiKeyUseCase.class).to(TokenService.class);
        bind(SwitchDefaultAccountUseCase.class).to(AccountService.class);
        bind(ReadUsageUseCase.class).to(ProviderApiService.class);
        bind(VerifyCredentialUseCase.class).to(ProviderApiService.class);
    }

    @Provides
    @Singleton
    LoginService loginService(OAuthService logins, CallbackListeners listeners) {
        return new LoginService(logins, listeners);
    }

    @Provides
    @Singleton
    SignInUseCase signIn(OAuthService logins, LoginService flows, AccessTokenService tokens, AuthEvents events,
                         Clock clock) {
        return new SignInService(logins, flows, tokens, events, clock);
    }

    @Provides
    @Singleton
    SignOutUseCase signOut(OAuthService logins, CredentialRows rows, AccessTokenService tokens, AuthEvents events) {
        return new SignOutService(logins, rows, tokens, events);
    }

    @Provides
    @Singleton
    TokenService tokenService(OAuthService logins, AccessTokenService tokens, CredentialRows rows,
                              TokenEndpointPort endpoint, Clock clock) {
        return new TokenService(logins, tokens, rows, endpoint, clock);
    }

    @Provides
    @Singleton
    ReadStatusUseCase status(CredentialRows rows, Clock clock, MaestroAuthConfig config, StoreKeys keys) {
        // Its own health check: one that status builds registers no gauges.
        return new StatusService(rows, new AuthHealth(rows, clock, config.lifecycle()), keys);
    }

    @Provides
    @Singleton
    ProviderApiService providerApi(AccountService accounts, ProviderApiPort api) {
        return new ProviderApiService(accounts, api);
    }

    @Provides
    @Singleton
    RekeyUseCase rekey(StoreKeys keys) {
        return new RekeyService(keys);
    }
}
