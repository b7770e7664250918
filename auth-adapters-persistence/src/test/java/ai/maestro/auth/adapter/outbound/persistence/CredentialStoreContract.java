package ai.maestro.auth.adapter.outbound.persistence;

import static ai.maestro.auth.adapter.outbound.persistence.TestStores.NOW;
import static ai.maestro.auth.adapter.outbound.persistence.TestStores.fresh;
import static ai.maestro.auth.adapter.outbound.persistence.TestStores.key;
import static ai.maestro.auth.adapter.outbound.persistence.TestStores.keys;
import static ai.maestro.auth.adapter.outbound.persistence.TestStores.token;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.maestro.auth.domain.ApiKey;
import ai.maestro.auth.domain.AuthType;
import ai.maestro.auth.domain.CredentialSummary;
import ai.maestro.auth.domain.OAuthToken;
import ai.maestro.auth.domain.ProviderId;
import ai.maestro.auth.domain.ReloginMark;
import ai.maestro.auth.domain.SaveResult;
import ai.maestro.auth.domain.SavedAuthentication;
import ai.maestro.auth.domain.Secret;
import ai.maestro.auth.domain.error.CredentialStoreException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** What every CredentialStore on Jdbi must do, run against H2 and PostgreSQL. */
abstract class CredentialStoreContract {
    protected final EncryptionKey k1 = key("k1");

    /** A store on the same database as every other call in this test, with these keys. */
    protected abstract JdbiCredentialStore store(EncryptionKeys keys);

    protected JdbiCredentialStore store() {
        return store(keys(k1));
    }

    protected byte[] rawCredentials(JdbiCredentialStore store, ProviderId provider) {
        return store.jdbi().withHandle(h -> h.createQuery("SELECT credentials FROM account_credentials"
                        + " WHERE provider = :p AND auth_type = 'OAUTH'").bind("p", provider.name())
                .mapTo(byte[].class).one());
    }

    protected void writeRaw(JdbiCredentialStore store, ProviderId provider, byte[] bytes) {
        store.jdbi().useHandle(h -> h.createUpdate("UPDATE account_credentials SET credentials = :c"
                + " WHERE provider = :p AND auth_type = 'OAUTH'").bind("c", bytes).bind("p", provider.name()).execute());
    }

    @Test
    void roundTripsATokenAndAnApiKey() {
        JdbiCredentialStore store = store();
        OAuthToken token = token("access-round-trip", "refresh-round-trip");

        SaveResult result = store.save(fresh(ProviderId.OPENAI, token));
        store.save(SavedAuthentication.fresh(TestStores.row(ProviderId.OPENAI, AuthType.API_KEY), new ApiKey(Secret.of("sk-round-trip"), NOW), NOW));

        SavedAuthentication saved = assertInstanceOf(SaveResult.Saved.class, result).stored();
        assertEquals(1, saved.version());
        SavedAuthentication found = store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow();
        OAuthToken read = (OAuthToken) found.credential();
        assertEquals("access-round-trip", read.accessToken().reveal());
        assertEquals("refresh-round-trip", read.refreshToken().orElseThrow().reveal());
        assertEquals(token.expiresAt(), read.expiresAt());
        assertEquals(token.scope(), read.scope());
        assertEquals(1, found.version());
        assertEquals(NOW, found.createdAt());
        ApiKey apiKey = (ApiKey) store.find(TestStores.row(ProviderId.OPENAI, AuthType.API_KEY)).orElseThrow().credential();
        assertEquals("sk-round-trip", apiKey.key().reveal());
        assertTrue(store.find(TestStores.row(ProviderId.ANTHROPIC, AuthType.OAUTH)).isEmpty());
    }

    @Test
    void theLastRefreshIsKeptWithTheRowWithoutMovingItsVersion() {
        JdbiCredentialStore store = store();
        SavedAuthentication v1 = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("a", "r")))).stored();
        ai.maestro.auth.domain.CredentialKey key = v1.key();

        store.recordRefresh(key, ai.maestro.auth.domain.RefreshRecord.failed(NOW,
                ai.maestro.auth.domain.RefreshOutcome.UNAVAILABLE, "the token endpoint\u001b[31m was unavailable"));

        ai.maestro.auth.domain.CredentialSummary row = store.list().get(0);
        assertEquals(v1.version(), row.version(), "recording a refresh is not a new credential");
        ai.maestro.auth.domain.RefreshRecord last = row.lastRefresh().orElseThrow();
        assertEquals(ai.maestro.auth.domain.RefreshOutcome.UNAVAILABLE, last.outcome());
        assertEquals(NOW.truncatedTo(java.time.temporal.ChronoUnit.MILLIS),
                last.at().truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
        assertEquals(java.util.Optional.of("the token endpoint [31m was unavailable"), last.reason(),
                "one line, no control character");
        assertEquals(java.util.Optional.empty(), row.unstoredRefresh());

        store.recordRefresh(key, ai.maestro.auth.domain.RefreshRecord.succeeded(NOW.plusSeconds(60)));
        assertEquals(ai.maestro.auth.domain.RefreshOutcome.SUCCESS,
                store.list().get(0).lastRefresh().orElseThrow().outcome());
        assertEquals(v1.version(), store.find(key).orElseThrow().version());
    }

    @Test
    void aSecondInsertForTheSameIdentityIsAConflict() {
        JdbiCredentialStore store = store();
        store.save(fresh(ProviderId.OPENAI, token("first", "r1")));

        SaveResult second = store.save(fresh(ProviderId.OPENAI, token("second", "r2")));

        assertEquals(new SaveResult.Conflict(1), second);
        assertEquals("first", ((OAuthToken) store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow()
                .credential()).accessToken().reveal());
    }

    @Test
    void aStaleVersionIsAConflictAndChangesNothing() {
        JdbiCredentialStore store = store();
        SavedAuthentication v1 = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("a1", "r1")))).stored();
        SavedAuthentication v2 = ((SaveResult.Saved) store.save(v1.replacedBy(token("a2", "r2"), NOW))).stored();

        SaveResult stale = store.save(v1.replacedBy(token("a-stale", "r-stale"), NOW));

        assertEquals(2, v2.version());
        assertEquals(new SaveResult.Conflict(2), stale);
        assertEquals("a2", ((OAuthToken) store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow()
                .credential()).accessToken().reveal());
    }

    @Test
    void concurrentWritersOfOneVersionHaveExactlyOneWinner() throws Exception {
        JdbiCredentialStore store = store();
        SavedAuthentication v1 = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("a", "r")))).stored();
        int writers = 8;
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<SaveResult>> results = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            String access = "writer-" + i;
            results.add(pool.submit(() -> {
                start.await();
                return store.save(v1.replacedBy(token(access, "r"), NOW));
            }));
        }
        start.countDown();
        int saved = 0;
        for (Future<SaveResult> result : results) {
            if (result.get(30, TimeUnit.SECONDS) instanceof SaveResult.Saved) {
                saved++;
            }
        }
        pool.shutdown();

        assertEquals(1, saved);
        assertEquals(2, store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow().version());
    }

    @Test
    void keepsTheReloginMark() {
        JdbiCredentialStore store = store();
        SavedAuthentication v1 = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("a", "r")))).stored();

        store.save(v1.markedForRelogin(new ReloginMark("refresh_token_reused", NOW), NOW));

        SavedAuthentication found = store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow();
        assertEquals(Optional.of(new ReloginMark("refresh_token_reused", NOW)), found.reloginRequired());
        assertTrue(store.list().get(0).reloginRequired());
    }

    @Test
    void listsAndDeletesWithoutTheKey() {
        store().save(fresh(ProviderId.OPENAI, token("a", "r")));
        store().save(fresh(ProviderId.ANTHROPIC, token("b", "s")));
        JdbiCredentialStore withoutRightKey = store(keys(key("other")));

        List<CredentialSummary> rows = withoutRightKey.list();

        assertEquals(List.of(ProviderId.ANTHROPIC, ProviderId.OPENAI), rows.stream().map(CredentialSummary::provider).toList());
        assertTrue(withoutRightKey.delete(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)));
        assertFalse(withoutRightKey.delete(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)));
        assertEquals(1, withoutRightKey.list().size());
    }

    @Test
    void aFlippedBitInNonceCiphertextOrTagIsATypedErrorAndTheRowIsLeftAlone() {
        JdbiCredentialStore store = store();
        store.save(fresh(ProviderId.OPENAI, token("a-tamper", "r")));
        byte[] original = rawCredentials(store, ProviderId.OPENAI);
        int header = 3 + "k1".length();
        int[] positions = {header + 3, header + 12 + 2, original.length - 1};

        for (int position : positions) {
            byte[] tampered = original.clone();
            tampered[position] ^= 0x01;
            writeRaw(store, ProviderId.OPENAI, tampered);

            CredentialStoreException error = assertThrows(CredentialStoreException.class,
                    () -> store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)));

            assertEquals(Optional.of("k1"), error.keyId());
            assertTrue(error.getMessage().contains("openai"), error.getMessage());
            assertArrayEquals(tampered, rawCredentials(store, ProviderId.OPENAI));
        }
        writeRaw(store, ProviderId.OPENAI, java.util.Arrays.copyOf(original, 20));
        assertThrows(CredentialStoreException.class, () -> store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)));
    }

    @Test
    void aCiphertextCopiedOntoAnotherRowDoesNotDecrypt() {
        JdbiCredentialStore store = store();
        store.save(fresh(ProviderId.OPENAI, token("openai-access", "r")));
        store.save(fresh(ProviderId.ANTHROPIC, token("anthropic-access", "s")));

        writeRaw(store, ProviderId.ANTHROPIC, rawCredentials(store, ProviderId.OPENAI));

        assertThrows(CredentialStoreException.class, () -> store.find(TestStores.row(ProviderId.ANTHROPIC, AuthType.OAUTH)));
    }

    @Test
    void anOlderCiphertextOfTheSameRowPutBackIsDetectedAsTampering() {
        JdbiCredentialStore store = store();
        SavedAuthentication v1 = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("a1", "r1")))).stored();
        byte[] older = rawCredentials(store, ProviderId.OPENAI);
        store.save(v1.replacedBy(token("a2", "r2"), NOW));

        writeRaw(store, ProviderId.OPENAI, older);

        CredentialStoreException error = assertThrows(CredentialStoreException.class,
                () -> store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)));
        assertTrue(error.getMessage().contains("older copy"), error.getMessage());
        assertArrayEquals(older, rawCredentials(store, ProviderId.OPENAI));
    }

    @Test
    void aRowWrittenBeforeTheVersionWasBoundIsStillReadAndUpgradedAtTheNextSave() throws Exception {
        JdbiCredentialStore store = store();
        SavedAuthentication v1 = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("a1", "r1")))).stored();
        writeRaw(store, ProviderId.OPENAI, formatOne(ProviderId.OPENAI, new CredentialCodec(
                new com.fasterxml.jackson.core.JsonFactory()).encode(token("old-format", "r0"))));

        SavedAuthentication read = store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow();
        assertEquals("old-format", ((OAuthToken) read.credential()).accessToken().reveal());
        store.save(read.replacedBy(token("a2", "r2"), NOW));

        assertEquals(2, rawCredentials(store, ProviderId.OPENAI)[1]);
        assertEquals(v1.version() + 1, store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow().version());
    }

    /** A ciphertext as the first format sealed it: associated data without the row version. */
    private byte[] formatOne(ProviderId provider, byte[] plaintext) throws Exception {
        byte[] header = {'M', 1, 2, 'k', '1'};
        byte[] nonce = new byte[12];
        new java.security.SecureRandom().nextBytes(nonce);
        javax.crypto.Cipher aes = javax.crypto.Cipher.getInstance("AES/GCM/NoPadding");
        aes.init(javax.crypto.Cipher.ENCRYPT_MODE, k1.secretKey(), new javax.crypto.spec.GCMParameterSpec(128, nonce));
        aes.updateAAD(header);
        aes.updateAAD(("maestro-auth/" + provider.name() + "/account/" + TestStores.row(provider, AuthType.OAUTH).account()
                + "/OAUTH").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        byte[] sealed = aes.doFinal(plaintext);
        return java.nio.ByteBuffer.allocate(header.length + nonce.length + sealed.length).put(header).put(nonce)
                .put(sealed).array();
    }

    @Test
    void rowsANewerVersionWroteAreListedApartAndLeftAlone() {
        JdbiCredentialStore store = store();
        store.save(fresh(ProviderId.OPENAI, token("a", "r")));
        for (String[] row : new String[][] {{"GEMINI", "OAUTH"}, {"OPENAI", "DEVICE_TOKEN"}}) {
            store.jdbi().useHandle(h -> h.createUpdate("INSERT INTO account_credentials (provider, account, auth_type,"
                            + " credentials, key_id, created_at, updated_at, version) VALUES (:p, 'acct-x', :t, :c, 'k1',"
                            + " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, 1)")
                    .bind("p", row[0]).bind("t", row[1]).bind("c", new byte[] {0}).execute());
        }

        assertEquals(List.of(ProviderId.OPENAI), store.list().stream().map(CredentialSummary::provider).toList());
        assertEquals(List.of("GEMINI/OAUTH", "OPENAI/DEVICE_TOKEN"), store.unrecognizedRows());
        assertEquals(0, store(keys(key("k2"), k1)).rekey() - 1, "only the known row is re-encrypted");
    }

    @Test
    void aWrongKeyIsATypedErrorThatNamesTheKeyAndOverwritesNothing() {
        store().save(fresh(ProviderId.OPENAI, token("a", "r")));
        byte[] before = rawCredentials(store(), ProviderId.OPENAI);

        CredentialStoreException sameIdOtherKey = assertThrows(CredentialStoreException.class,
                () -> store(keys(key("k1"))).find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)));
        CredentialStoreException unknownId = assertThrows(CredentialStoreException.class,
                () -> store(keys(key("k9"))).find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)));

        assertTrue(sameIdOtherKey.getMessage().contains("'k1'"), sameIdOtherKey.getMessage());
        assertTrue(unknownId.getMessage().contains("'k1', which is not configured"), unknownId.getMessage());
        assertTrue(unknownId.nextStep().contains("k1:<base64>"), unknownId.nextStep());
        assertArrayEquals(before, rawCredentials(store(), ProviderId.OPENAI));
    }

    @Test
    void rotationDecryptsWithAnyKeyAndRekeyMovesEveryRowToTheFirst() {
        store().save(fresh(ProviderId.OPENAI, token("rotate-a", "r")));
        store().save(fresh(ProviderId.ANTHROPIC, token("rotate-b", "s")));
        EncryptionKey k2 = key("k2");
        JdbiCredentialStore rotated = store(keys(k2, k1));

        assertEquals("rotate-a", ((OAuthToken) rotated.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow()
                .credential()).accessToken().reveal());
        assertEquals(2, rotated.rekey());
        assertEquals(0, rotated.rekey());

        JdbiCredentialStore onlyNewKey = store(keys(k2));
        assertEquals("rotate-b", ((OAuthToken) onlyNewKey.find(TestStores.row(ProviderId.ANTHROPIC, AuthType.OAUTH)).orElseThrow()
                .credential()).accessToken().reveal());
        assertEquals("k2", CredentialCipher.keyIdOf(rawCredentials(onlyNewKey, ProviderId.OPENAI)));
    }

    @Test
    void theRefreshLockLetsOneHolderInAtATime() throws Exception {
        JdbiCredentialStore store = store();
        CountDownLatch held = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger inside = new AtomicInteger();
        Thread holder = new Thread(() -> store.withRefreshLock(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH), Duration.ofSeconds(10), () -> {
            inside.incrementAndGet();
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }));
        holder.start();
        assertTrue(held.await(10, TimeUnit.SECONDS));

        assertThrows(CredentialStoreException.class, () -> store.withRefreshLock(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH),
                Duration.ofMillis(300), inside::incrementAndGet));
        assertEquals("other", store.withRefreshLock(TestStores.row(ProviderId.ANTHROPIC, AuthType.OAUTH), Duration.ofSeconds(5), () -> "other"));

        release.countDown();
        holder.join(10_000);
        int count = store.withRefreshLock(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH), Duration.ofSeconds(5), inside::incrementAndGet);
        assertEquals(2, count);
    }

    @Test
    void migrationsAreRecordedOnceAndRunAgainHarmlessly() {
        JdbiCredentialStore store = store();
        store();
        assertEquals(Migrations.SCRIPTS.size(), store.schemaVersion());
        int recorded = store.jdbi().withHandle(h -> h.createQuery(
                "SELECT COUNT(*) FROM maestro_auth_schema_version").mapTo(Integer.class).one());
        assertEquals(Migrations.SCRIPTS.size(), recorded);
    }

    @Test
    void aRotationLeftInTheJournalGoesInBeforeTheNextRefreshLockHolderReads() throws Exception {
        JdbiCredentialStore store = store();
        SavedAuthentication row = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("at-1", "rt-1"))))
                .stored();
        // A process recorded the provider's answer, then died before the database write.
        store.prepareRotation(row);
        store.journal().record(row.replacedBy(token("at-2", "rt-2"), NOW));

        SavedAuthentication seen = store.withRefreshLock(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH), Duration.ofSeconds(5),
                () -> store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow());

        assertEquals("rt-2", ((OAuthToken) seen.credential()).refreshToken().orElseThrow().reveal());
        assertEquals(row.version() + 1, seen.version());
        assertFalse(java.nio.file.Files.exists(store.journal().file(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH))));
    }

    @Test
    void aJournaledRotationOlderThanTheRowIsDropped() throws Exception {
        JdbiCredentialStore store = store();
        SavedAuthentication row = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("at-1", "rt-1"))))
                .stored();
        store.journal().record(row.replacedBy(token("at-2", "rt-2"), NOW));
        // A new login wrote over the row meanwhile: it is newer than the journaled rotation.
        store.save(row.replacedBy(token("at-login", "rt-login"), NOW));

        OAuthToken seen = store.withRefreshLock(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH), Duration.ofSeconds(5),
                () -> (OAuthToken) store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow().credential());

        assertEquals("rt-login", seen.refreshToken().orElseThrow().reveal());
        assertFalse(java.nio.file.Files.exists(store.journal().file(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH))));
    }

    @Test
    void aTornOrMerelyReservedJournalIsIgnored() throws Exception {
        JdbiCredentialStore store = store();
        store.save(fresh(ProviderId.OPENAI, token("at-1", "rt-1")));
        java.nio.file.Files.writeString(store.journal().file(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)), "{\"state\":\"recorded\",\"vers");

        assertEquals("rt-1", store.withRefreshLock(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH), Duration.ofSeconds(5), () -> ((OAuthToken) store
                .find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow().credential()).refreshToken().orElseThrow()
                .reveal()));
        store.prepareRotation(store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow());
        assertEquals(1, store.withRefreshLock(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH), Duration.ofSeconds(5), () -> store
                .find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH)).orElseThrow().version()));
    }

    @Test
    void everyWriteMovesTheChangeStampAndReadsDoNot() {
        JdbiCredentialStore store = store();
        long before = store.changeStamp();
        SavedAuthentication row = ((SaveResult.Saved) store.save(fresh(ProviderId.OPENAI, token("a", "r")))).stored();
        long afterInsert = store.changeStamp();
        store.find(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH));
        store.list();
        assertEquals(afterInsert, store.changeStamp());
        store.save(row.replacedBy(token("b", "r"), NOW));
        long afterUpdate = store.changeStamp();
        store.delete(TestStores.row(ProviderId.OPENAI, AuthType.OAUTH));

        assertTrue(before != afterInsert && afterInsert != afterUpdate && afterUpdate != store.changeStamp());
    }

    // ---- accounts -------------------------------------------------------------------------------

    private static OAuthToken signedIn(String email, String accountId, String access) {
        return new OAuthToken(Secret.of(access), Optional.of(Secret.of("r-" + access)),
                Optional.of(Secret.of(ai.maestro.auth.testing.TestJwts.openAiIdToken(email, NOW.getEpochSecond() + 3600,
                        accountId, "plus"))), "Bearer", List.of(), Optional.of(NOW.plusSeconds(3600)), NOW);
    }

    private static SavedAuthentication of(ai.maestro.auth.domain.Account account, OAuthToken token) {
        return SavedAuthentication.fresh(account.key(AuthType.OAUTH), token, NOW);
    }

    @Test
    void twoAccountsOfOneProviderLiveSideBySideAndTheFirstIsTheDefault() {
        JdbiCredentialStore store = store();
        ai.maestro.auth.domain.Account ada = store.register(ProviderId.OPENAI, "acct-ada", "ada");
        ai.maestro.auth.domain.Account bob = store.register(ProviderId.OPENAI, "acct-bob", "bob");
        store.save(of(ada, signedIn("ada@example.com", "acct-ada", "at-ada")));
        store.save(of(bob, signedIn("bob@example.com", "acct-bob", "at-bob")));

        assertTrue(ada.isDefault());
        assertFalse(bob.isDefault());
        assertEquals(List.of("ada", "bob"), store.list().stream().map(CredentialSummary::label).toList());
        assertEquals(List.of(true, false), store.list().stream().map(CredentialSummary::isDefault).toList());
        assertEquals("at-bob", ((OAuthToken) store.find(bob.key(AuthType.OAUTH)).orElseThrow().credential())
                .accessToken().reveal());
        assertEquals(ada, store.register(ProviderId.OPENAI, "acct-ada", "other"), "registering again changes nothing");
        assertThrows(CredentialStoreException.class, () -> store.register(ProviderId.OPENAI, "acct-eve", "bob"),
                "a label is unique per provider");
        assertEquals("bob", store.register(ProviderId.ANTHROPIC, "acct-bob", "bob").label(),
                "but not across providers");
    }

    @Test
    void useMovesTheDefaultAndDeletingTheDefaultPromotesTheOldestLeft() {
        JdbiCredentialStore store = store();
        ai.maestro.auth.domain.Account ada = store.register(ProviderId.OPENAI, "acct-ada", "ada");
        ai.maestro.auth.domain.Account bob = store.register(ProviderId.OPENAI, "acct-bob", "bob");
        store.save(of(ada, signedIn("ada@example.com", "acct-ada", "at-ada")));
        store.save(of(bob, signedIn("bob@example.com", "acct-bob", "at-bob")));
        long before = store.changeStamp();

        assertTrue(store.makeDefault(ProviderId.OPENAI, "acct-bob"));
        assertFalse(store.makeDefault(ProviderId.OPENAI, "acct-nobody"));

        assertTrue(store.changeStamp() != before, "a `use` is a change other processes notice");
        assertEquals(List.of(false, true), store.accounts(ProviderId.OPENAI).stream()
                .map(ai.maestro.auth.domain.Account::isDefault).toList());
        assertTrue(store.delete(bob.key(AuthType.OAUTH)));
        assertEquals(List.of("ada"), store.accounts(ProviderId.OPENAI).stream()
                .map(ai.maestro.auth.domain.Account::label).toList());
        assertTrue(store.accounts(ProviderId.OPENAI).get(0).isDefault());
        assertEquals("at-ada", ((OAuthToken) store.find(ada.key(AuthType.OAUTH)).orElseThrow().credential())
                .accessToken().reveal(), "the other account is untouched");
    }

    @Test
    void aCiphertextCopiedToAnotherAccountsRowDoesNotDecrypt() {
        JdbiCredentialStore store = store();
        ai.maestro.auth.domain.Account ada = store.register(ProviderId.OPENAI, "acct-ada", "ada");
        ai.maestro.auth.domain.Account bob = store.register(ProviderId.OPENAI, "acct-bob", "bob");
        store.save(of(ada, signedIn("ada@example.com", "acct-ada", "at-ada")));
        store.save(of(bob, signedIn("bob@example.com", "acct-bob", "at-bob")));
        // Same version (1) on both rows, so only the account in the associated data differs.
        byte[] adas = store.jdbi().withHandle(h -> h.createQuery("SELECT credentials FROM account_credentials"
                + " WHERE account = 'acct-ada'").mapTo(byte[].class).one());
        store.jdbi().useHandle(h -> h.createUpdate("UPDATE account_credentials SET credentials = :c"
                + " WHERE account = 'acct-bob'").bind("c", adas).execute());

        CredentialStoreException refused = assertThrows(CredentialStoreException.class,
                () -> store.find(bob.key(AuthType.OAUTH)));
        assertTrue(refused.getMessage().contains("does not decrypt"), refused.getMessage());
        assertEquals("at-ada", ((OAuthToken) store.find(ada.key(AuthType.OAUTH)).orElseThrow().credential())
                .accessToken().reveal());
    }

    @Test
    void twoAccountsRefreshWithoutWaitingOnEachOther() throws Exception {
        JdbiCredentialStore store = store();
        store.register(ProviderId.OPENAI, "acct-ada", "ada");
        store.register(ProviderId.OPENAI, "acct-bob", "bob");
        CountDownLatch holding = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<?> ada = pool.submit(() -> store.withRefreshLock(
                    new ai.maestro.auth.domain.CredentialKey(ProviderId.OPENAI, "acct-ada", AuthType.OAUTH),
                    Duration.ofSeconds(10), () -> {
                        holding.countDown();
                        try {
                            return release.await(30, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            throw new IllegalStateException(e);
                        }
                    }));
            assertTrue(holding.await(30, TimeUnit.SECONDS));
            // Bob's lock is free while Ada's is held: a short wait is enough.
            assertEquals("bob", store.withRefreshLock(new ai.maestro.auth.domain.CredentialKey(ProviderId.OPENAI,
                    "acct-bob", AuthType.OAUTH), Duration.ofMillis(500), () -> "bob"));
            assertThrows(CredentialStoreException.class, () -> store.withRefreshLock(
                    new ai.maestro.auth.domain.CredentialKey(ProviderId.OPENAI, "acct-ada", AuthType.OAUTH),
                    Duration.ofMillis(300), () -> "ada again"), "Ada's own lock is held");
            release.countDown();
            ada.get(30, TimeUnit.SECONDS);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    /**
     * A store the release before accounts wrote: schema versions 1 to 3 and one row per provider and
     * auth type, sealed with (provider, auth type) as its identity. Built here from those scripts.
     */
    private static void writeStoreFromBeforeAccounts(JdbiCredentialStore store, EncryptionKeys keys,
                                                     OAuthToken token) {
        CredentialCipher cipher = new CredentialCipher(keys, TestStores.RANDOM);
        CredentialCodec codec = new CredentialCodec(new com.fasterxml.jackson.core.JsonFactory());
        store.jdbi().useHandle(h -> {
            h.execute("CREATE TABLE maestro_auth_schema_version (version INT NOT NULL PRIMARY KEY,"
                    + " script VARCHAR(200) NOT NULL, applied_at TIMESTAMP WITH TIME ZONE DEFAULT CURRENT_TIMESTAMP"
                    + " NOT NULL)");
            for (int version = 1; version <= 3; version++) {
                String script = Migrations.SCRIPTS.get(version - 1);
                try (java.io.InputStream in = Migrations.class.getResourceAsStream("/db/migration/" + script)) {
                    String sql = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                            .replaceAll("(?m)^\\s*--.*$", "");
                    for (String statement : sql.split(";")) {
                        if (!statement.isBlank()) {
                            h.execute(statement);
                        }
                    }
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                h.execute("INSERT INTO maestro_auth_schema_version (version, script) VALUES (?, ?)", version, script);
            }
            byte[] plaintext = codec.encode(token);
            byte[] sealed = cipher.encryptLegacy(ProviderId.OPENAI, AuthType.OAUTH, 3, plaintext);
            h.createUpdate("INSERT INTO saved_authentications (provider, auth_type, credentials, key_id, expires_at,"
                            + " created_at, updated_at, version) VALUES ('OPENAI', 'OAUTH', :c, 'k1', :e, :t, :t, 3)")
                    .bind("c", sealed).bind("e", NOW.plusSeconds(3600).atOffset(java.time.ZoneOffset.UTC))
                    .bind("t", NOW.atOffset(java.time.ZoneOffset.UTC)).execute();
        });
    }

    @Test
    void aStoreFromBeforeAccountsOpensWithItsSignInAsTheDefaultAccount() {
        JdbiCredentialStore store = store();
        writeStoreFromBeforeAccounts(store, keys(k1), signedIn("ada.lovelace+x@example.com", "acct-ada", "at-old"));

        List<CredentialSummary> rows = store.list();

        assertEquals(1, rows.size());
        assertEquals("acct-ada", rows.get(0).key().account());
        assertEquals("ada.lovelace-x", rows.get(0).label(), "the e-mail's local part, never the whole address");
        assertTrue(rows.get(0).isDefault());
        OAuthToken moved = (OAuthToken) store.find(rows.get(0).key()).orElseThrow().credential();
        assertEquals("at-old", moved.accessToken().reveal());
        assertEquals("r-at-old", moved.refreshToken().orElseThrow().reveal());
        // What the release before accounts reads: no row of a provider it knows, one it shows as unknown.
        assertEquals(List.of("OPENAI~moved/OAUTH"), store.jdbi().withHandle(h -> h.createQuery(
                "SELECT provider || '/' || auth_type FROM saved_authentications").mapTo(String.class).list()));
        assertEquals(1, store(keys(k1)).list().size(), "opening again moves nothing twice");
    }

    @Test
    void aStoreFromBeforeAccountsWithoutItsKeyKeepsItsRowForLater() {
        JdbiCredentialStore store = store(keys(key("other")));
        writeStoreFromBeforeAccounts(store, keys(k1), signedIn("ada@example.com", "acct-ada", "at-old"));

        assertEquals(List.of(), store.list());
        assertTrue(store.hasRows(), "the row still counts: no new key may replace the old one");

        assertEquals(List.of("ada"), store(keys(k1)).list().stream().map(CredentialSummary::label).toList());
    }
}
