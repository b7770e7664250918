package ai.maestro.auth.application.port.inbound;

import ai.maestro.auth.domain.Account;
import ai.maestro.auth.domain.UsageReport;
import java.util.List;

/** The OpenAI sign-in's plan, rate-limit windows and credits: of one account, or of every stored one. */
public interface ReadUsageUseCase {
    /** One account's report. */
    record AccountUsage(Account account, UsageReport report) {
    }

    List<AccountUsage> usage(AccountChoice account, boolean everyAccount);
}
