package dev.flan4j.eval.metrics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * BLEU exactly as sacreBLEU 2.x computes it ({@code sacrebleu.metrics.bleu.BLEU}).
 *
 * <p>Defaults ({@link #Bleu()}) are sacreBLEU's {@code corpus_bleu}/{@code BLEU()} defaults:
 * tokenizer {@code 13a} (mteval-v13a rules, see {@link #tokenize13a}), case-sensitive, n-gram
 * order 4, {@code smooth_method='exp'}, {@code effective_order=False}. Note that 'exp' is NIST
 * smoothing (mteval-v13a's "method 3"), not "no smoothing": an order with zero matches but a
 * non-zero total gets precision {@code 100 / (2^k * total)} for the k-th such order. At corpus
 * level this rarely matters; with {@link Smooth#NONE} such an order gives score 0.
 *
 * <p>Scoring follows {@code BLEU.compute_bleu}: counts are clipped against the per-n-gram maximum
 * over a segment's references; the reference length of a segment is the reference length closest
 * to the hypothesis length (the shorter one on a tie); brevity penalty {@code exp(1 - r/c)} when
 * {@code c < r} (0 when {@code c == 0}); score 0 when no n-gram of any order matches; a zero
 * precision enters the geometric mean as {@code log = -9999999999} (sacreBLEU's {@code my_log}).
 * Scores are on a 0-100 scale. {@link #sentenceBleu} mirrors {@code sacrebleu.sentence_bleu}
 * ('exp' smoothing with {@code use_effective_order=True}).
 *
 * <p>Reference handling follows sacreBLEU: a {@code null} or empty reference is dropped for that
 * segment (variable number of references), and a segment left with no reference is an error.
 */
public final class Bleu {

    /** sacreBLEU's default maximum n-gram order. */
    public static final int MAX_NGRAM_ORDER = 4;

    /** Tokenizers supported: sacreBLEU {@code 'none'} and {@code '13a'} (the default). */
    public enum Tokenizer { NONE, TOK_13A }

    /** sacreBLEU smoothing methods ({@code 'none'}, {@code 'floor'}, {@code 'add-k'}, {@code 'exp'}). */
    public enum Smooth {
        NONE(0.0), FLOOR(0.1), ADD_K(1.0), EXP(0.0);

        /** Default smoothing value used when none is given ({@code BLEU.SMOOTH_DEFAULTS}). */
        public final double defaultValue;

        Smooth(double defaultValue) {
            this.defaultValue = defaultValue;
        }
    }

    /**
     * A BLEU result with its sufficient statistics, like sacreBLEU's {@code BLEUScore}.
     *
     * @param score      BLEU on a 0-100 scale
     * @param counts     matched (clipped) n-gram counts for n = 1..order (unsmoothed; sacreBLEU
     *                   reports these after adding k for {@code add-k})
     * @param totals     hypothesis n-gram counts for n = 1..order (unsmoothed)
     * @param precisions n-gram precisions on a 0-100 scale, after smoothing
     * @param bp         brevity penalty
     * @param sysLen     total hypothesis length in tokens
     * @param refLen     total (closest) reference length in tokens
     */
    public record Score(double score, long[] counts, long[] totals, double[] precisions,
                        double bp, long sysLen, long refLen) {
        /** {@code sys_len / ref_len}, 0 when {@code ref_len == 0}. */
        public double ratio() {
            return refLen == 0 ? 0.0 : (double) sysLen / refLen;
        }
    }

    // mteval-v13a / sacreBLEU TokenizerRegexp, applied in order.
    private static final Pattern[] RE_13A = {
        // language-dependent part (assuming Western languages): space around these symbols
        Pattern.compile("([\\{-\\~\\[-\\` -\\&\\(-\\+\\:-\\@\\/])"),
        // tokenize period and comma unless preceded by a digit
        Pattern.compile("([^0-9])([\\.,])"),
        // tokenize period and comma unless followed by a digit
        Pattern.compile("([\\.,])([^0-9])"),
        // tokenize dash when preceded by a digit
        Pattern.compile("([0-9])(-)"),
    };
    private static final String[] REPL_13A = {" $1 ", "$1 $2 ", " $1 $2", "$1 $2 "};

    private final Tokenizer tokenizer;
    private final Smooth smooth;
    private final Double smoothValue;
    private final boolean lowercase;
    private final boolean effectiveOrder;
    private final int maxNgramOrder;

    /** sacreBLEU {@code BLEU()} defaults: 13a, 'exp', case-sensitive, no effective order, order 4. */
    public Bleu() {
        this(Tokenizer.TOK_13A, Smooth.EXP, null, false, false, MAX_NGRAM_ORDER);
    }

    /**
     * @param tokenizer      tokenizer applied to hypotheses and references
     * @param smooth         smoothing method
     * @param smoothValue    value for FLOOR / ADD_K; {@code null} means the method's default
     * @param lowercase      lowercase before tokenizing (sacreBLEU {@code lowercase=True})
     * @param effectiveOrder stop the geometric mean at the highest order with a non-zero total
     * @param maxNgramOrder  maximum n-gram order (sacreBLEU default 4)
     */
    public Bleu(Tokenizer tokenizer, Smooth smooth, Double smoothValue, boolean lowercase,
                boolean effectiveOrder, int maxNgramOrder) {
        if (maxNgramOrder < 1) throw new IllegalArgumentException("maxNgramOrder must be >= 1");
        this.tokenizer = Objects.requireNonNull(tokenizer);
        this.smooth = Objects.requireNonNull(smooth);
        this.smoothValue = smoothValue;
        this.lowercase = lowercase;
        this.effectiveOrder = effectiveOrder;
        this.maxNgramOrder = maxNgramOrder;
    }

    /** {@code sacrebleu.corpus_bleu(hypotheses, refStreams)} with all defaults. */
    public static Score corpusBleu(List<String> hypotheses, List<List<String>> refStreams) {
        return new Bleu().corpusScore(hypotheses, refStreams);
    }

    /** {@code sacrebleu.sentence_bleu(hypothesis, references)}: 13a, 'exp', effective order. */
    public static Score sentenceBleu(String hypothesis, List<String> references) {
        return new Bleu(Tokenizer.TOK_13A, Smooth.EXP, null, false, true, MAX_NGRAM_ORDER)
                .sentenceScore(hypothesis, references);
    }

    /**
     * Corpus BLEU with sacreBLEU's reference layout: {@code refStreams.get(k).get(i)} is the k-th
     * reference of hypothesis i (each stream is as long as {@code hypotheses}).
     */
    public Score corpusScore(List<String> hypotheses, List<List<String>> refStreams) {
        if (refStreams.isEmpty()) throw new IllegalArgumentException("no reference streams");
        List<List<String>> perExample = new ArrayList<>(hypotheses.size());
        for (int i = 0; i < hypotheses.size(); i++) perExample.add(new ArrayList<>());
        for (List<String> stream : refStreams) {
            if (stream.size() != hypotheses.size()) {
                throw new IllegalArgumentException("reference stream has " + stream.size()
                        + " segments, hypotheses have " + hypotheses.size());
            }
            for (int i = 0; i < stream.size(); i++) perExample.get(i).add(stream.get(i));
        }
        return corpusScoreByExample(hypotheses, perExample);
    }

    /** Corpus BLEU with per-example references: {@code refsPerExample.get(i)} are hypothesis i's. */
    public Score corpusScoreByExample(List<String> hypotheses, List<List<String>> refsPerExample) {
        if (hypotheses.size() != refsPerExample.size()) {
            throw new IllegalArgumentException(hypotheses.size() + " hypotheses but "
                    + refsPerExample.size() + " reference lists");
        }
        long[] sum = new long[2 + 2 * maxNgramOrder];
        for (int i = 0; i < hypotheses.size(); i++) {
            long[] s = segmentStatistics(hypotheses.get(i), refsPerExample.get(i));
            for (int j = 0; j < sum.length; j++) sum[j] += s[j];
        }
        return scoreFromStatistics(sum);
    }

    /** Sentence-level BLEU of one hypothesis against its references, with this instance's settings. */
    public Score sentenceScore(String hypothesis, List<String> references) {
        return scoreFromStatistics(segmentStatistics(hypothesis, references));
    }

    /**
     * sacreBLEU's per-segment sufficient statistics, summable over a corpus:
     * {@code [hyp_len, closest_ref_len, correct_1..correct_N, total_1..total_N]}.
     */
    public long[] segmentStatistics(String hypothesis, List<String> references) {
        Objects.requireNonNull(hypothesis, "hypothesis");
        Map<String, Integer> refNgrams = new HashMap<>();
        List<Integer> refLens = new ArrayList<>();
        for (String ref : references) {
            if (ref == null || ref.isEmpty()) continue;
            List<String> toks = tokens(ref);
            refLens.add(toks.size());
            ngramCounts(toks).forEach((g, c) -> refNgrams.merge(g, c, Math::max));
        }
        if (refLens.isEmpty()) throw new IllegalArgumentException("Empty or null reference sentence found.");

        List<String> hypToks = tokens(hypothesis);
        int hypLen = hypToks.size();
        long[] stats = new long[2 + 2 * maxNgramOrder];
        stats[0] = hypLen;
        stats[1] = closestRefLen(hypLen, refLens);
        for (Map.Entry<String, Integer> e : ngramCounts(hypToks).entrySet()) {
            int n = order(e.getKey());
            stats[2 + maxNgramOrder + n - 1] += e.getValue();
            Integer refCount = refNgrams.get(e.getKey());
            if (refCount != null) stats[2 + n - 1] += Math.min(e.getValue(), refCount);
        }
        return stats;
    }

    /** Score from (summed) {@link #segmentStatistics} with this instance's smoothing settings. */
    public Score scoreFromStatistics(long[] stats) {
        if (stats.length != 2 + 2 * maxNgramOrder) throw new IllegalArgumentException("bad stats length");
        long[] correct = new long[maxNgramOrder];
        long[] total = new long[maxNgramOrder];
        System.arraycopy(stats, 2, correct, 0, maxNgramOrder);
        System.arraycopy(stats, 2 + maxNgramOrder, total, 0, maxNgramOrder);
        return computeBleu(correct, total, stats[0], stats[1], smooth, smoothValue, effectiveOrder);
    }

    /**
     * {@code BLEU.compute_bleu}: BLEU from sufficient statistics. The order is {@code correct.length}.
     *
     * @param smoothValue value for FLOOR / ADD_K, {@code null} for the method's default
     */
    public static Score computeBleu(long[] correct, long[] total, long sysLen, long refLen,
                                    Smooth smooth, Double smoothValue, boolean effectiveOrder) {
        int order = correct.length;
        if (total.length != order) throw new IllegalArgumentException("correct/total length mismatch");
        double k = smoothValue != null ? smoothValue : smooth.defaultValue;

        double bp;
        if (sysLen < refLen) bp = sysLen > 0 ? Math.exp(1.0 - (double) refLen / sysLen) : 0.0;
        else bp = 1.0;

        double[] precisions = new double[order];
        boolean anyMatch = false;
        for (long c : correct) anyMatch |= c != 0;
        if (!anyMatch) {  // early stop when nothing matches (sacreBLEU issue #141)
            return new Score(0.0, correct.clone(), total.clone(), precisions, bp, sysLen, refLen);
        }

        double smoothMteval = 1.0;
        int effOrder = order;
        for (int n = 1; n <= order; n++) {
            double c = correct[n - 1];
            double t = total[n - 1];
            if (smooth == Smooth.ADD_K && n > 1) {
                c += k;
                t += k;
            }
            if (t == 0) break;
            if (effectiveOrder) effOrder = n;
            if (c == 0) {
                if (smooth == Smooth.EXP) {
                    smoothMteval *= 2;
                    precisions[n - 1] = 100.0 / (smoothMteval * t);
                } else if (smooth == Smooth.FLOOR) {
                    precisions[n - 1] = 100.0 * k / t;
                }
            } else {
                precisions[n - 1] = 100.0 * c / t;
            }
        }

        double logSum = 0.0;
        for (int i = 0; i < effOrder; i++) logSum += myLog(precisions[i]);
        double score = bp * Math.exp(logSum / effOrder);
        return new Score(score, correct.clone(), total.clone(), precisions, bp, sysLen, refLen);
    }

    /**
     * sacreBLEU's {@code Tokenizer13a}, equivalent to mteval-v13a: drop {@code <skipped>}, join
     * {@code -\n} line breaks, newlines to spaces, unescape {@code &quot; &amp; &lt; &gt;}, then
     * put spaces around the symbols {@code {|}~ [\]^_` space!"#$%& ()*+ :;<=>?@ /}, split
     * period/comma unless preceded <em>and</em> followed by digits, split a dash after a digit,
     * and collapse whitespace.
     */
    public static String tokenize13a(String line) {
        line = line.replace("<skipped>", "");
        line = line.replace("-\n", "");
        line = line.replace("\n", " ");
        if (line.indexOf('&') >= 0) {
            line = line.replace("&quot;", "\"");
            line = line.replace("&amp;", "&");
            line = line.replace("&lt;", "<");
            line = line.replace("&gt;", ">");
        }
        line = " " + line + " ";
        for (int i = 0; i < RE_13A.length; i++) line = RE_13A[i].matcher(line).replaceAll(REPL_13A[i]);
        return String.join(" ", PyText.split(line));
    }

    /** sacreBLEU {@code _preprocess_segment} followed by whitespace splitting. */
    List<String> tokens(String sentence) {
        if (lowercase) sentence = sentence.toLowerCase(Locale.ROOT);
        sentence = PyText.rstrip(sentence);
        String tokenized = tokenizer == Tokenizer.TOK_13A ? tokenize13a(sentence) : sentence;
        return PyText.split(tokenized);
    }

    /** All n-grams of order 1..maxNgramOrder, keyed by the tokens joined with single spaces. */
    private Map<String, Integer> ngramCounts(List<String> toks) {
        Map<String, Integer> counts = new HashMap<>();
        for (int n = 1; n <= maxNgramOrder; n++) {
            for (int i = 0; i + n <= toks.size(); i++) {
                counts.merge(String.join(" ", toks.subList(i, i + n)), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Order of an n-gram key: tokens contain no whitespace, so it is the number of spaces + 1. */
    private static int order(String ngram) {
        int n = 1;
        for (int i = 0; i < ngram.length(); i++) if (ngram.charAt(i) == ' ') n++;
        return n;
    }

    /** sacreBLEU {@code _get_closest_ref_len}: closest length, the shorter one on a tie. */
    static int closestRefLen(int hypLen, List<Integer> refLens) {
        int closestDiff = -1;
        int closestLen = -1;
        for (int refLen : refLens) {
            int diff = Math.abs(hypLen - refLen);
            if (closestDiff == -1 || diff < closestDiff) {
                closestDiff = diff;
                closestLen = refLen;
            } else if (diff == closestDiff && refLen < closestLen) {
                closestLen = refLen;
            }
        }
        return closestLen;
    }

    /** sacreBLEU {@code my_log}: log with 0 mapped to -9999999999. */
    private static double myLog(double x) {
        return x == 0.0 ? -9999999999.0 : Math.log(x);
    }
}
