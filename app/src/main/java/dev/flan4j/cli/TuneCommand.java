package dev.flan4j.cli;

import dev.flan4j.backend.Backend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Instance;
import dev.flan4j.data.Mixture;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Splits;
import dev.flan4j.data.io.InstanceReader;
import dev.flan4j.experiment.Stages;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.Gpt;
import dev.flan4j.model.hf.HfGpt2;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import dev.flan4j.train.DataSource;
import dev.flan4j.train.InstanceSource;
import dev.flan4j.train.PromptEncoder;
import dev.flan4j.train.Schedule;
import dev.flan4j.train.TrainConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code flan4j tune}: instruction tuning on a FLAN mixture or on user data. */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Instruction-tune a model on a FLAN mixture of the collection's clusters (leave-cluster-out), "
                + "or on your own data (Flan Collection, Flan 2021, P3, Super-NaturalInstructions). Resumes from --out.")
public final class TuneCommand implements Callable<Integer> {
    @Mixin BackendOption backend;
    @Mixin TrainOptions train;

    @Option(names = "--from", paramLabel = "DIR", required = true,
            description = "Base model: flan4j checkpoint or run folder, or a Hugging Face GPT-2 folder.")
    Path from;

    @Option(names = "--tokenizer", paramLabel = "NAME", description = "mini-bpe (default), gpt2, or a tokenizer folder.")
    String tokenizer = "mini-bpe";

    @Option(names = "--held-out", paramLabel = "CLUSTER", split = ",",
            description = "Clusters held out (FLAN's extra exclusions apply). Default: nli.")
    List<String> heldOut;

    @Option(names = "--clusters", paramLabel = "CLUSTER", split = ",", description = "Tune on exactly these clusters instead.")
    List<String> clusters;

    @Option(names = "--format", paramLabel = "FORMAT", description = "flan (default), no_template or dataset_name.")
    String format = "flan";

    @Option(names = "--collection", paramLabel = "DIR", description = "A collection folder (default: built-in mini-FLAN).")
    Path collection;

    @Option(names = "--data", paramLabel = "FILE", description = "Tune on this file instead of a collection.")
    Path data;

    @Option(names = "--data-format", paramLabel = "FMT", description = "flan-collection, flan2021, p3 or sni (with --data).")
    String dataFormat = "flan-collection";

    @Option(names = "--loss-on", paramLabel = "WHAT", description = "targets (default) or all tokens.")
    String lossOn = "targets";

    @Option(names = "--mixing-cap", paramLabel = "N",
            description = "Mixing cap: a dataset's rate follows min(train size, N) (default: FLAN's ${DEFAULT-VALUE}).")
    int mixingCap = Mixture.Config.FLAN.maxExamples();

    @Option(names = "--turned-around", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Train on the turned-around templates too (default: yes, as FLAN).")
    boolean turnedAround;

    @Option(names = "--export-hf", paramLabel = "DIR", description = "Also export the tuned model in Hugging Face GPT-2 layout.")
    Path exportHf;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Run folder: checkpoints and metrics.")
    Path out;

    @Override
    public Integer call() throws Exception {
        boolean targetsOnly = switch (lossOn.toLowerCase(Locale.ROOT)) {
            case "targets" -> true;
            case "all" -> false;
            default -> throw new IllegalArgumentException("--loss-on must be targets or all, got '" + lossOn + "'");
        };
        PromptFormat fmt = parseFormat(format);
        Tokenizer tok = Tokenizers.byName(tokenizer);
        TrainConfig cfg = train.apply(TrainConfig.builder().batch(8, 128).lr(1e-3, 20, Schedule.Kind.CONSTANT).build());
        try (Backend be = backend.create(); CausalLm base = ModelLoader.load(from, be)) {
            ModelLoader.requireMatch(base, tok);
            Supplier<DataSource> src;
            if (data != null) {
                List<Instance> rows = InstanceReader.forFormat(dataFormat).read(data);
                if (rows.isEmpty()) throw new IllegalArgumentException("--data " + data + " holds no " + dataFormat + " examples");
                PromptEncoder enc = new PromptEncoder(tok, false);
                src = () -> new InstanceSource(rows, enc, targetsOnly, cfg.seed());
            } else {
                Collection c = Common.collection(collection);
                Splits.Split split = clusters != null
                        ? Splits.explicit(c, clusters, List.of())
                        : Splits.leaveOut(c, (heldOut == null ? List.of("nli") : heldOut).toArray(String[]::new));
                System.out.println("tuning clusters: " + split.tuneClusters());
                Mixture.Config mix = Mixture.Config.FLAN.withMaxExamples(mixingCap).withTurnedAround(turnedAround);
                src = () -> Stages.mixtureSource(tok, split.tune(), fmt, mix, targetsOnly, cfg.seed());
            }
            Stages.Stage s = Stages.tune(base, src, tok.eotToken(), cfg, out, !train.noProgress);
            try (CausalLm model = s.model()) {
                System.out.println(s.reused() ? "already finished at step " + cfg.steps() + ": " + out : s.result().summary());
                if (exportHf != null) {
                    if (!(model instanceof Gpt g)) {
                        throw new IllegalArgumentException("--export-hf writes GPT-2 folders only; the model is a "
                                + model.config().family());
                    }
                    HfGpt2.export(g, exportHf, tok.eotToken());
                    System.out.println("exported Hugging Face GPT-2 folder " + exportHf);
                }
            }
            return 0;
        }
    }

    static PromptFormat parseFormat(String s) {
        try {
            return PromptFormat.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown prompt format '" + s + "'; use one of "
                    + Arrays.toString(PromptFormat.values()).toLowerCase(Locale.ROOT));
        }
    }

}
