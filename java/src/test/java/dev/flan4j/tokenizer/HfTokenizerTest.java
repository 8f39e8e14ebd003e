package dev.flan4j.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hugging Face tokenizer.json through DJL: the byte-level BPE fixture of {@code hf/tokenizer-bpe-tiny} (made by
 * Hugging Face's tokenizers 0.23.2 with scripts/hf/make_tokenizer_fixture.py) encodes and decodes exactly as the
 * Python library did (expected.json).
 */
class HfTokenizerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir Path tmp;

    static Path fixture() throws Exception {
        return Path.of(HfTokenizerTest.class.getClassLoader().getResource("hf/tokenizer-bpe-tiny/tokenizer.json").toURI())
                .getParent();
    }

    /** A model folder: the fixture's tokenizer.json plus a config.json with the given JSON body. */
    private Path folder(String configJson) throws Exception {
        Path dir = Files.createTempDirectory(tmp, "m");
        Files.copy(fixture().resolve(HfTokenizer.FILE), dir.resolve(HfTokenizer.FILE));
        if (configJson != null) Files.writeString(dir.resolve("config.json"), configJson);
        return dir;
    }

    @Test
    void encodesAndDecodesAsHuggingFaceTokenizers() throws Exception {
        JsonNode expected = JSON.readTree(fixture().resolve("expected.json").toFile());
        try (HfTokenizer t = HfTokenizer.load(folder("{\"eos_token_id\": [0, 2], \"vocab_size\": 400}"))) {
            assertEquals(expected.get("vocab_size").asInt(), t.vocabSize());
            assertEquals(0, t.eotToken(), "the first eos_token_id of a list");
            assertEquals(2, t.tokenId("<|im_end|>"));
            assertEquals(-1, t.tokenId("<|nope|>"));
            int cases = 0;
            for (JsonNode c : expected.get("cases")) {
                int[] ids = new int[c.get("ids").size()];
                for (int i = 0; i < ids.length; i++) ids[i] = c.get("ids").get(i).asInt();
                String text = c.get("text").asText();
                assertArrayEquals(ids, t.encode(text), text);
                assertEquals(c.get("decoded").asText(), t.decode(ids), text);
                cases++;
            }
            assertEquals(9, cases);
            String longText = "Instruction tuning teaches a language model to follow instructions. ".repeat(200);
            assertEquals(longText, t.decode(t.encode(longText)), "no truncation");
            assertTrue(t.encode(longText).length > 1000);
        }
    }

    @Test
    void eosFromTokenizerConfigAndErrors() throws Exception {
        Path dir = folder(null);
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"<|im_end|>\"}}");
        try (HfTokenizer t = HfTokenizer.load(dir)) {
            assertEquals(2, t.eotToken());
            IOException e = assertThrows(IOException.class, () -> t.requireFits(300, dir.resolve("config.json")));
            assertTrue(e.getMessage().contains("400 token ids") && e.getMessage().contains("vocab_size=300")
                    && e.getMessage().contains(dir.resolve(HfTokenizer.FILE).toString()), e.getMessage());
            t.requireFits(512, dir.resolve("config.json"));   // a larger embedding table is fine
            IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{400}));
            assertTrue(bad.getMessage().contains("token id 400"), bad.getMessage());
        }
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": \"</s>\"}");
        IOException e = assertThrows(IOException.class, () -> HfTokenizer.load(dir));
        assertTrue(e.getMessage().contains("\"</s>\"") && e.getMessage().contains("eos_token"), e.getMessage());
        Path bad = folder("{\"eos_token_id\": 7000}");
        e = assertThrows(IOException.class, () -> HfTokenizer.load(bad));
        assertTrue(e.getMessage().contains("7000") && e.getMessage().contains("[0, 400)"), e.getMessage());
        Path wp = Files.createTempDirectory(tmp, "wp");
        Files.writeString(wp.resolve(HfTokenizer.FILE), "{\"model\": {\"type\": \"WordPiece\", \"vocab\": {}}}");
        e = assertThrows(IOException.class, () -> HfTokenizer.open(wp.resolve(HfTokenizer.FILE), 0));
        assertTrue(e.getMessage().contains("model.type is \"WordPiece\""), e.getMessage());
    }

    @Test
    void tokenizersByNameOpensAHuggingFaceFolderOrItsTokenizerJson() throws Exception {
        Path dir = folder("{\"eos_token_id\": 2}");
        JsonNode expected = JSON.readTree(fixture().resolve("expected.json").toFile());
        for (Path p : new Path[]{dir, dir.resolve(HfTokenizer.FILE)}) {
            Tokenizer t = Tokenizers.byName(p.toString());
            assertTrue(t instanceof HfTokenizer, p + ": " + t);
            assertEquals(400, t.vocabSize());
            assertEquals(2, t.eotToken());
            JsonNode c = expected.get("cases").get(0);
            assertEquals(c.get("ids").size(), t.encode(c.get("text").asText()).length, p.toString());
            ((HfTokenizer) t).close();
        }
        if (!Tokenizers.miniBpeAvailable()) return;
        // A flan4j BPE folder's tokenizer.json (no model object) still opens as before.
        Path bpe = Files.createTempDirectory(tmp, "bpe");
        Tokenizers.miniBpeVocabulary().write(bpe);
        assertEquals(4096, Tokenizers.byName(bpe.toString()).vocabSize());
    }
}
