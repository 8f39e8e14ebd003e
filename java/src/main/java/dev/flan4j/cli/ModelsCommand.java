package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Corpus;
import dev.flan4j.eval.HeldOutLoss;
import dev.flan4j.experiment.Table;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.PretrainedModels;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flan4j models}: the pretrained models shipped with the built-in data, and held-out loss of any model. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the pretrained models shipped with flan4j (load them by name wherever a model folder is taken).",
        subcommands = {ModelsCommand.Loss.class})
public final class ModelsCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        List<List<String>> rows = new ArrayList<>();
        for (PretrainedModels.Info i : PretrainedModels.list()) {
            rows.add(List.of(i.name(), String.format("%.2fM", i.number("parameters") / 1e6), i.tokenizer(),
                    String.format("%.2fM", i.number("tokens_seen") / 1e6), String.format("%.3f", i.number("held_out_loss")), i.summary()));
        }
        if (rows.isEmpty()) {
            System.out.println("no shipped models on the classpath (is flan4j-data a dependency?)");
            return 0;
        }
        System.out.print(new Table(List.of("name", "parameters", "tokenizer", "tokens seen", "held-out loss (nats/token)",
                "summary"), rows).text());
        return 0;
    }

    /** {@code flan4j models loss}: held-out language-model loss on the corpus's validation split. */
    @Command(name = "loss", mixinStandardHelpOptions = true,
            description = "Held-out loss (nats/token) and perplexity of a model on a corpus split, in windows of the "
                    + "model's block size as pretraining sees text.")
    static final class Loss implements Callable<Integer> {
        @Mixin BackendOption backend;

        @Option(names = "--model", paramLabel = "DIR|NAME", required = true,
                description = "Checkpoint, run folder, Hugging Face GPT-2 folder or shipped model name.")
        Path model;

        @Option(names = "--tokenizer", paramLabel = "NAME", description = "Tokenizer (default: ${DEFAULT-VALUE}).")
        String tokenizer = "mini-bpe";

        @Option(names = "--corpus", paramLabel = "PATH", description = "corpus.jsonl(.gz) (default: the built-in corpus).")
        Path corpus;

        @Option(names = "--split", paramLabel = "NAME", description = "Corpus split (default: ${DEFAULT-VALUE}).")
        String split = "valid";

        @Option(names = "--seq-len", paramLabel = "T", description = "Window length (default: the model's block size).")
        Integer seqLen;

        @Option(names = "--max-tokens", paramLabel = "N", description = "Score at most N tokens (default: ${DEFAULT-VALUE} = all).")
        long maxTokens;

        @Override
        public Integer call() throws Exception {
            Tokenizer tok = Tokenizers.byName(tokenizer);
            Corpus c = corpus == null ? Corpus.builtIn() : Corpus.load(corpus);
            try (Backend be = backend.create(); Gpt m = ModelLoader.load(model, be)) {
                ModelLoader.requireMatch(m, tok);
                int T = seqLen == null ? m.config().blockSize() : seqLen;
                HeldOutLoss.Result r = HeldOutLoss.of(m, tok, c.split(split), T, 8, maxTokens);
                System.out.printf("held-out loss %.4f nats/token (perplexity %.1f) on %d tokens of split '%s' in %d windows of %d%n",
                        r.loss(), r.perplexity(), r.tokens(), split, r.windows(), T);
                return 0;
            }
        }
    }
}
