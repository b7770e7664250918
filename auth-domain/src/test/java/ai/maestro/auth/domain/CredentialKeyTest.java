package ai.maestro.auth.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.CharRange;
import net.jqwik.api.constraints.StringLength;

/** A key's equality is its three parts', as a record's would be (its equals and hashCode are written out). */
class CredentialKeyTest {

    @Property(tries = 300)
    void twoKeysAreEqualExactlyWhenProviderAccountAndAuthTypeAre(
            @ForAll ProviderId provider, @ForAll ProviderId otherProvider,
            @ForAll @StringLength(min = 1, max = 12) @CharRange(from = 'a', to = 'c') String account,
            @ForAll @StringLength(min = 1, max = 12) @CharRange(from = 'a', to = 'c') String otherAccount,
            @ForAll AuthType authType, @ForAll AuthType otherAuthType) {
        CredentialKey key = new CredentialKey(provider, account, authType);
        CredentialKey other = new CredentialKey(otherProvider, otherAccount, otherAuthType);
        boolean same = provider == otherProvider && account.equals(otherAccount) && authType == otherAuthType;

        assertEquals(same, key.equals(other), key + " against " + other);
        assertEquals(same, other.equals(key), "equals is symmetric");
        if (same) {
            assertEquals(key.hashCode(), other.hashCode(), "equal keys hash alike");
        }
        // A key held under one of its parts only is another key: each part takes part.
        assertEquals(same, java.util.Set.of(key).contains(other));
    }

    @Property(tries = 50)
    void aKeyIsNeverEqualToAnotherKind(@ForAll ProviderId provider, @ForAll AuthType authType) {
        CredentialKey key = new CredentialKey(provider, "acct", authType);
        assertNotEquals(key, null);
        assertNotEquals(key, "acct");
        assertEquals(key, key.withAuthType(authType));
    }
}
