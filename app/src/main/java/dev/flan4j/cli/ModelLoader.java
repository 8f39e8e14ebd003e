package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.model.PretrainedModels;
import dev.flan4j.model.hf.HfGpt2;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.train.Trainer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens a model from what users point at: a flan4j checkpoint folder, a run folder (its newest checkpoint), or a
 * Hugging Face GPT-2 folder (config.json with model_type gpt2 + safetensors), or the name of a model shipped with the
 * built-in data ({@code flan4j models} lists them; a folder of that name in the working directory wins).
 */
final class ModelLoader {
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
        Path config = path.resolve("config.json");
        if (Files.isRegularFile(config) && Files.readString(config).contains("\"model_type\"")) {
            return HfGpt2.load(path, be);
        }
        return Checkpoint.load(path, be).model();
    }

    /** Throws unless the tokenizer's vocabulary is the model's. */
    static void requireMatch(CausalLm model, Tokenizer tok) {
        if (model.config().vocabSize() != tok.vocabSize()) {
            throw new IllegalArgumentException("the model has a vocabulary of " + model.config().vocabSize()
                    + " tokens but tokenizer '" + tok.name() + "' has " + tok.vocabSize() + "; pass the matching --tokenizer");
        }
    }
}
