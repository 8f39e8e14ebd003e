import dev.flan4j.data.*;
import dev.flan4j.tokenizer.*;
import java.util.*;
/**
 * Share of examples and of target tokens per dataset in the demo's tuning mixture (NLI held out), for mixing caps
 * 3,000 (FLAN) / 500 / 300, with and without turned-around templates; 20,000 draws, seed 7. Run from the repository
 * root after a build:
 *   java --add-modules jdk.incubator.vector -cp app/target/flan4j-app-*-all.jar scripts/experiments/MixStat.java
 * Results of 2026-12-02: repro/results/demo-mixture-2026-12-02/.
 */
public class MixStat {
    public static void main(String[] a) throws Exception {
        Tokenizer tok = Tokenizers.byName("mini-bpe");
        dev.flan4j.data.Collection coll = dev.flan4j.data.Collection.builtIn();
        Splits.Split split = Splits.leaveOut(coll, "nli");
        for (int cap : new int[]{3000, 500, 300}) for (boolean ta : new boolean[]{true, false}) {
            Mixture m = new Mixture(split.tune(), PromptFormat.FLAN, Mixture.Config.FLAN.withMaxExamples(cap).withTurnedAround(ta));
            Map<String, long[]> per = new TreeMap<>();
            long tgt = 0, all = 0; int n = 20000;
            for (Instance in : m.sample(7, n)) {
                int p = tok.encode(in.input()).length + 1, t = tok.encode(in.target()).length + 1;
                String c = in.task();
                long[] v = per.computeIfAbsent(c, k -> new long[3]);
                v[0]++; v[1] += t; v[2] += p + t; tgt += t; all += p + t;
            }
            StringBuilder sb = new StringBuilder();
            for (var e : per.entrySet()) sb.append(String.format(" %s ex=%.1f%% tgt=%.1f%%", e.getKey(), 100.0 * e.getValue()[0] / n, 100.0 * e.getValue()[1] / tgt));
            System.out.printf("cap %d turned %b: tokens/example %.1f%n  %s%n", cap, ta, (double) all / n, sb);
        }
    }
}
