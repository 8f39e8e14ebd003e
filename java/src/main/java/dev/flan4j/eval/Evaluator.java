package dev.flan4j.eval;

import dev.flan4j.data.Dataset;
import dev.flan4j.data.Example;
import dev.flan4j.data.FewShot;
import dev.flan4j.data.Instance;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.Splits;
import dev.flan4j.data.TaskType;
import dev.flan4j.data.Template;
import dev.flan4j.eval.metrics.Bleu;
import dev.flan4j.eval.metrics.ExactMatch;
import dev.flan4j.eval.metrics.Rouge;
import dev.flan4j.eval.metrics.TokenF1;
import dev.flan4j.model.CausalLm;
import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.train.PromptEncoder;
import dev.flan4j.train.PromptFit;
import dev.flan4j.train.Truncation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * FLAN's evaluation protocol on a model: every scorable template (not turned around) of every dataset, on the test
 * split and on the dev split; rank classification for classification tasks (acc as FLAN, with lm-evaluation-harness's
 * acc_norm and acc_bytes beside it), greedy
 * generation scored with the dataset's metric otherwise. Per dataset: the mean over templates and the test score of
 * the template best on dev. Per cluster: the mean of its datasets. Zero-shot by default, k-shot with exemplars from
 * train ({@link FewShot}: FLAN's separator layout for instruction formats, lm-evaluation-harness's for continuation
 * prompts; the report counts how many exemplars each prompt kept). All scores are on a 0-100 scale.
 * <p>
 * Prompts longer than the model's block (less room for the longest option or the generation budget) are cut as FLAN
 * cuts inputs ({@link PromptFit#prompt}: the end goes, OPTIONS lists stay); the report counts them per dataset.
 */
public final class Evaluator {
    /**
     * @param format        prompt format (GPT3_CONTINUATION for untuned models: continuation prompts, no OPTIONS)
     * @param shots         exemplars per prompt (0 = zero-shot)
     * @param maxExamples   test examples per template (first in file order; 0 = all)
     * @param maxDev        dev examples per template for best-template selection (0 = skip)
     * @param maxNewTokens  generation budget
     * @param seed          seed of few-shot exemplar sampling
     */
    public record Options(PromptFormat format, int shots, int maxExamples, int maxDev, int maxNewTokens, long seed) {
        public Options {
            if (format == null) throw new IllegalArgumentException("format is null");
            if (shots < 0) throw new IllegalArgumentException("shots must be >= 0, got " + shots);
            if (maxExamples < 0) throw new IllegalArgumentException("maxExamples must be >= 0, got " + maxExamples);
            if (maxDev < 0) throw new IllegalArgumentException("maxDev must be >= 0, got " + maxDev);
            if (maxNewTokens <= 0) throw new IllegalArgumentException("maxNewTokens must be > 0, got " + maxNewTokens);
        }

        public static Options zeroShot(PromptFormat format) { return new Options(format, 0, 200, 50, 32, 1); }
    }

    /**
     * One template's score on one split. For classification {@code score} is FLAN's rank-classification accuracy
     * (lm-evaluation-harness's {@code acc}), {@code accNorm} lm-evaluation-harness's {@code acc_norm} (log-likelihood
     * per character) and {@code accBytes} its {@code acc_bytes} (per UTF-8 byte); both are NaN for generation tasks.
     */
    public record TemplateScore(String dataset, String cluster, String template, String split, String metric,
                                double score, double accNorm, double accBytes, int n) {}

    /** One dataset: mean over templates and the best-dev template's test score. */
    public record DatasetScore(String dataset, String cluster, String metric, double mean, double bestDev,
                               String bestTemplate, double minTemplate, double maxTemplate, int templates) {}

    /**
     * Everything one evaluation produced.
     *
     * @param truncation    per dataset, how many of the scored prompts (test and dev, every template) were cut to
     *                      fit the block
     * @param exemplarsKept per dataset (k-shot only), how many prompts kept 0, 1, ... k exemplars within the budget
     */
    public record Report(List<TemplateScore> templates, List<DatasetScore> datasets,
                         Map<String, Double> clusterMean, Map<String, Double> clusterBestDev,
                         Map<String, Truncation.Rate> truncation, Map<String, List<Integer>> exemplarsKept) {
        @com.fasterxml.jackson.annotation.JsonCreator
        public Report {
            truncation = truncation == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(truncation));
            exemplarsKept = exemplarsKept == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(exemplarsKept));
        }

        /** A report without truncation or exemplar counts (e.g. merged from parts). */
        public Report(List<TemplateScore> templates, List<DatasetScore> datasets,
                      Map<String, Double> clusterMean, Map<String, Double> clusterBestDev) {
            this(templates, datasets, clusterMean, clusterBestDev, Map.of(), Map.of());
        }
    }

    private final CausalLm model;
    private final Tokenizer tok;
    private final Options opt;
    private final PromptEncoder enc;
    private Progress progress = (done, total) -> {};

    /** Told after each template is scored on a split: examples scored so far and the run's total. */
    public interface Progress {
        void scored(long done, long total);
    }
    private Truncation truncation = new Truncation();
    private Map<String, int[]> exemplarsKept = new LinkedHashMap<>();

    public Evaluator(CausalLm model, Tokenizer tokenizer, Options options) {
        this.model = model;
        this.tok = tokenizer;
        this.opt = options;
        this.enc = new PromptEncoder(tokenizer, options.format() == PromptFormat.GPT3_CONTINUATION);
    }

    /** Reports progress to {@code p} (e.g. a progress bar) during {@link #evaluate}. */
    public Evaluator onProgress(Progress p) {
        this.progress = p;
        return this;
    }

    /** Evaluates every dataset. */
    public Report evaluate(List<Dataset> datasets) {
        long total = 0, done = 0;
        for (Dataset d : datasets) {
            long n = opt.format().templates(d).stream().filter(t -> !t.turnedAround()).count();
            total += n * (head(d.examples("test"), opt.maxExamples()).size()
                    + (opt.maxDev() == 0 ? 0 : head(Splits.dev(d), opt.maxDev()).size()));
        }
        truncation = new Truncation();
        exemplarsKept = new LinkedHashMap<>();
        List<TemplateScore> all = new ArrayList<>();
        List<DatasetScore> ds = new ArrayList<>();
        for (Dataset d : datasets) {
            List<Template> templates = opt.format().templates(d).stream().filter(t -> !t.turnedAround()).toList();
            if (templates.isEmpty()) throw new IllegalArgumentException("dataset " + d.name() + " has no scorable template");
            List<Example> test = head(d.examples("test"), opt.maxExamples());
            List<Example> dev = opt.maxDev() == 0 ? List.of() : head(Splits.dev(d), opt.maxDev());
            double sum = 0, min = Double.MAX_VALUE, max = -Double.MAX_VALUE, bestDev = -1, bestTest = Double.NaN;
            String best = null;
            for (Template t : templates) {
                TemplateScore ts = score(d, t, "test", test);
                all.add(ts);
                progress.scored(done += ts.n(), total);
                sum += ts.score();
                min = Math.min(min, ts.score());
                max = Math.max(max, ts.score());
                double devScore = ts.score();
                if (!dev.isEmpty()) {
                    TemplateScore dv = score(d, t, "dev", dev);
                    all.add(dv);
                    progress.scored(done += dv.n(), total);
                    devScore = dv.score();
                }
                if (devScore > bestDev) {
                    bestDev = devScore;
                    bestTest = ts.score();
                    best = t.name();
                }
            }
            ds.add(new DatasetScore(d.name(), d.cluster(), d.metric().id(), sum / templates.size(), bestTest, best,
                    min, max, templates.size()));
        }
        Map<String, List<DatasetScore>> byCluster = new LinkedHashMap<>();
        for (DatasetScore s : ds) byCluster.computeIfAbsent(s.cluster(), k -> new ArrayList<>()).add(s);
        Map<String, Double> mean = new LinkedHashMap<>(), bestDev = new LinkedHashMap<>();
        byCluster.forEach((c, list) -> {
            mean.put(c, list.stream().mapToDouble(DatasetScore::mean).average().orElse(Double.NaN));
            bestDev.put(c, list.stream().mapToDouble(DatasetScore::bestDev).average().orElse(Double.NaN));
        });
        Map<String, List<Integer>> kept = new LinkedHashMap<>();
        exemplarsKept.forEach((name, counts) -> kept.put(name, Arrays.stream(counts).boxed().toList()));
        return new Report(all, ds, mean, bestDev, new LinkedHashMap<>(truncation.rates()), kept);
    }

    private static List<Example> head(List<Example> list, int n) {
        return n == 0 || list.size() <= n ? list : list.subList(0, n);
    }

    /**
     * The prompt tokens of example e under template t within {@code budget} tokens. Zero-shot: the instance's prompt,
     * fitted. k-shot: FLAN's 960-token budget, or less when the model's block (minus the answer) is shorter, so whole
     * exemplars are dropped instead of the prompt being cut mid-exemplar; the number kept is counted per dataset.
     */
    private int[] promptTokens(Dataset d, Example e, Template t, Instance query, int budget) {
        if (opt.shots() == 0) return fit(d, query, budget);
        FewShot fs = new FewShot(opt.shots(), Math.max(1, Math.min(FewShot.FLAN_MAX_TOKENS, budget)), tok::count);
        FewShot.Prompt p = fs.prompt(d, e, t, opt.format(), opt.seed());
        exemplarsKept.computeIfAbsent(d.name(), k -> new int[opt.shots() + 1])[p.kept()]++;
        if (p.layout() == FewShot.Layout.CONTINUATION) return fit(d, p.instance(), budget);
        List<int[]> parts = new ArrayList<>();
        int n = 0;
        for (Instance x : p.exemplars()) {   // each exemplar as a tuning document: input EOT target EOT
            int[] doc = enc.sequence(x, true).tokens();
            parts.add(doc);
            n += doc.length;
        }
        int[] q = fit(d, query, budget - n);
        int[] out = new int[n + q.length];
        int at = 0;
        for (int[] doc : parts) {
            System.arraycopy(doc, 0, out, at, doc.length);
            at += doc.length;
        }
        System.arraycopy(q, 0, out, at, q.length);
        return out;
    }

    /** Scores one template on some examples. */
    TemplateScore score(Dataset d, Template t, String split, List<Example> examples) {
        if (examples.isEmpty()) throw new IllegalArgumentException("dataset " + d.name() + " has no " + split + " examples");
        if (d.task() == TaskType.CLASSIFICATION) {
            RankScorer.Accuracy acc = RankScorer.accuracy(rank(d, t, examples));
            return new TemplateScore(d.name(), d.cluster(), t.name(), split, "accuracy", 100 * acc.acc(),
                    100 * acc.accNorm(), 100 * acc.accBytes(), acc.count());
        }
        List<String> predictions = generate(d, t, examples);
        List<List<String>> references = new ArrayList<>();
        for (Example e : examples) references.add(List.of(opt.format().render(d, e, t).target()));
        return new TemplateScore(d.name(), d.cluster(), t.name(), split, d.metric().id(),
                generationScore(d, predictions, references), Double.NaN, Double.NaN, predictions.size());
    }

    /**
     * Rank classification of a classification dataset's examples under one template, as {@link #evaluate} scores
     * them: per example every option's log-likelihood given the (fitted) prompt, and the acc / acc_norm / acc_bytes
     * predictions.
     */
    public List<RankScorer.Result> rank(Dataset d, Template t, List<Example> examples) {
        if (d.task() != TaskType.CLASSIFICATION) throw new IllegalArgumentException("dataset " + d.name() + " is not classification");
        List<RankScorer.Example> items = new ArrayList<>();
        for (Example e : examples) {
            Instance inst = opt.format().render(d, e, t);
            List<String> options = inst.options();
            int gold = options.indexOf(inst.target());
            if (gold < 0) {
                throw new IllegalStateException("dataset " + d.name() + " example " + e.id() + ": answer '" + inst.target()
                        + "' is not among its options " + options);
            }
            List<int[]> optTokens = new ArrayList<>();
            int[] chars = new int[options.size()], bytes = new int[options.size()];
            for (int i = 0; i < options.size(); i++) {
                optTokens.add(enc.continuationTokens(options.get(i)));
                chars[i] = RankScorer.chars(options.get(i));
                bytes[i] = RankScorer.bytes(options.get(i));
            }
            int longest = optTokens.stream().mapToInt(o -> o.length).max().orElse(1);
            items.add(new RankScorer.Example(promptTokens(d, e, t, inst, model.config().blockSize() - longest + 1), optTokens,
                    chars, bytes, gold));
        }
        int capacity = RankScorer.capacityFor(items, model.config().blockSize());
        return inParallel(items, () -> new RankScorer(model, capacity), RankScorer::score);
    }

    /**
     * Greedy generations for examples under one template, as {@link #evaluate} scores them (stripped; continuation
     * prompts stop at a newline).
     */
    public List<String> generate(Dataset d, Template t, List<Example> examples) {
        List<String> predictions = new ArrayList<>();
        List<int[]> prompts = new ArrayList<>();
        int longest = 1;
        for (Example e : examples) {
            Instance inst = opt.format().render(d, e, t);
            int[] prompt = promptTokens(d, e, t, inst, model.config().blockSize() - opt.maxNewTokens() + 1);
            prompts.add(prompt);
            longest = Math.max(longest, prompt.length);
        }
        // a cache for the longest prompt and its new tokens, not the whole block
        int capacity = Math.min(model.config().blockSize(), longest + opt.maxNewTokens() - 1);
        List<String> stops = enc.continuation() ? List.of("\n") : List.of();
        predictions.addAll(inParallel(prompts, () -> new Greedy(model, tok::decode, capacity),
                (greedy, prompt) -> greedy.generate(prompt, opt.maxNewTokens(), tok.eotToken(), stops).text().strip()));
        return predictions;
    }

    /** System property: scoring threads (default: {@link #scoringThreads()}'s rule). */
    public static final String THREADS_PROPERTY = "flan4j.eval.threads";

    /**
     * Threads that score one template's examples: the machine's cores when the model can decode with several caches
     * at once ({@link CausalLm#concurrentDecode}), else 1; {@link #THREADS_PROPERTY} overrides (a positive integer).
     * They run only where the backend takes ops from several threads ({@link dev.flan4j.backend.Backend#concurrentCallers},
     * the CPU's); elsewhere one thread scores. On two cores and the small models here the CPU ops of one decode
     * barely use the second core, and two scorers at once take about two thirds of the time. Results do not depend on
     * it: each example is scored alone, whichever thread scores it.
     */
    int scoringThreads() {
        String v = System.getProperty(THREADS_PROPERTY);
        if (v != null) {
            try {
                int n = Integer.parseInt(v.strip());
                if (n >= 1) return n;
            } catch (NumberFormatException ignored) {
                // the message below
            }
            throw new IllegalArgumentException("system property " + THREADS_PROPERTY + " must be a positive integer, got '" + v + "'");
        }
        return model.concurrentDecode() ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /**
     * fn over items in order, on {@link #scoringThreads()} workers (each its own scorer with its own KV cache; item
     * i goes to worker i mod threads), the caller being one of them.
     */
    private <W extends AutoCloseable, I, R> List<R> inParallel(List<I> items, java.util.function.Supplier<W> worker,
                                                              java.util.function.BiFunction<W, I, R> fn) {
        int wanted = (int) Math.max(1, Math.min(scoringThreads(), items.size() / 4));
        AutoCloseable section = wanted > 1 ? model.backend().concurrentCallers(wanted) : null;
        int threads = section == null ? 1 : wanted;
        List<R> out = new ArrayList<>(Collections.nCopies(items.size(), null));
        List<W> workers = new ArrayList<>();
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(
                threads - 1, r -> { Thread t = new Thread(r, "flan4j-eval"); t.setDaemon(true); return t; }) : null;
        try {
            for (int w = 0; w < threads; w++) workers.add(worker.get());
            List<Future<?>> running = new ArrayList<>();
            for (int w = 1; w < threads; w++) {
                int id = w;
                running.add(pool.submit(() -> run(items, out, workers.get(id), id, threads, fn)));
            }
            Throwable failed = null;
            try {
                run(items, out, workers.get(0), 0, threads, fn);
            } catch (RuntimeException | Error e) {
                failed = e;
            }
            for (Future<?> f : running) {   // every worker finishes before the scorers close
                try {
                    f.get();
                } catch (ExecutionException e) {
                    if (failed == null) failed = e.getCause();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    if (failed == null) failed = new IllegalStateException("interrupted while scoring", e);
                }
            }
            if (failed instanceof RuntimeException re) throw re;
            if (failed instanceof Error err) throw err;
            if (failed != null) throw new IllegalStateException(failed);
        } finally {
            if (pool != null) pool.shutdownNow();
            List<AutoCloseable> closing = new ArrayList<>(workers);
            if (section != null) closing.add(section);
            for (AutoCloseable c : closing) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException("closing a scorer failed", e);
                }
            }
        }
        return out;
    }

    private static <W, I, R> void run(List<I> items, List<R> out, W worker, int id, int threads,
                                      java.util.function.BiFunction<W, I, R> fn) {
        for (int i = id; i < items.size(); i += threads) out.set(i, fn.apply(worker, items.get(i)));
    }

    /** The prompt of an instance fitted to {@code budget} tokens (at least 2), counted in the truncation report. */
    private int[] fit(Dataset d, Instance inst, int budget) {
        PromptFit.Fitted f = PromptFit.prompt(enc, inst, Math.max(2, budget));
        truncation.record(d.name(), f.dropped());
        return f.tokens();
    }

    /** The dataset's metric on generated text, 0-100. */
    public static double generationScore(Dataset d, List<String> predictions, List<List<String>> references) {
        return switch (d.metric()) {
            case EXACT_MATCH, ACCURACY -> ExactMatch.corpusScore(predictions, references);
            case F1 -> TokenF1.corpusScore(predictions, references);
            case BLEU -> Bleu.corpusBleu(predictions, List.of(references.stream().map(r -> r.get(0)).toList())).score();
            case ROUGE -> {
                List<String> targets = references.stream().map(r -> r.get(0)).toList();
                yield 100 * new Rouge(true).corpusMean(targets, predictions).rougeL().fmeasure();
            }
        };
    }
}
