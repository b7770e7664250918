package ai.maestro.auth.domain;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A stored account of a provider: its stable id, the label the user knows it by (unique per
 * provider, never a whole e-mail, so it can appear in logs), and whether it is the provider's
 * default, used when a command names no account.
 */
public record Account(ProviderId provider, String id, String label, boolean isDefault) {
    /** Lower-case letters, digits, '.', '_' and '-', starting with a letter or digit. */
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,39}");

    public Account {
        Objects.requireNonNull(provider, "provider");
        new CredentialKey(provider, id, AuthType.OAUTH); // validates the id
        requireValidLabel(label);
    }

    public CredentialKey key(AuthType authType) {
        return new CredentialKey(provider, id, authType);
    }

    /** The account commands use when they name none: the one marked default, else the oldest stored. */
    public static java.util.Optional<Account> defaultAmong(java.util.List<Account> stored) {
        return stored.stream().filter(Account::isDefault).findFirst().or(() -> stored.stream().findFirst());
    }

    public static boolean isValidLabel(String label) {
        return label != null && LABEL.matcher(label).matches();
    }

    public static String requireValidLabel(String label) {
        if (!isValidLabel(label)) {
            throw new IllegalArgumentException("a label is 1 to 40 of a-z, 0-9, '.', '_' and '-', starting with a"
                    + " letter or digit");
        }
        return label;
    }

    /** {@code base}, or {@code base-2}, {@code base-3}, ... whichever none of {@code stored} has. */
    public static String uniqueLabel(java.util.Collection<Account> stored, String base) {
        java.util.Set<String> taken = new java.util.HashSet<>();
        stored.forEach(account -> taken.add(account.label()));
        String label = base;
        for (int n = 2; taken.contains(label); n++) {
            label = base + "-" + n;
        }
        return label;
    }
}
