package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.eval.Greedy;
import dev.flan4j.model.Gpt;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import dev.flan4j.train.PromptEncoder;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flan4j generate}: greedy decoding with a KV cache. */
@Command(name = "generate", mixinStandardHelpOptions = true, description = "Greedy generation from a prompt.")
public final class GenerateCommand implements Callable<Integer> {
    @Mixin BackendOption backend;

    @Option(names = "--model", paramLabel = "DIR", required = true) Path model;
    @Option(names = "--tokenizer", paramLabel = "NAME") String tokenizer = "mini-bpe";
    @Option(names = "--prompt", paramLabel = "TEXT", required = true) String prompt;
    @Option(names = "--max-tokens", paramLabel = "N") int maxTokens = 64;
    @Option(names = "--stop", paramLabel = "TEXT", description = "Stop string (repeatable).") List<String> stops = List.of();
    @Option(names = "--continuation", description = "Plain continuation (no end-of-text between prompt and answer).") boolean continuation;

    @Override
    public Integer call() throws Exception {
        if (maxTokens <= 0) throw new IllegalArgumentException("--max-tokens must be > 0, got " + maxTokens);
        Tokenizer tok = Tokenizers.byName(tokenizer);
        try (Backend be = backend.create(); Gpt m = ModelLoader.load(model, be); Greedy g = new Greedy(m, tok::decode)) {
            ModelLoader.requireMatch(m, tok);
            int[] p = new PromptEncoder(tok, continuation).prompt(prompt);
            Greedy.Result r = g.generate(p, maxTokens, tok.eotToken(), stops);
            System.out.println(r.text());
            return 0;
        }
    }
}
