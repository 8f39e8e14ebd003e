package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.eval.Greedy;
import dev.flan4j.model.CausalLm;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.train.PromptEncoder;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flan4j generate}: greedy decoding with a KV cache. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Greedy generation from a prompt.")
public final class GenerateCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOption backend;

    @Mixin ModelOptions modelOptions;
    @Option(names = "--prompt", paramLabel = "TEXT", required = true, description = "The instruction or text to continue.")
    String prompt;
    @Option(names = "--max-tokens", paramLabel = "N", description = "Most tokens to generate (at most what the model's block leaves after the prompt).")
    int maxTokens = 64;
    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop string (repeatable).") List<String> stops = List.of();
    @Option(names = "--continuation", description = "Plain continuation (no end-of-text between prompt and answer).") boolean continuation;

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0) throw new IllegalArgumentException("--max-tokens must be > 0, got " + maxTokens);
        Tokenizer tok = modelOptions.tokenizer(spec.commandLine().getErr());
        try (Backend be = backend.create(); CausalLm m = modelOptions.load(be, tok); Greedy g = new Greedy(m, tok::decode)) {
            int[] p = new PromptEncoder(tok, continuation).prompt(prompt);
            int n = clampMaxTokens(maxTokens, p.length, m.config().blockSize());
            if (n != maxTokens) {
                spec.commandLine().getErr().println("note: --max-tokens " + maxTokens + " clamped to " + n + ": the model's block of "
                        + m.config().blockSize() + " tokens holds " + p.length + " prompt tokens");
            }
            Greedy.Result r = g.generate(p, n, tok.eotToken(), stops);
            System.out.println(r.text());
            return 0;
        }
    }

    /** The tokens that fit after the prompt in the model's block (at least one: a longer prompt is cut from the left). */
    static int clampMaxTokens(int maxTokens, int promptTokens, int blockSize) {
        return Math.min(maxTokens, Math.max(1, blockSize - promptTokens));
    }
}
