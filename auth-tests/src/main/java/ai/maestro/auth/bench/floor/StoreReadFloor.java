package ai.maestro.auth.bench.floor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The floor of {@code status} and a cached {@code token}: the same work written plainly. Opens an
 * H2 file database as the store does, selects one row, AES-256-GCM-decrypts its 1.5 kB value with a
 * key read from a file, prints it. {@code prepare DIR} writes the database and the key once.
 */
public final class StoreReadFloor {
    /** As the store opens it: in particular no compaction at close, which the store never asks of a read. */
    private static final String URL = ";DB_CLOSE_ON_EXIT=FALSE;WRITE_DELAY=0;MAX_COMPACT_TIME=0;TRACE_LEVEL_FILE=0";

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[args.length - 1]);
        String url = "jdbc:h2:file:" + dir.resolve("floor") + URL;
        if (args[0].equals("prepare")) {
            prepare(dir, url);
            return;
        }
        System.out.println(read(dir, "openai"));
    }

    /** The start of row {@code id}'s decrypted value, from the database {@code prepare} wrote in {@code dir}. */
    static String read(Path dir, String id) throws Exception {
        String url = "jdbc:h2:file:" + dir.resolve("floor") + URL;
        byte[] key = Files.readAllBytes(dir.resolve("floor.key"));
        try (Connection connection = DriverManager.getConnection(url, "floor", "");
             PreparedStatement query = connection.prepareStatement("SELECT credentials FROM rows WHERE id = ?")) {
            query.setString(1, id);
            try (ResultSet row = query.executeQuery()) {
                row.next();
                byte[] sealed = row.getBytes(1);
                Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
                cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"),
                        new GCMParameterSpec(128, sealed, 0, 12));
                cipher.updateAAD(id.getBytes(StandardCharsets.UTF_8));
                byte[] plain = cipher.doFinal(sealed, 12, sealed.length - 12);
                return new String(plain, StandardCharsets.UTF_8).substring(0, 40);
            }
        }
    }

    private static void prepare(Path dir, String url) throws Exception {
        SecureRandom random = new SecureRandom();
        byte[] key = new byte[32];
        random.nextBytes(key);
        Files.write(dir.resolve("floor.key"), key);
        byte[] plain = new byte[1536];
        Arrays.fill(plain, (byte) 'x');
        byte[] iv = new byte[12];
        random.nextBytes(iv);
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
        cipher.updateAAD("openai".getBytes(StandardCharsets.UTF_8));
        byte[] sealed = cipher.doFinal(plain);
        byte[] stored = new byte[12 + sealed.length];
        System.arraycopy(iv, 0, stored, 0, 12);
        System.arraycopy(sealed, 0, stored, 12, sealed.length);
        try (Connection connection = DriverManager.getConnection(url, "floor", "")) {
            connection.createStatement().execute("CREATE TABLE rows (id VARCHAR(32) PRIMARY KEY, credentials VARBINARY)");
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO rows VALUES (?, ?)")) {
                insert.setString(1, "openai");
                insert.setBytes(2, stored);
                insert.execute();
            }
        }
    }
}
