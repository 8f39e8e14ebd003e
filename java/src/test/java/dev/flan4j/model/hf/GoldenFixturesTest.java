package dev.flan4j.model.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The golden fixtures in the test resources are the files their producer hashed in SHA256SUMS. */
class GoldenFixturesTest {
    @Test
    void everyFixtureFileMatchesItsRecordedSha256() throws Exception {
        Path root = Golden.path("hf-gpt2-tiny").getParent();
        List<String> lines = Files.readAllLines(root.resolve("SHA256SUMS"));
        int checked = 0;
        for (String line : lines) {
            String[] f = line.trim().split("\\s+", 2);
            String name = f[1].startsWith("./") ? f[1].substring(2) : f[1];
            if (!name.startsWith("hf-")) continue;   // the fixtures themselves; the producer's notes are not test data
            Path file = root.resolve(name);
            assertTrue(Files.isRegularFile(file), "SHA256SUMS lists " + name + ", which is not in " + root);
            byte[] d = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
            assertEquals(f[0], HexFormat.of().formatHex(d), name);
            checked++;
        }
        assertTrue(checked >= 12, "checked " + checked + " fixture files");
    }
}
