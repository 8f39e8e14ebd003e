package dev.flan4j.eval.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token-level F1 as the official SQuAD v1.1 evaluation script ({@code f1_score}) computes it:
 * both strings go through {@link ExactMatch#normalizeAnswer} and are split on whitespace; with
 * {@code common} the multiset intersection, F1 = 0 if it is empty, else {@code 2PR/(P+R)} with
 * P = |common| / |prediction tokens| and R = |common| / |ground-truth tokens|. The example score is
 * the max over ground truths; {@link #corpusScore} is {@code 100 * mean}.
 */
public final class TokenF1 {
    private TokenF1() {}

    /** SQuAD {@code f1_score(prediction, ground_truth)} in [0, 1]. */
    public static double f1(String prediction, String groundTruth) {
        List<String> pred = PyText.split(ExactMatch.normalizeAnswer(prediction));
        List<String> gold = PyText.split(ExactMatch.normalizeAnswer(groundTruth));
        Map<String, Integer> goldCounts = new HashMap<>();
        for (String t : gold) goldCounts.merge(t, 1, Integer::sum);
        int common = 0;
        for (String t : pred) {
            Integer c = goldCounts.get(t);
            if (c != null && c > 0) {
                common++;
                goldCounts.put(t, c - 1);
            }
        }
        if (common == 0) return 0.0;
        double precision = (double) common / pred.size();
        double recall = (double) common / gold.size();
        return 2 * precision * recall / (precision + recall);
    }

    /** {@code metric_max_over_ground_truths(f1_score, ...)} in [0, 1]. */
    public static double score(String prediction, List<String> groundTruths) {
        if (groundTruths.isEmpty()) throw new IllegalArgumentException("no ground truths");
        double best = 0.0;
        for (String gt : groundTruths) best = Math.max(best, f1(prediction, gt));
        return best;
    }

    /** Corpus F1 on SQuAD's 0-100 scale: {@code 100 * mean(score)}. */
    public static double corpusScore(List<String> predictions, List<List<String>> groundTruths) {
        if (predictions.size() != groundTruths.size()) {
            throw new IllegalArgumentException(predictions.size() + " predictions but "
                    + groundTruths.size() + " ground-truth lists");
        }
        if (predictions.isEmpty()) throw new IllegalArgumentException("empty corpus");
        double sum = 0;
        for (int i = 0; i < predictions.size(); i++) sum += score(predictions.get(i), groundTruths.get(i));
        return 100.0 * sum / predictions.size();
    }
}
