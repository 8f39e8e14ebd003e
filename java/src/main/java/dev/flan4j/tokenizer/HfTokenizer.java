package dev.flan4j.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (the byte-level BPE files SmolLM2, Llama 3 and Qwen2 ship) through DJL's
 * binding of Hugging Face's own {@code tokenizers} library, whose native library comes inside the DJL jar (nothing
 * is downloaded). Encoding is transformers' {@code tokenizer(text, add_special_tokens=False)}: no BOS is added, and,
 * unlike {@link Tokenizer#encode}'s general contract, added special tokens written in the text ({@code <|im_end|>}) are
 * recognised, as transformers does. The end-of-text token is the checkpoint's EOS, which the FLAN prompt encoder uses as
 * the separator.
 *
 * <p>Holds a native handle: {@link #close()} it (it is also freed when garbage-collected).
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {
    public static final String FILE = "tokenizer.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HuggingFaceTokenizer tok;
    private final Path file;
    private final int vocabSize, eos;
    private final Map<String, Integer> addedTokens;

    private HfTokenizer(HuggingFaceTokenizer tok, Path file, int vocabSize, int eos, Map<String, Integer> added) {
        this.tok = tok;
        this.file = file;
        this.vocabSize = vocabSize;
        this.eos = eos;
        this.addedTokens = added;
    }

    /**
     * The tokenizer of a Hugging Face model folder: its {@code tokenizer.json}, with the EOS id from
     * {@code generation_config.json} or {@code config.json} ({@code eos_token_id}, the first when a list), else
     * {@code tokenizer_config.json}'s {@code eos_token}.
     */
    public static HfTokenizer load(Path dir) throws IOException {
        Path file = dir.resolve(FILE);
        Integer eos = null;
        for (String name : new String[]{"generation_config.json", "config.json"}) {
            Path f = dir.resolve(name);
            if (eos == null && Files.isRegularFile(f)) eos = eosId(JSON.readTree(f.toFile()).get("eos_token_id"), f);
        }
        Path tc = dir.resolve("tokenizer_config.json");
        String eosText = null;
        if (eos == null && Files.isRegularFile(tc)) {
            JsonNode e = JSON.readTree(tc.toFile()).get("eos_token");
            if (e != null) eosText = e.isTextual() ? e.asText() : e.path("content").asText(null);
        }
        HfTokenizer t = open(file, eos == null ? -1 : eos);
        if (eos == null) {
            Integer id = eosText == null ? null : t.addedTokens.get(eosText);
            if (id == null) {
                t.close();
                throw new IOException(dir + ": no end-of-text token: neither generation_config.json nor config.json has"
                        + " eos_token_id, and tokenizer_config.json's eos_token is "
                        + (eosText == null ? "missing" : "\"" + eosText + "\", which is not a token of " + file));
            }
            return new HfTokenizer(t.tok, file, t.vocabSize, id, t.addedTokens);
        }
        return t;
    }

    /** A {@code tokenizer.json} with a given end-of-text id. */
    public static HfTokenizer open(Path file, int eosId) throws IOException {
        if (!Files.isRegularFile(file)) throw new IOException("Hugging Face tokenizer " + file + " does not exist");
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + " is not valid JSON: " + e.getMessage(), e);
        }
        JsonNode model = root.path("model");
        if (!"BPE".equals(model.path("type").asText())) {
            throw new IOException(file + ": model.type is \"" + model.path("type").asText() + "\"; flan4j supports"
                    + " byte-level \"BPE\" tokenizers (SmolLM2, Llama 3, Qwen2)");
        }
        int max = -1;
        for (Iterator<JsonNode> it = model.path("vocab").elements(); it.hasNext(); ) max = Math.max(max, it.next().asInt());
        Map<String, Integer> added = new java.util.LinkedHashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            added.put(a.path("content").asText(), a.path("id").asInt());
            max = Math.max(max, a.path("id").asInt());
        }
        int vocab = max + 1;
        if (eosId >= vocab || eosId < -1) {
            throw new IOException(file + ": the end-of-text id " + eosId + " is outside the tokenizer's vocabulary [0, "
                    + vocab + ")");
        }
        HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(file, Map.of("addSpecialTokens", "false",
                "truncation", "false", "padding", "false", "maxLength", String.valueOf(Integer.MAX_VALUE / 2)));
        return new HfTokenizer(t, file, vocab, eosId, Map.copyOf(added));
    }

    private static Integer eosId(JsonNode v, Path f) throws IOException {
        if (v == null || v.isNull()) return null;
        if (v.isArray() && !v.isEmpty()) v = v.get(0);
        if (v.isInt() && v.asInt() >= 0) return v.asInt();
        throw new IOException(f + ": eos_token_id must be a non-negative integer (or a list of them), got " + v);
    }

    /**
     * Throws unless every token id fits a model whose config ({@code configFile}) has {@code vocab_size = modelVocab}
     * (a model's table may be larger than the tokenizer, as Qwen2's is, never smaller).
     */
    public void requireFits(int modelVocab, Path configFile) throws IOException {
        if (vocabSize > modelVocab) {
            throw new IOException(file + " has " + vocabSize + " token ids, but " + configFile + " has vocab_size="
                    + modelVocab + ": the tokenizer does not belong to this model");
        }
        if (eos >= modelVocab) {
            throw new IOException(file + ": end-of-text id " + eos + " is outside " + configFile + "'s vocab_size=" + modelVocab);
        }
    }

    /** The id of an added (special) token such as {@code <|im_end|>}, or -1. */
    public int tokenId(String token) { return addedTokens.getOrDefault(token, -1); }

    @Override
    public int[] encode(String text) {
        long[] ids = tok.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) out[i] = Math.toIntExact(ids[i]);
        return out;
    }

    @Override
    public String decode(int[] tokens) {
        long[] ids = new long[tokens.length];
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] < 0 || tokens[i] >= vocabSize) {
                throw new IllegalArgumentException("token id " + tokens[i] + " at index " + i
                        + " is outside the vocabulary [0, " + vocabSize + ")");
            }
            ids[i] = tokens[i];
        }
        return tok.decode(ids, false);
    }

    @Override public int vocabSize() { return vocabSize; }

    @Override
    public int eotToken() {
        if (eos < 0) throw new IllegalStateException(file + " was opened without an end-of-text id");
        return eos;
    }

    @Override public String name() { return "hf:" + file.toAbsolutePath().getParent().getFileName(); }

    @Override public void close() { tok.close(); }

    @Override public String toString() { return "Tokenizer[" + name() + ", vocab " + vocabSize + ", eot " + eos + "]"; }

    /** The special tokens of the file (added tokens), by text. */
    public List<String> addedTokens() { return List.copyOf(addedTokens.keySet()); }
}
