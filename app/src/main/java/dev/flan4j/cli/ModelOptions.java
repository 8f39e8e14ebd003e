package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.CausalLm;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model}, {@code --tokenizer} and {@code --allow-non-finite}, shared by the commands that run a model. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR", required = true, description = "Checkpoint, run folder or Hugging Face GPT-2 folder.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "NAME", description = "mini-bpe, gpt2, or a tokenizer folder.")
    String tokenizer = "mini-bpe";

    @Option(names = "--allow-non-finite", description = "Load weights holding NaN or infinity (debugging only).")
    boolean allowNonFinite;

    Tokenizer tokenizer() { return Tokenizers.byName(tokenizer); }

    /** The model on {@code be}, checked against {@code tok}'s vocabulary. */
    CausalLm load(Backend be, Tokenizer tok) throws IOException {
        CausalLm m = Common.loadModel(model, be, allowNonFinite);
        try {
            ModelLoader.requireMatch(m, tok);
            return m;
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
    }
}
