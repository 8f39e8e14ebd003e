package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.model.hf.HfGpt2;
import dev.flan4j.model.llama.LlamaConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the model config parsers (flan4j {@code config.json} of either family, Hugging Face GPT-2 {@code config.json}):
 * any text either parses to a valid config or fails with an IOException naming the file; valid configs read back
 * exactly.
 */
class ConfigFuzzTest {
    interface Parser {
        ModelConfig read(Path file) throws IOException;
    }

    private static void onlyIOException(String text, Parser parser) throws IOException {
        onlyIOException(text.getBytes(StandardCharsets.UTF_8), parser);
    }

    private static void onlyIOException(byte[] bytes, Parser parser) throws IOException {
        Path f = Files.createTempFile("config", ".json");
        try {
            Files.write(f, bytes);
            parser.read(f);
        } catch (IOException e) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(f.toString()), "message names the file: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            throw new AssertionError("undocumented " + e + " for: " + new String(bytes, StandardCharsets.UTF_8), e);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 400)
    void flan4jConfigs(@ForAll("configs") String json) throws IOException {
        onlyIOException(json, Checkpoint::readConfig);
    }

    @Property(tries = 400)
    void huggingFaceConfigs(@ForAll("configs") String json) throws IOException {
        onlyIOException(json, HfGpt2::readConfig);
    }

    @Property(tries = 200)
    void arbitraryBytes(@ForAll @Size(max = 120) byte[] bytes) throws IOException {
        onlyIOException(bytes, Checkpoint::readConfig);
        onlyIOException(bytes, HfGpt2::readConfig);
    }

    @Property(tries = 200)
    void validConfigsReadBack(@ForAll("sizes") List<Integer> s) throws IOException {
        GptConfig c;
        try {
            c = new GptConfig(s.get(0), s.get(1), s.get(2), s.get(3), s.get(3) * s.get(4));
        } catch (IllegalArgumentException e) {
            return;   // not a valid model shape
        }
        Path f = Files.createTempFile("config", ".json");
        try {
            Files.writeString(f, Checkpoint.JSON.writeValueAsString(Checkpoint.configJson(c)));
            assertEquals(c, Checkpoint.readConfig(f));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 200)
    void validLlamaConfigsReadBack(@ForAll("sizes") List<Integer> s, @ForAll boolean tied, @ForAll boolean bias,
                                   @ForAll boolean scaled) throws IOException {
        LlamaConfig c;
        try {
            c = new LlamaConfig(bias ? "qwen2" : "llama", s.get(0), s.get(1), s.get(2), s.get(3) * s.get(4), s.get(3),
                    s.get(1) * 2, 2 * s.get(4), 3 * s.get(0), 1e-5 * s.get(2), 500000.5, scaled
                            ? new LlamaConfig.RopeScaling("llama3", s.get(0), 1, 1 + s.get(1), s.get(2)) : null,
                    tied, bias, bias && tied);
        } catch (IllegalArgumentException e) {
            return;   // not a valid model shape
        }
        Path f = Files.createTempFile("config", ".json");
        try {
            Files.writeString(f, Checkpoint.JSON.writeValueAsString(Checkpoint.configJson(c)));
            assertEquals(c, Checkpoint.readConfig(f));
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Provide
    Arbitrary<List<Integer>> sizes() {
        return Arbitraries.integers().between(1, 64).list().ofSize(5);
    }

    /** JSON objects with the configs' keys and arbitrary values of every JSON type. */
    @Provide
    Arbitrary<String> configs() {
        Arbitrary<String> key = Arbitraries.of("architecture", "vocab_size", "block_size", "n_layer", "n_head", "n_embd",
                "model_type", "n_positions", "n_ctx", "layer_norm_epsilon", "activation_function", "eos_token_id",
                "tie_word_embeddings", "n_kv_head", "head_dim", "intermediate_size", "rms_norm_eps", "rope_theta",
                "rope_scaling", "qkv_bias", "o_bias", "x");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.integers().between(-2, 70).map(String::valueOf),
                Arbitraries.of("\"flan4j-gpt2\"", "\"flan4j-llama\"", "\"llama\"", "\"qwen2\"", "false",
                        "{\"type\":\"llama3\",\"factor\":8}", "\"gpt2\"", "\"gelu_new\"", "\"relu\"", "1e-5", "0.5", "1e400", "-0.0",
                        "9999999999", "2147483648", "null", "true", "[]", "{}", "\"8\"", "[1,2]", "{\"a\":1}"));
        Arbitrary<String> entry = Combinators.combine(key, value).as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> object = entry.list().ofMaxSize(12).map(l -> "{" + String.join(",", l) + "}");
        return Arbitraries.oneOf(object, object.map(o -> o.substring(0, o.length() / 2)), Arbitraries.of("[]", "3", "null", ""));
    }
}
