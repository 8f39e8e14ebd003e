package example;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Backends;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Mixture;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Splits;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import dev.flan4j.train.MixtureSource;
import dev.flan4j.train.PromptEncoder;
import dev.flan4j.train.TrainConfig;
import dev.flan4j.train.TrainProgress;
import dev.flan4j.train.Trainer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * The README's library snippet, small: instruction-tunes a tiny GPT on the built-in mini-FLAN mixture with NLI held
 * out, scores it zero-shot on the held-out NLI datasets and prints the report as a table.
 * <p>
 * Arguments: steps (default 30) and the folder for run folders (default target/runs). The run folder
 * ({@code RUNS/tune}) keeps checkpoints and metrics.jsonl; running again with the same folder resumes from its newest
 * checkpoint (or, when it is finished, loads it and trains nothing).
 */
public final class TuneAndScore {
    public static void main(String[] args) throws Exception {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        Path runs = Path.of(args.length > 1 ? args[1] : "target/runs");
        long t0 = System.nanoTime();
        try (Backend be = Backends.create("auto")) {                           // cpu | cuda | auto
            Tokenizer tok = Tokenizers.byName("mini-bpe");
            GptConfig cfg = GptConfig.preset("tiny").withVocabSize(tok.vocabSize());
            try (Gpt model = Gpt.initialized(cfg, be, 1234)) {
                Collection mini = Collection.builtIn();
                Splits.Split split = Splits.leaveOut(mini, "nli");
                MixtureSource data = new MixtureSource(Mixture.flan(split.tune()), new PromptEncoder(tok, false), true, 1);
                TrainConfig train = TrainConfig.builder().steps(steps).batch(4, 128).warmup(Math.max(1, steps / 10)).build();
                Trainer.Result r = new Trainer(train, runs.resolve("tune")).progress(new PrintedProgress())
                        .train(model, data, tok.eotToken());
                System.out.println("tuned: " + r.summary());

                // 20 test and 10 dev examples per template keep this to seconds; Options.zeroShot is FLAN's setting.
                Evaluator.Options opt = new Evaluator.Options(PromptFormat.FLAN, 0, 20, 10, 16, 1);
                Evaluator.Report report = new Evaluator(model, tok, opt).evaluate(split.eval());
                print(report);
            }
        }
        System.out.printf(Locale.ROOT, "total %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /** One markdown table row per held-out dataset, then the cluster means. */
    static void print(Evaluator.Report report) {
        System.out.println();
        System.out.println("| dataset | cluster | metric | mean over templates | best-dev template | templates |");
        System.out.println("| --- | --- | --- | --- | --- | --- |");
        for (Evaluator.DatasetScore d : report.datasets()) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %.1f | %.1f (%s) | %d |%n", d.dataset(), d.cluster(),
                    d.metric(), d.mean(), d.bestDev(), d.bestTemplate(), d.templates());
        }
        for (Map.Entry<String, Double> c : report.clusterMean().entrySet()) {
            System.out.printf(Locale.ROOT, "| cluster %s | | | %.1f | %.1f | |%n", c.getKey(), c.getValue(),
                    report.clusterBestDev().getOrDefault(c.getKey(), Double.NaN));
        }
    }

    /** Training progress on stdout every tenth of the run (the library's default logs it through SLF4J). */
    static final class PrintedProgress implements TrainProgress {
        private int steps, every;

        @Override
        public void start(int startStep, int steps) {
            this.steps = steps;
            this.every = Math.max(1, steps / 10);
            if (startStep > 0) System.out.println("resuming at step " + startStep + " of " + steps);
        }

        @Override
        public void step(int step, double loss, double tokensPerSecond) {
            if (step % every == 0 || step == steps) {
                System.out.printf(Locale.ROOT, "step %d/%d loss %.4f (%.0f tokens/s)%n", step, steps, loss, tokensPerSecond);
            }
        }
    }
}
