package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.model.CausalLm;
import dev.flan4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --model}, {@code --tokenizer} and {@code --allow-non-finite}, shared by the commands that run a model. */
final class ModelOptions {
    @Option(names = "--model", paramLabel = "DIR", required = true,
            description = "Checkpoint or run folder, Hugging Face folder (GPT-2, Llama, SmolLM2, Qwen2) or shipped model name.")
    Path model;

    @Option(names = "--tokenizer", paramLabel = "NAME", description = "mini-bpe, gpt2, or a tokenizer folder. "
            + "Default: mini-bpe, or the model folder's tokenizer.json when it holds one.")
    String tokenizer;

    @Option(names = "--allow-non-finite", description = "Load weights holding NaN or infinity (debugging only).")
    boolean allowNonFinite;

    /** The tokenizer to use (see {@link ModelLoader#tokenizer}); says on {@code notes} when it is the folder's. */
    Tokenizer tokenizer(PrintWriter notes) { return ModelLoader.tokenizer(tokenizer, model, notes); }

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
