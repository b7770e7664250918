package ai.maestro.auth.domain;

import java.util.Locale;

/** Why a refresh ran: a caller's token was due, a refresh was forced, the API rejected a token, or the background refresher acted early. */
public enum RefreshTrigger {
    DUE, FORCED, REJECTED, BACKGROUND;

    public String tag() {
        return name().toLowerCase(Locale.ROOT);
    }
}
