package dev.flan4j.eval.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * ROUGE-N, ROUGE-L and ROUGE-Lsum as Google's {@code rouge_score} package
 * ({@code rouge_score.rouge_scorer.RougeScorer}) computes them, on its 0-1 scale.
 *
 * <p>Tokenizer ({@code rouge_score.tokenize}): lowercase, replace every run of characters other
 * than {@code [a-z0-9]} with a space, split; with {@code useStemmer} each token longer than 3
 * characters is stemmed by NLTK's default Porter stemmer ({@link PorterStemmer}, NLTK_EXTENSIONS
 * mode, which is what {@code rouge_score} constructs).
 *
 * <p>ROUGE-N: clipped n-gram overlap; precision = overlap / max(#prediction n-grams, 1), recall =
 * overlap / max(#target n-grams, 1). ROUGE-L: sentence-level LCS over the whole token sequence
 * (0 if either side is empty). ROUGE-Lsum: summary-level union-LCS with sentences separated by
 * {@code '\n'} (empty lines dropped; tokens clipped so none counts twice), as in ROUGE-1.5.5.
 * F-measure is {@code 2PR/(P+R)} (0 when P+R = 0).
 *
 * <p>Multiple targets ({@link #scoreMulti}) follow {@code RougeScorer.score_multi}: per ROUGE type,
 * the target with the highest F-measure (the first on a tie). Corpus scores ({@link #corpusMean})
 * are the plain mean over examples of each of P, R and F; {@code rouge_score}'s
 * {@code BootstrapAggregator} "mid" value, which T5/FLAN-style code reports (×100), is a
 * bootstrap estimate of this same mean, so it agrees only up to resampling noise.
 *
 * <p>Argument order follows {@code rouge_score}: <b>target first, prediction second</b>.
 */
public final class Rouge {

    /** Precision, recall and F-measure, each in [0, 1] ({@code rouge_score.scoring.Score}). */
    public record Score(double precision, double recall, double fmeasure) {
        public static final Score ZERO = new Score(0, 0, 0);

        static Score of(double precision, double recall) {
            double f = precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
            return new Score(precision, recall, f);
        }
    }

    /** The four ROUGE types for one example (or their corpus means). */
    public record Scores(Score rouge1, Score rouge2, Score rougeL, Score rougeLsum) {}

    private final PorterStemmer stemmer;

    /** rouge_score defaults: {@code use_stemmer=False}. */
    public Rouge() {
        this(false);
    }

    public Rouge(boolean useStemmer) {
        this.stemmer = useStemmer ? new PorterStemmer() : null;
    }

    /** {@code rouge_score} default tokenizer. */
    public List<String> tokenize(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        List<String> tokens = new ArrayList<>();
        int i = 0;
        int n = lower.length();
        while (i < n) {
            while (i < n && !isAlnum(lower.charAt(i))) i++;
            int start = i;
            while (i < n && isAlnum(lower.charAt(i))) i++;
            if (i > start) {
                String tok = lower.substring(start, i);
                if (stemmer != null && tok.length() > 3) tok = stemmer.stem(tok);
                if (!tok.isEmpty()) tokens.add(tok);
            }
        }
        return tokens;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    /** {@code RougeScorer(['rouge1','rouge2','rougeL','rougeLsum']).score(target, prediction)}. */
    public Scores score(String target, String prediction) {
        List<String> t = tokenize(target);
        List<String> p = tokenize(prediction);
        return new Scores(rougeN(t, p, 1), rougeN(t, p, 2), rougeL(t, p), rougeLsum(target, prediction));
    }

    /** {@code RougeScorer.score_multi}: per type, the score against the target with the best F. */
    public Scores scoreMulti(List<String> targets, String prediction) {
        if (targets.isEmpty()) throw new IllegalArgumentException("no targets");
        Scores best = null;
        for (String target : targets) {
            Scores s = score(target, prediction);
            best = best == null ? s : new Scores(
                    better(best.rouge1, s.rouge1), better(best.rouge2, s.rouge2),
                    better(best.rougeL, s.rougeL), better(best.rougeLsum, s.rougeLsum));
        }
        return best;
    }

    private static Score better(Score current, Score candidate) {
        return candidate.fmeasure > current.fmeasure ? candidate : current;
    }

    /** Mean over examples of P, R and F for each type; {@code targets.get(i)} pairs with predictions.get(i). */
    public Scores corpusMean(List<String> targets, List<String> predictions) {
        List<List<String>> multi = new ArrayList<>(targets.size());
        for (String t : targets) multi.add(List.of(t));
        return corpusMeanMulti(multi, predictions);
    }

    /** As {@link #corpusMean} with several targets per example, each example scored by {@link #scoreMulti}. */
    public Scores corpusMeanMulti(List<List<String>> targets, List<String> predictions) {
        if (targets.size() != predictions.size()) {
            throw new IllegalArgumentException(targets.size() + " targets but " + predictions.size() + " predictions");
        }
        if (targets.isEmpty()) throw new IllegalArgumentException("empty corpus");
        double[] sum = new double[12];
        for (int i = 0; i < targets.size(); i++) {
            Scores s = scoreMulti(targets.get(i), predictions.get(i));
            Score[] each = {s.rouge1, s.rouge2, s.rougeL, s.rougeLsum};
            for (int k = 0; k < 4; k++) {
                sum[3 * k] += each[k].precision;
                sum[3 * k + 1] += each[k].recall;
                sum[3 * k + 2] += each[k].fmeasure;
            }
        }
        double n = targets.size();
        Score[] mean = new Score[4];
        for (int k = 0; k < 4; k++) mean[k] = new Score(sum[3 * k] / n, sum[3 * k + 1] / n, sum[3 * k + 2] / n);
        return new Scores(mean[0], mean[1], mean[2], mean[3]);
    }

    /** ROUGE-N on already tokenized text ({@code _score_ngrams}). */
    public static Score rougeN(List<String> target, List<String> prediction, int n) {
        if (n < 1) throw new IllegalArgumentException("rougeN requires positive n: " + n);
        Map<List<String>, Integer> t = ngrams(target, n);
        Map<List<String>, Integer> p = ngrams(prediction, n);
        long overlap = 0;
        for (Map.Entry<List<String>, Integer> e : t.entrySet()) {
            overlap += Math.min(e.getValue(), p.getOrDefault(e.getKey(), 0));
        }
        long tCount = Math.max(0, target.size() - n + 1);
        long pCount = Math.max(0, prediction.size() - n + 1);
        return Score.of((double) overlap / Math.max(pCount, 1), (double) overlap / Math.max(tCount, 1));
    }

    private static Map<List<String>, Integer> ngrams(List<String> tokens, int n) {
        Map<List<String>, Integer> counts = new HashMap<>();
        for (int i = 0; i + n <= tokens.size(); i++) counts.merge(tokens.subList(i, i + n), 1, Integer::sum);
        return counts;
    }

    /** Sentence-level ROUGE-L on already tokenized text ({@code _score_lcs}). */
    public static Score rougeL(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) return Score.ZERO;
        int lcs = lcsTable(target, prediction)[target.size()][prediction.size()];
        return Score.of((double) lcs / prediction.size(), (double) lcs / target.size());
    }

    /** ROUGE-Lsum of two texts whose sentences are separated by {@code '\n'}. */
    public Score rougeLsum(String target, String prediction) {
        return rougeLsumTokens(sentences(target), sentences(prediction));
    }

    private List<List<String>> sentences(String text) {
        List<List<String>> out = new ArrayList<>();
        for (String line : text.split("\n", -1)) if (!line.isEmpty()) out.add(tokenize(line));
        return out;
    }

    /** Summary-level LCS on tokenized sentences ({@code _summary_level_lcs}). */
    public static Score rougeLsumTokens(List<List<String>> targetSents, List<List<String>> predictionSents) {
        if (targetSents.isEmpty() || predictionSents.isEmpty()) return Score.ZERO;
        int m = 0;
        int n = 0;
        Map<String, Integer> countsT = new HashMap<>();
        Map<String, Integer> countsP = new HashMap<>();
        for (List<String> s : targetSents) {
            m += s.size();
            for (String tok : s) countsT.merge(tok, 1, Integer::sum);
        }
        for (List<String> s : predictionSents) {
            n += s.size();
            for (String tok : s) countsP.merge(tok, 1, Integer::sum);
        }
        if (m == 0 || n == 0) return Score.ZERO;

        int hits = 0;
        for (List<String> ref : targetSents) {
            // union of the LCS index sets of ref against every candidate sentence, in ref order
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> can : predictionSents) union.addAll(lcsIndices(ref, can));
            for (int idx : union) {
                String tok = ref.get(idx);
                if (countsP.getOrDefault(tok, 0) > 0 && countsT.getOrDefault(tok, 0) > 0) {
                    hits++;
                    countsP.merge(tok, -1, Integer::sum);
                    countsT.merge(tok, -1, Integer::sum);
                }
            }
        }
        return Score.of((double) hits / n, (double) hits / m);
    }

    private static int[][] lcsTable(List<String> ref, List<String> can) {
        int[][] t = new int[ref.size() + 1][can.size() + 1];
        for (int i = 1; i <= ref.size(); i++) {
            for (int j = 1; j <= can.size(); j++) {
                t[i][j] = ref.get(i - 1).equals(can.get(j - 1))
                        ? t[i - 1][j - 1] + 1
                        : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t;
    }

    /** Indices into {@code ref} of one LCS, read out exactly as {@code _backtrack_norec} does. */
    private static List<Integer> lcsIndices(List<String> ref, List<String> can) {
        int[][] t = lcsTable(ref, can);
        List<Integer> lcs = new ArrayList<>();
        int i = ref.size();
        int j = can.size();
        while (i > 0 && j > 0) {
            if (ref.get(i - 1).equals(can.get(j - 1))) {
                lcs.add(0, i - 1);
                i--;
                j--;
            } else if (t[i][j - 1] > t[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return lcs;
    }
}
