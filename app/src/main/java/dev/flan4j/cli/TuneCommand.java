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
import dev.flan4j.model.hf.HfLlama;
import dev.flan4j.model.llama.Llama;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.train.DataSource;
import dev.flan4j.train.InstanceSource;
import dev.flan4j.train.PromptEncoder;
import dev.flan4j.train.Schedule;
import dev.flan4j.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code flan4j tune}: instruction tuning on a FLAN mixture or on user data. */
@Command(name = "tune", mixinStandardHelpOptions = true,
        description = "Instruction-tune a model on a FLAN mixture of the collection's clusters (leave-cluster-out), "
                + "or on your own data (Flan Collection, Flan 2021, P3, Super-NaturalInstructions). Resumes from --out.")
public final class TuneCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin BackendOption backend;
    @Mixin TrainOptions train;

    @Option(names = "--from", paramLabel = "DIR", required = true,
            description = "Base model: flan4j checkpoint or run folder, a Hugging Face folder (GPT-2, Llama, SmolLM2, "
                    + "Qwen2) or a shipped model name.")
    Path from;

    @Option(names = "--tokenizer", paramLabel = "NAME", description = "mini-bpe, gpt2, or a tokenizer folder. "
            + "Default: mini-bpe, or the --from folder's tokenizer.json when it holds one (copied into --out).")
    String tokenizer;

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

    @Option(names = "--export-hf", paramLabel = "DIR",
            description = "Also export the tuned model as a Hugging Face folder (GPT-2 or Llama/Qwen2 layout, as the base).")
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
        Tokenizer tok = ModelLoader.tokenizer(tokenizer, from, spec.commandLine().getErr());
        Path tokFolder = tokenizer == null ? ModelLoader.tokenizerFolder(from).orElse(null) : folderOf(Path.of(tokenizer));
        TrainConfig cfg = train.apply(TrainConfig.builder().batch(8, 128).lr(1e-3, 20, Schedule.Kind.CONSTANT).build());
        try (Backend be = backend.create(); CausalLm base = ModelLoader.load(from, be)) {
            ModelLoader.requireMatch(base, tok);
            ModelLoader.copyTokenizer(tok, tokFolder, out);   // so that eval --model OUT finds it
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
                if (exportHf != null) export(model, tok, tokFolder);
            }
            return 0;
        }
    }

    /** Writes the tuned model to --export-hf in its family's Hugging Face layout, with the tokenizer files. */
    private void export(CausalLm model, Tokenizer tok, Path tokFolder) throws java.io.IOException {
        String layout;
        if (model instanceof Gpt g) {
            HfGpt2.export(g, exportHf, tok.eotToken());
            layout = "GPT-2";
        } else if (model instanceof Llama l) {
            HfLlama.export(l, exportHf, ModelLoader.bosTokenId(tokFolder, l.config().vocabSize()), tok.eotToken());
            layout = l.config().modelType();
        } else {
            throw new IllegalArgumentException("--export-hf: no Hugging Face layout for a " + model.config().family() + " model");
        }
        ModelLoader.copyTokenizer(tok, tokFolder, exportHf);
        System.out.println("exported Hugging Face " + layout + " folder " + exportHf);
    }

    /** The folder of a tokenizer given as a path (the folder itself, or a tokenizer.json's), or null for a name. */
    private static Path folderOf(Path p) {
        if (Files.isDirectory(p)) return p;
        return Files.isRegularFile(p) ? p.toAbsolutePath().getParent() : null;
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
