import dev.flan4j.backend.*;
import dev.flan4j.data.*;
import dev.flan4j.eval.RankScorer;
import dev.flan4j.model.*;
import dev.flan4j.tokenizer.*;
import dev.flan4j.train.*;
import java.nio.file.*;
import java.util.*;

/**
 * Diagnosis probe for the demo's one-answer outcome: tunes a base checkpoint on a mixture of some clusters and scores
 * the sentiment datasets (every test example, the first two scorable templates), printing accuracy and how many
 * prompts got option 0. Run from the repository root after a build:
 *   java --add-modules jdk.incubator.vector -cp app/target/flan4j-app-*-all.jar scripts/experiments/TuneProbe.java \
 *        CHECKPOINT OUT SPACE STEPS LR CAP CLUSTERS [noturn]
 * SPACE 1 encodes targets and scored options with a leading space; CAP is the mixture's examples cap; noturn drops the
 * turned-around templates. Results of 2026-12-01: repro/results/diagnosis-2026-12-01/.
 */
public class TuneProbe {
    public static void main(String[] a) throws Exception {
        Path ckpt = Path.of(a[0]), out = Path.of(a[1]);
        boolean space = a[2].equals("1");
        int steps = Integer.parseInt(a[3]);
        double lr = Double.parseDouble(a[4]);
        int cap = Integer.parseInt(a[5]);
        List<String> clusters = List.of(a[6].split(","));
        Tokenizer tok = Tokenizers.byName("mini-bpe");
        dev.flan4j.data.Collection coll = dev.flan4j.data.Collection.builtIn();
        List<Dataset> tune = coll.datasetsIn(clusters);
        if (a.length > 7 && a[7].equals("noturn")) {
            List<Dataset> f = new ArrayList<>();
            for (Dataset d : tune) {
                List<Example> all = new ArrayList<>();
                for (String sp : d.splitNames()) all.addAll(d.examples(sp));
                f.add(new Dataset(d.name(), d.cluster(), d.task(), d.metric(), d.options(),
                        d.templates().stream().filter(t -> !t.turnedAround()).toList(), d.card(), () -> all));
            }
            tune = f;
        }
        List<Dataset> sent = coll.datasetsIn(List.of("sentiment"));
        try (Backend be = new CpuBackend()) {
            CausalLm model = Checkpoint.load(ckpt, be).model();
            score("base", model, tok, sent, space);
            Mixture mix = new Mixture(tune, PromptFormat.FLAN, new Mixture.Config(30000, cap, 1.0));
            System.out.println("rates " + mix.rates());
            Iterator<Instance> it = mix.iterator(5);
            DataSource src = new DataSource() {
                long pos;
                public Sequence next() {
                    pos++;
                    Instance in = it.next();
                    int[] p = tok.encode(in.input());
                    int[] t = tok.encode(space ? " " + in.target() : in.target());
                    int[] all = new int[p.length + 1 + t.length + 1];
                    System.arraycopy(p, 0, all, 0, p.length);
                    all[p.length] = tok.eotToken();
                    System.arraycopy(t, 0, all, p.length + 1, t.length);
                    all[all.length - 1] = tok.eotToken();
                    if (all.length > 256) { all = Arrays.copyOfRange(all, all.length - 256, all.length); }
                    return new Sequence(all, Math.max(1, all.length - t.length - 1));
                }
                public long position() { return pos; }
            };
            TrainConfig tc = TrainConfig.builder().steps(steps).batch(8, 256)
                    .lr(lr, 10, Schedule.Kind.CONSTANT).seed(5).checkpoints(0, 1).build();
            long t0 = System.nanoTime();
            Trainer.Result r = new Trainer(tc, out).quiet().train(model, src, tok.eotToken());
            List<Double> L = r.losses();
            System.out.printf("tuned %d steps in %.0fs, loss first %.3f last10 %.3f%n", steps, (System.nanoTime() - t0) / 1e9,
                    L.get(0), L.subList(L.size() - 10, L.size()).stream().mapToDouble(x -> x).average().orElse(0));
            score("tuned", model, tok, sent, space);
        }
    }

    static void score(String what, CausalLm model, Tokenizer tok, List<Dataset> ds, boolean space) {
        for (Dataset d : ds) {
            List<Template> ts = PromptFormat.FLAN.templates(d).stream().filter(t -> !t.turnedAround()).toList();
            StringBuilder sb = new StringBuilder();
            for (Template t : ts.subList(0, 2)) {
                List<RankScorer.Example> items = new ArrayList<>();
                int[] votes = new int[2];
                for (Example e : d.examples("test")) {
                    Instance in = PromptFormat.FLAN.render(d, e, t);
                    int[] p = tok.encode(in.input());
                    int[] pe = Arrays.copyOf(p, p.length + 1);
                    pe[p.length] = tok.eotToken();
                    if (pe.length > 200) pe = Arrays.copyOfRange(pe, pe.length - 200, pe.length);
                    List<int[]> opts = new ArrayList<>();
                    int[] bytes = new int[in.options().size()];
                    for (int i = 0; i < in.options().size(); i++) {
                        opts.add(tok.encode(space ? " " + in.options().get(i) : in.options().get(i)));
                        bytes[i] = in.options().get(i).length();
                    }
                    items.add(new RankScorer.Example(pe, opts, bytes, in.options().indexOf(in.target())));
                }
                try (RankScorer s = new RankScorer(model)) {
                    List<RankScorer.Result> res = s.scoreAll(items);
                    for (RankScorer.Result x : res) votes[Math.min(1, x.predicted())]++;
                    sb.append(String.format(" %s=%.1f(pred0 %d/%d)", t.name(), 100 * RankScorer.accuracy(res).acc(), votes[0], res.size()));
                }
            }
            System.out.println(what + " " + d.name() + sb);
        }
    }
}
