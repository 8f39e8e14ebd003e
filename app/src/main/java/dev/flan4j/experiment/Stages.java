package dev.flan4j.experiment;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Corpus;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.Mixture;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Checkpoint;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.model.ModelConfig;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.train.CorpusSource;
import dev.flan4j.train.DataSource;
import dev.flan4j.train.MixtureSource;
import dev.flan4j.train.PromptEncoder;
import dev.flan4j.train.TrainConfig;
import dev.flan4j.train.TrainProgress;
import dev.flan4j.train.Trainer;
import dev.flan4j.train.Truncation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FLAN pipeline's stages as plain functions: pretrain a base LM on the corpus, instruction-tune a copy of it on
 * a mixture. Each stage trains in its own run folder and, when that folder already holds the final checkpoint,
 * loads it instead of training again (so experiments share one pretrained base, and an interrupted run resumes).
 */
public final class Stages {
    private static final Logger LOG = LoggerFactory.getLogger(Stages.class);

    private Stages() {}

    /**
     * The outcome of a stage: the model, how it was obtained, and (tuning on a mixture, when it trained) how many
     * training sequences of each dataset were cut to fit the rows (null otherwise).
     */
    public record Stage(CausalLm model, Trainer.Result result, boolean reused, Truncation truncation) {
        public Stage(CausalLm model, Trainer.Result result, boolean reused) { this(model, result, reused, null); }
    }

    /** Pretrains (or reuses) a base model in {@code runDir}: a GPT-2 of {@code cfg} from scratch. */
    public static Stage pretrain(Backend be, GptConfig cfg, Tokenizer tok, Corpus corpus, TrainConfig train, Path runDir,
                                 boolean progress) throws IOException {
        Optional<CausalLm> done = finished(be, cfg, train, runDir);
        if (done.isPresent()) return new Stage(done.get(), null, true);
        Gpt model = Gpt.initialized(cfg, be, train.seed());
        CorpusSource src = new CorpusSource(corpus.split("train"), tok, train.seqLen(), train.seed());
        Trainer t = new Trainer(train, runDir);
        t.progress(progress ? new ProgressBarProgress() : TrainProgress.NONE);
        LOG.info("pretraining {} parameters for {} steps in {}", model.numParameters(), train.steps(), runDir);
        return new Stage(model, t.train(model, src, tok.eotToken()), false);
    }

    /** Instruction-tunes a copy of {@code base} on the datasets' mixture (or reuses a finished run). */
    public static Stage tune(CausalLm base, Tokenizer tok, List<Dataset> datasets, PromptFormat format, Mixture.Config mix,
                             boolean lossOnTargetsOnly, TrainConfig train, Path runDir, boolean progress) throws IOException {
        return tune(base, () -> mixtureSource(tok, datasets, format, mix, lossOnTargetsOnly, train.seed()),
                tok.eotToken(), train, runDir, progress);
    }

    /**
     * Instruction-tunes a copy of {@code base} on the sequences of {@code data} (made only when training starts),
     * packed with {@code padToken}; a finished run in {@code runDir} is reused, an interrupted one resumed.
     */
    public static Stage tune(CausalLm base, Supplier<DataSource> data, int padToken, TrainConfig train, Path runDir,
                             boolean progress) throws IOException {
        Backend be = base.backend();
        Optional<CausalLm> done = finished(be, base.config(), train, runDir);
        if (done.isPresent()) return new Stage(done.get(), null, true);
        CausalLm model = base.config().newModel(be);
        model.loadParameters(be.toArray(base.parameterData()));
        Trainer t = new Trainer(train, runDir);
        t.progress(progress ? new ProgressBarProgress() : TrainProgress.NONE);
        LOG.info("instruction tuning for {} steps in {}", train.steps(), runDir);
        try {
            DataSource src = data.get();
            Trainer.Result r = t.train(model, src, padToken);
            return new Stage(model, r, false, src instanceof MixtureSource ms ? ms.truncation() : null);
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The FLAN mixture of {@code datasets} as training sequences (prompt + target, loss on the target by default). */
    public static MixtureSource mixtureSource(Tokenizer tok, List<Dataset> datasets, PromptFormat format,
                                              Mixture.Config mix, boolean lossOnTargetsOnly, long seed) {
        return new MixtureSource(new Mixture(datasets, format, mix), new PromptEncoder(tok, false), lossOnTargetsOnly, seed);
    }

    /** The model of a run folder whose last checkpoint is the final step, if there is one. */
    private static Optional<CausalLm> finished(Backend be, ModelConfig cfg, TrainConfig train, Path runDir) throws IOException {
        Path last = runDir.resolve("checkpoints").resolve(String.format("step-%08d", train.steps()));
        if (!Files.isDirectory(last)) return Optional.empty();
        CausalLm m = Checkpoint.load(last, be).model();
        if (!m.config().equals(cfg)) {
            m.close();
            throw new IllegalStateException(runDir + " holds a model " + m.config() + ", this run needs " + cfg
                    + "; use another output folder");
        }
        LOG.info("reusing the finished run in {}", runDir);
        return Optional.of(m);
    }
}
