package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Corpus;
import dev.flan4j.experiment.Stages;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import dev.flan4j.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flan4j pretrain}: plain language modelling on a corpus. */
@Command(name = "pretrain", mixinStandardHelpOptions = true,
        description = "Pretrain a GPT-2 from scratch (a preset) on a corpus (default: the built-in public-domain corpus). "
                + "Resumes from --out. To instruction-tune a downloaded Llama, SmolLM2 or Qwen2 folder, use tune --from DIR.")
public final class PretrainCommand implements Callable<Integer> {
    @Mixin BackendOption backend;
    @Mixin TrainOptions train;

    @Option(names = "--preset", paramLabel = "NAME", description = "Model preset: ${COMPLETION-CANDIDATES}.",
            completionCandidates = Presets.class)
    String preset = "1m";

    @Option(names = "--block-size", paramLabel = "T",
            description = "The model's block size (its position table; default: the preset's). Rows (--seq-len) may not exceed it.")
    Integer blockSize;

    @Option(names = "--tokenizer", paramLabel = "NAME", description = "mini-bpe (default), gpt2, or a tokenizer folder.")
    String tokenizer = "mini-bpe";

    @Option(names = "--corpus", paramLabel = "PATH", description = "corpus.jsonl(.gz) or a collection folder holding one.")
    Path corpus;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Run folder: checkpoints and metrics.")
    Path out;

    @Override
    public Integer call() throws Exception {
        if (!GptConfig.PRESETS.containsKey(preset.toLowerCase(Locale.ROOT)) && Files.isDirectory(Path.of(preset))) {
            throw new IllegalArgumentException("--preset " + preset + " is a folder; pretrain builds a GPT-2 from a preset ("
                    + GptConfig.PRESETS.keySet() + ") from scratch. To instruction-tune the model in that folder, use"
                    + " flan4j tune --from " + preset);
        }
        Tokenizer tok = Tokenizers.byName(tokenizer);
        TrainConfig cfg = train.apply(TrainConfig.builder().batch(8, 128).build());
        GptConfig model = GptConfig.preset(preset).withVocabSize(tok.vocabSize());
        if (blockSize != null) {
            if (blockSize < 1) throw new IllegalArgumentException("--block-size must be >= 1, got " + blockSize);
            model = model.withBlockSize(blockSize);
        }
        if (cfg.seqLen() > model.blockSize()) {
            throw new IllegalArgumentException("--seq-len " + cfg.seqLen() + " exceeds " + (blockSize != null
                    ? "--block-size " + blockSize : "preset " + preset + "'s block size " + model.blockSize())
                    + (blockSize != null ? "" : " (--block-size sets another)"));
        }
        try (Backend be = backend.create()) {
            Corpus c = corpus == null ? Corpus.builtIn() : Corpus.load(corpus);
            Stages.Stage s = Stages.pretrain(be, model, tok, c, cfg, out, !train.noProgress);
            System.out.println(s.reused() ? "already finished at step " + cfg.steps() + ": " + out : s.result().summary());
            s.model().close();
            return 0;
        }
    }

    /** Preset names for help text. */
    static final class Presets extends java.util.ArrayList<String> {
        Presets() { super(GptConfig.PRESETS.keySet()); }
    }
}
