package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.Example;
import dev.flan4j.data.Mixture;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Template;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole instruction-tuning path at tiny scale: mixture -> packer -> trainer -> scorer on ~200 examples of one
 * classification dataset. Trained until the target loss is near zero, the model must then rank the gold option first
 * on those same examples. A scorer that scores the wrong tokens, or a trainer that trains on the wrong positions (or
 * an encoder whose training targets differ from the scored options), cannot pass.
 */
class WholePathOverfitTest {
    /** Enough AdamW steps for the tiny model to memorise 192 short reviews (about 20 passes over them). */
    static final int STEPS = 500;
    @TempDir Path dir;

    @Test
    void memorisesAndScoresTheExamplesItWasTunedOn() throws Exception {
        Tokenizer tok = Tokenizers.byName("mini-bpe");
        Dataset yelp = Collection.builtIn().dataset("sentiment_yelp");
        Template t = PromptFormat.FLAN.templates(yelp).stream().filter(x -> !x.turnedAround()).findFirst().orElseThrow();
        PromptEncoder enc = new PromptEncoder(tok, false);
        // examples whose whole sequence fits the block, so that no truncation rule is involved
        List<Example> train = yelp.examples("train").stream()
                .filter(e -> enc.sequence(PromptFormat.FLAN.render(yelp, e, t), true).tokens().length <= 64)
                .limit(192).toList();
        assertEquals(192, train.size());
        Dataset small = Dataset.of("yelp_small", yelp.cluster(), yelp.task(), yelp.metric(), yelp.options(), List.of(t),
                train.stream().map(e -> new Example(e.id(), "train", e.fields(), e.answer(), e.options())).toList());
        Dataset asTest = Dataset.of("yelp_small", yelp.cluster(), yelp.task(), yelp.metric(), yelp.options(), List.of(t),
                train.stream().map(e -> new Example(e.id(), "test", e.fields(), e.answer(), e.options())).toList());
        long positives = train.stream().filter(e -> e.answer().equals(yelp.options().get(1))).count();

        try (Backend be = new CpuBackend()) {
            GptConfig cfg = GptConfig.preset("tiny").withVocabSize(tok.vocabSize()).withBlockSize(64);
            Gpt model = Gpt.initialized(cfg, be, 7);
            MixtureSource src = new MixtureSource(new Mixture(List.of(small), PromptFormat.FLAN, Mixture.Config.FLAN),
                    enc, true, 3);
            TrainConfig tc = TrainConfig.builder().steps(STEPS).batch(8, 64)
                    .lr(3e-3, 20, Schedule.Kind.CONSTANT).seed(3).checkpoints(0, 1).build();
            Trainer.Result r = new Trainer(tc, dir).quiet().train(model, src, tok.eotToken());
            double last = r.losses().subList(r.losses().size() - 20, r.losses().size()).stream()
                    .mapToDouble(Double::doubleValue).average().orElseThrow();
            // targets are the label and the end-of-text after it: a model that ignores the review scores about
            // ln(2) / 2 = 0.35 nats per target token, one that has memorised the labels close to 0
            assertTrue(last < 0.05, "target loss should be near zero after memorising, got " + last);

            Evaluator.Report rep = new Evaluator(model, tok,
                    new Evaluator.Options(PromptFormat.FLAN, 0, 0, 0, 8, 1)).evaluate(List.of(asTest));
            double acc = rep.datasets().get(0).mean();
            assertEquals(1, rep.datasets().get(0).templates());
            assertTrue(acc >= 95, "accuracy on the memorised examples must be >= 95%, got " + acc
                    + " (majority " + 100.0 * Math.max(positives, train.size() - positives) / train.size() + ")");
            model.close();
        }
    }
}
