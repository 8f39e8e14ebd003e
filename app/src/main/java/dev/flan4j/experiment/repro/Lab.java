package dev.flan4j.experiment.repro;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.Backend;
import dev.flan4j.data.Collection;
import dev.flan4j.data.Corpus;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.Example;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Template;
import dev.flan4j.eval.Evaluator;
import dev.flan4j.experiment.Recipe;
import dev.flan4j.experiment.Stages;
import dev.flan4j.model.AtomicFiles;
import dev.flan4j.model.CausalLm;
import dev.flan4j.model.GptConfig;
import dev.flan4j.tokenizer.Tokenizer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared workshop of a run set: pretrained bases, tuned models and evaluations, each kept under {@code runs} in a
 * folder named by what determines it (preset, clusters, prompt format and a hash of the settings and seed), so the
 * experiments share one pretrained base and every model or evaluation they have in common, and a rerun after an
 * interruption picks up where it stopped (Stages' run-folder reuse; evaluations are cached as JSON).
 */
public final class Lab implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Lab.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A model and the run folder it lives in. */
    public record Model(String id, String preset, Path dir, CausalLm lm, List<String> tuneClusters, PromptFormat format) {
        public boolean tuned() { return format != null; }
    }

    private final Backend be;
    private final Tokenizer tok;
    private final Collection coll;
    private final Corpus corpus;
    private final Recipe p;
    private final long seed;
    private final Path runs;
    private final boolean progress;
    private final Map<String, Model> models = new LinkedHashMap<>();
    private final List<Map<String, Object>> stages = new ArrayList<>();
    private final List<Map<String, Object>> scoring = new ArrayList<>();
    private int evalsRun, evalsCached;
    private final String launchCommit = dev.flan4j.experiment.RunInfo.gitCommit();

    public Lab(Backend be, Tokenizer tok, Collection coll, Corpus corpus, Recipe preset, long seed, Path runs,
               boolean progress) {
        this.be = be;
        this.tok = tok;
        this.coll = coll;
        this.corpus = corpus;
        this.p = preset;
        this.seed = seed;
        this.runs = runs;
        this.progress = progress;
    }

    public Recipe preset() { return p; }

    public Collection collection() { return coll; }

    public Tokenizer tokenizer() { return tok; }

    public Backend backend() { return be; }

    public long seed() { return seed; }

    /** The git commit when this lab was made: the code a long run executes, even if HEAD moves meanwhile. */
    public String launchCommit() { return launchCommit; }

    /** The architecture of a model preset with this run set's tokenizer and block size. */
    public GptConfig modelConfig(String preset) {
        return GptConfig.preset(preset).withVocabSize(tok.vocabSize()).withBlockSize(p.seqLen());
    }

    /**
     * The base of a model preset: the recipe's shipped {@link Recipe#base()} for its main model when it names one
     * (loaded once; the same weights for every seed), otherwise {@link #pretrained}.
     */
    public Model base(String preset) throws IOException {
        if (p.base() == null || !preset.equals(p.model())) return pretrained(preset);
        String id = "base-shipped-" + p.base();
        Model m = models.get(id);
        if (m != null) return m;
        long t0 = System.nanoTime();
        CausalLm lm = dev.flan4j.model.PretrainedModels.load(p.base(), be);
        GptConfig want = modelConfig(preset);
        if (!(lm.config() instanceof GptConfig got) || got.nLayer() != want.nLayer() || got.nHead() != want.nHead()
                || got.nEmbd() != want.nEmbd() || got.vocabSize() != want.vocabSize() || got.blockSize() < p.seqLen()) {
            lm.close();
            throw new IllegalArgumentException("recipe " + p.name() + ": shipped base '" + p.base() + "' is " + lm.config()
                    + ", but model preset " + preset + " with this tokenizer and " + p.seqLen() + "-token rows needs "
                    + want + " (a block of at least " + p.seqLen() + ")");
        }
        record(id, "shipped base", preset, null, null, new Stages.Stage(lm, null, true), t0);
        m = new Model(id, preset, null, lm, null, null);
        models.put(id, m);
        return m;
    }

    /** A model preset pretrained here on the corpus with the recipe's pretraining settings (once per run set and seed). */
    public Model pretrained(String preset) throws IOException {
        GptConfig cfg = modelConfig(preset);
        var train = p.pretrainConfig(seed);
        String id = "base-" + preset + "-" + hash(cfg + "|" + train + "|" + corpusKey());
        Model m = models.get(id);
        if (m != null) return m;
        long t0 = System.nanoTime();
        Stages.Stage s = Stages.pretrain(be, cfg, tok, corpus, train, runs.resolve(id), progress);
        record(id, "pretrain", preset, null, null, s, t0);
        m = new Model(id, preset, runs.resolve(id), s.model(), null, null);
        models.put(id, m);
        return m;
    }

    /** A copy of the preset's base instruction-tuned on the datasets of {@code clusters} rendered by {@code format}. */
    public Model tuned(String preset, List<String> clusters, PromptFormat format) throws IOException {
        return tuned(base(preset), clusters, format);
    }

    /** {@code base} instruction-tuned on the datasets of {@code clusters} rendered by {@code format}. */
    public Model tuned(Model base, List<String> clusters, PromptFormat format) throws IOException {
        String preset = base.preset();
        var train = p.tuneConfig(seed);
        List<Dataset> data = p.tunable(coll.datasetsIn(clusters));
        String id = "tune-" + preset + "-" + format.name().toLowerCase().replace('_', '-') + "-" + clusters.size() + "c-"
                + hash(base.id() + "|" + clusters + "|" + format + "|" + train + "|" + p.mixture() + "|" + p.tuneTasks());
        Model m = models.get(id);
        if (m != null) return m;
        long t0 = System.nanoTime();
        Stages.Stage s = Stages.tune(base.lm(), tok, data, format, p.mixture(), true, train, runs.resolve(id),
                progress);
        record(id, "tune", preset, clusters, format, s, t0);
        m = new Model(id, preset, runs.resolve(id), s.model(), List.copyOf(clusters), format);
        models.put(id, m);
        return m;
    }

    /**
     * Scores a model on the datasets of {@code clusters}: {@code format} prompts, {@code shots} exemplars, the
     * preset's example and template limits (formats without templates score one template: the others render the
     * same prompt). Cached under {@code runs/evals}.
     */
    public Evaluator.Report eval(Model m, List<String> clusters, PromptFormat format, int shots) throws IOException {
        int templates = format == PromptFormat.NO_TEMPLATE || format == PromptFormat.DATASET_NAME ? 1 : p.maxTemplates();
        Evaluator.Options opt = new Evaluator.Options(format, shots, p.evalExamples(), p.evalDev(), p.maxNewTokens(), seed);
        List<Dataset> data = coll.datasetsIn(clusters).stream().map(d -> limitTemplates(d, templates)).toList();
        String key = m.id() + "|" + opt + "|" + templates + "|" + data.stream().map(Dataset::name).toList();
        Path file = runs.resolve("evals").resolve(m.id() + "-" + hash(key) + ".json");
        Evaluator.Report r;
        if (Files.isRegularFile(file)) {
            evalsCached++;
            r = JSON.readValue(file.toFile(), Evaluator.Report.class);
        } else {
            LOG.info("evaluating {} on {} ({} prompts, {}-shot)", m.id(), clusters, format, shots);
            r = new Evaluator(m.lm(), tok, opt).onProgress(progress ? dev.flan4j.eval.ProgressLine.toStderr("eval " + m.id()) : (d, t) -> {}).evaluate(data);
            AtomicFiles.writeString(file, JSON.writeValueAsString(r));
            evalsRun++;
        }
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("model", m.id());
        e.put("clusters", clusters);
        e.put("format", format.name());
        e.put("shots", shots);
        e.put("truncation", truncationInfo(r.truncation()));
        scoring.add(e);
        return r;
    }

    /** Per dataset: prompts or sequences seen, how many were cut, the tokens dropped, the rate in percent. */
    public static Map<String, Object> truncationInfo(Map<String, dev.flan4j.train.Truncation.Rate> rates) {
        Map<String, Object> out = new LinkedHashMap<>();
        rates.forEach((d, r) -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("seen", r.total());
            m.put("truncated", r.truncated());
            m.put("tokens_dropped", r.tokensDropped());
            m.put("percent", 100 * r.rate());
            out.put(d, m);
        });
        return out;
    }

    /** Every evaluation this lab ran or read, in order, with its prompts' truncation per dataset (for run.json). */
    public List<Map<String, Object>> scoring() { return List.copyOf(scoring); }

    /** The dataset with only its first {@code n} scorable (not turned-around) templates; n = 0 keeps all. */
    public static Dataset limitTemplates(Dataset d, int n) {
        if (n == 0) return d;
        List<Template> keep = d.templates().stream().filter(t -> !t.turnedAround()).limit(n).toList();
        if (keep.size() == d.templates().size()) return d;
        return new Dataset(d.name(), d.cluster(), d.task(), d.metric(), d.options(), keep, d.card(), () -> {
            List<Example> all = new ArrayList<>();
            for (String s : d.splitNames()) all.addAll(d.examples(s));
            return all;
        });
    }

    private void record(String id, String kind, String preset, List<String> clusters, PromptFormat format,
                        Stages.Stage s, long t0) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("stage", kind);
        m.put("model_preset", preset);
        m.put("parameters", s.model().numParameters());
        if (clusters != null) m.put("tune_clusters", clusters);
        if (format != null) m.put("format", format.name());
        m.put("reused_checkpoint", s.reused());
        if (s.result() != null) {
            m.put("steps", s.result().steps());
            m.put("first_loss", s.result().losses().isEmpty() ? null : s.result().losses().get(0));
            m.put("final_loss", s.result().finalLoss());
            m.put("tokens_per_s", s.result().tokensPerSecond());
        }
        if (s.truncation() != null) m.put("truncation", truncationInfo(s.truncation().rates()));
        m.put("seconds", (System.nanoTime() - t0) / 1e9);
        stages.add(m);
    }

    /** What this lab trained or reused, for run.json. */
    public List<Map<String, Object>> stages() { return List.copyOf(stages); }

    /** Evaluations computed and evaluations read from the cache. */
    public Map<String, Integer> evalCounts() { return Map.of("computed", evalsRun, "cached", evalsCached); }

    private String corpusKey() {
        return corpus.documents().size() + ":" + coll.name() + "@" + coll.version() + ":" + tok.name();
    }

    static String hash(String s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(h, 0, 5);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        for (Model m : models.values()) m.lm().close();
        models.clear();
    }
}
