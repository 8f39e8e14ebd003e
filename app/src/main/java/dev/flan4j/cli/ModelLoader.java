package dev.flan4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.Backend;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.model.PretrainedModels;
import dev.flan4j.model.hf.HfGpt2;
import dev.flan4j.model.hf.HfLlama;
import dev.flan4j.tokenizer.HfTokenizer;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import dev.flan4j.train.Trainer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Opens a model from what users point at: a flan4j checkpoint folder of either family (GPT-2 or Llama), a run folder
 * (its newest checkpoint), a Hugging Face folder (config.json + safetensors) whose {@code model_type} is gpt2, llama or
 * qwen2, or the name of a model shipped with the built-in data ({@code flan4j models} lists them; a folder of that
 * name in the working directory wins). Finds the tokenizer that goes with it: the folder's {@code tokenizer.json}.
 */
final class ModelLoader {
    /** The Hugging Face model_types a folder may declare. */
    static final List<String> MODEL_TYPES = Stream.concat(Stream.of("gpt2"), HfLlama.MODEL_TYPES.stream()).sorted().toList();
    /** Hugging Face tokenizer files copied along with a model (run folders, exports), when the source has them. */
    static final List<String> TOKENIZER_FILES = List.of(HfTokenizer.FILE, "tokenizer_config.json", "special_tokens_map.json",
            "generation_config.json");
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelLoader() {}

    static CausalLm load(Path path, Backend be) throws IOException {
        if (!Files.exists(path) && PretrainedModels.find(path.toString()).isPresent()) {
            return PretrainedModels.load(path.toString(), be);
        }
        if (!Files.isDirectory(path)) {
            throw new IOException("model folder " + path + " does not exist (shipped models: "
                    + PretrainedModels.list().stream().map(PretrainedModels.Info::name).toList() + ")");
        }
        if (Files.isDirectory(path.resolve("checkpoints"))) {
            Path run = path;
            path = Trainer.latestCheckpoint(run).orElseThrow(() -> new IOException("run folder " + run + " has no checkpoint yet"));
        }
        Path config = path.resolve(Checkpoint.CONFIG);
        JsonNode modelType = readModelType(config);
        if (modelType == null) return Checkpoint.load(path, be).model();
        if (modelType.isTextual() && modelType.asText().equals("gpt2")) return HfGpt2.load(path, be);
        if (modelType.isTextual() && HfLlama.MODEL_TYPES.contains(modelType.asText())) return HfLlama.load(path, be);
        throw new IOException(config + ": model_type is " + modelType + "; flan4j opens Hugging Face folders of model_type "
                + MODEL_TYPES + " (GPT-2; Llama, SmolLM2, TinyLlama; Qwen2)");
    }

    /**
     * The {@code model_type} of a Hugging Face config.json; null for a flan4j checkpoint's (it has an
     * {@code architecture} field) or an unreadable file.
     */
    private static JsonNode readModelType(Path config) {
        if (!Files.isRegularFile(config)) return null;
        try {
            JsonNode root = JSON.readTree(config.toFile());
            return root != null && root.isObject() && !root.has("architecture") ? root.get("model_type") : null;
        } catch (IOException e) {
            return null;   // Checkpoint.load reports the broken file
        }
    }

    /**
     * The tokenizer for the model at {@code model}: {@code given} (a name or folder) when not null; else the
     * {@code tokenizer.json} of the model folder (for a checkpoint under {@code RUN/checkpoints/}, of the run folder)
     * when it holds one; else mini-bpe.
     */
    static Tokenizer tokenizer(String given, Path model, PrintWriter notes) {
        if (given != null) return Tokenizers.byName(given);
        Optional<Path> dir = tokenizerFolder(model);
        if (dir.isEmpty()) return Tokenizers.byName("mini-bpe");
        Tokenizer t = Tokenizers.byName(dir.get().toString());
        notes.println("tokenizer: " + t.name() + " (" + dir.get().resolve(HfTokenizer.FILE) + "; --tokenizer picks another)");
        notes.flush();
        return t;
    }

    /** The folder whose tokenizer.json goes with the model at {@code model}, if there is one. */
    static Optional<Path> tokenizerFolder(Path model) {
        if (model == null || !Files.isDirectory(model)) return Optional.empty();
        if (Files.isRegularFile(model.resolve(HfTokenizer.FILE))) return Optional.of(model);
        Path parent = model.toAbsolutePath().getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("checkpoints")
                && Files.isRegularFile(parent.getParent().resolve(HfTokenizer.FILE))) {
            return Optional.of(parent.getParent());
        }
        return Optional.empty();
    }

    /**
     * Copies the Hugging Face tokenizer files of {@code from} (those it has of {@link #TOKENIZER_FILES}) into {@code to},
     * so that a run folder or an exported model carries its tokenizer. When {@code from} has no
     * {@code generation_config.json}, one holding the tokenizer's end-of-text id (and the BOS id of {@code from}'s
     * config.json, if any) is written, so the copy reads back with the same end-of-text token. Does nothing unless
     * {@code tok} is a Hugging Face tokenizer read from {@code from}.
     */
    static void copyTokenizer(Tokenizer tok, Path from, Path to) throws IOException {
        if (!(tok instanceof HfTokenizer) || from == null) return;
        AtomicFiles.createDirectories(to);
        for (String f : TOKENIZER_FILES) {
            Path src = from.resolve(f);
            if (Files.isRegularFile(src)) AtomicFiles.writeString(to.resolve(f), Files.readString(src));
        }
        if (!Files.isRegularFile(from.resolve("generation_config.json"))) {
            Map<String, Object> gen = new LinkedHashMap<>();
            Integer bos = bosTokenId(from, tok.vocabSize());
            if (bos != null) gen.put("bos_token_id", bos);
            gen.put("eos_token_id", tok.eotToken());
            AtomicFiles.writeString(to.resolve("generation_config.json"),
                    JSON.writerWithDefaultPrettyPrinter().writeValueAsString(gen) + "\n");
        }
    }

    /**
     * The beginning-of-sequence id that {@code folder}'s generation_config.json or config.json declares (the first
     * that has one), or null when neither does, the folder is null, or the id is outside [0, vocab).
     */
    static Integer bosTokenId(Path folder, int vocab) throws IOException {
        if (folder == null) return null;
        for (String name : List.of("generation_config.json", Checkpoint.CONFIG)) {
            Path f = folder.resolve(name);
            if (!Files.isRegularFile(f)) continue;
            JsonNode v = JSON.readTree(f.toFile()).path("bos_token_id");
            if (v.isInt()) return v.asInt() >= 0 && v.asInt() < vocab ? v.asInt() : null;
        }
        return null;
    }

    /**
     * Throws unless the tokenizer's vocabulary is the model's. A Hugging Face tokenizer may have fewer ids than the
     * model's embedding table (Qwen2's table is padded), never more.
     */
    static void requireMatch(CausalLm model, Tokenizer tok) {
        int mv = model.config().vocabSize(), tv = tok.vocabSize();
        boolean hf = tok instanceof HfTokenizer;
        if (hf ? tv > mv || tok.eotToken() >= mv : tv != mv) {
            throw new IllegalArgumentException("the model has a vocabulary of " + mv + " tokens but tokenizer '"
                    + tok.name() + "' has " + tv + (hf ? " (end of text " + tok.eotToken() + ")" : "")
                    + "; pass the matching --tokenizer");
        }
    }
}
