package ai.maestro.auth.domain;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What identifies one stored credential: the provider, the provider's own stable id of the account
 * (OpenAI's {@code chatgpt_account_id}, Anthropic's account uuid), and the auth type. A login can
 * only ever replace the credential of the account it signed in as.
 */
public record CredentialKey(ProviderId provider, String account, AuthType authType) {
    /** Printable ASCII without spaces: what providers use for ids, and safe in a file name's hash input. */
    private static final Pattern ACCOUNT_ID = Pattern.compile("[\\x21-\\x7E]{1,200}");

    public CredentialKey {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(authType, "authType");
        if (!isValidAccountId(account)) {
            throw new IllegalArgumentException("an account id is 1 to 200 printable ASCII characters");
        }
    }

    // equals and hashCode written out: a record's generated ones bootstrap a method-handle tree on first
    // use (some fifteen classes spun at run time, which no start-up archive holds), and every command
    // puts a key in a map.
    @Override
    public boolean equals(Object other) {
        return other instanceof CredentialKey key && provider == key.provider && authType == key.authType
                && account.equals(key.account);
    }

    @Override
    public int hashCode() {
        return (provider.hashCode() * 31 + account.hashCode()) * 31 + authType.hashCode();
    }

    /** 1 to 200 printable ASCII characters without spaces. */
    public static boolean isValidAccountId(String account) {
        return account != null && ACCOUNT_ID.matcher(account).matches();
    }

    public static CredentialKey oauth(ProviderId provider, String account) {
        return new CredentialKey(provider, account, AuthType.OAUTH);
    }

    /** The same account's credential of another auth type (its API key, its OAuth tokens). */
    public CredentialKey withAuthType(AuthType other) {
        return new CredentialKey(provider, account, other);
    }

    /**
     * A short, stable tag of the account (12 hex digits of its SHA-256) for names that must stay
     * short and plain: lock rows, lock and journal file names.
     */
    public String accountTag() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(account.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always present", e);
        }
    }

    /** The provider and the account's tag: names the account in file names and lock rows. */
    public String accountName() {
        return provider.cliName() + "-" + accountTag();
    }
}
