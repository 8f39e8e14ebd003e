package dev.flan4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code flan4j models}, and shipped model names accepted where a model folder is. */
class ModelsCommandTest {
    @TempDir Path tmp;

    private static String stdout(String... args) {
        PrintStream old = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            CliTest.Run r = CliTest.run(args);
            assertEquals(0, r.code(), r.err());
        } finally {
            System.setOut(old);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    @Test
    void listsTheShippedBase() {
        String out = stdout("models");
        assertTrue(out.contains("flan4j-base-1m") && out.contains("mini-bpe") && out.contains("held-out loss"), out);
    }

    @Test
    void lossAndGenerateTakeAModelByName() {
        String out = stdout("models", "loss", "--backend", "cpu", "--model", "flan4j-base-1m", "--max-tokens", "600");
        // the shipped base's block is 512: 600 tokens cut to whole windows are one window of 512
        assertTrue(out.matches("(?s)held-out loss \\d\\.\\d{4} nats/token .* on 512 tokens of split 'valid' in 1 window of 512\\R"), out);
        String gen = stdout("generate", "--backend", "cpu", "--model", "flan4j-base-1m", "--prompt", "It was", "--max-tokens", "4");
        assertTrue(!gen.isBlank(), "generate printed nothing");
    }

    @Test
    void aMissingFolderNamesTheShippedModels() {
        CliTest.Run r = CliTest.run("models", "loss", "--backend", "cpu", "--model", tmp.resolve("none").toString());
        assertEquals(1, r.code());
        assertTrue(r.err().contains("does not exist") && r.err().contains("flan4j-base-1m"), r.err());
    }
}
