package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Account;

/** Make the named account its provider's default (commands and embedders naming none use it). */
public interface SwitchDefaultAccountUseCase {
    Account makeDefault(AccountChoice account);
}
