package dev.flan4j.eval.metrics;

import java.util.List;
import java.util.Locale;

/**
 * Exact match as the official SQuAD v1.1 evaluation script ({@code evaluate-v1.1.py}) computes it:
 * a prediction scores 1 when {@link #normalizeAnswer} of it equals that of some ground truth
 * (max over ground truths), and {@link #corpusScore} is {@code 100 * mean}.
 *
 * <p>{@code normalize_answer}: lowercase; delete ASCII punctuation (Python's
 * {@code string.punctuation}); replace the whole words {@code a}, {@code an}, {@code the}
 * ({@code re.sub(r'\b(a|an|the)\b', ' ', text)}) by a space; collapse whitespace. Word characters
 * for {@code \b} follow Python 3's Unicode {@code \w} (letters, digits, other numerics, underscore).
 */
public final class ExactMatch {
    private ExactMatch() {}

    private static final String PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
    private static final String[] ARTICLES = {"a", "an", "the"};  // regex alternation order

    /** SQuAD {@code normalize_answer}. */
    public static String normalizeAnswer(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        StringBuilder noPunc = new StringBuilder(lower.length());
        for (int i = 0; i < lower.length(); i++) {
            char c = lower.charAt(i);
            if (PUNCTUATION.indexOf(c) < 0) noPunc.append(c);
        }
        return String.join(" ", PyText.split(removeArticles(noPunc.toString())));
    }

    /** {@code re.sub(r'\b(a|an|the)\b', ' ', text)} for a Python 3 {@code str}. */
    private static String removeArticles(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int n = text.length();
        int i = 0;
        while (i < n) {
            int matchEnd = -1;
            if (i == 0 || !isWordChar(text.codePointBefore(i))) {
                for (String art : ARTICLES) {
                    int end = i + art.length();
                    if (text.startsWith(art, i) && (end == n || !isWordChar(text.codePointAt(end)))) {
                        matchEnd = end;
                        break;
                    }
                }
            }
            if (matchEnd >= 0) {
                out.append(' ');
                i = matchEnd;
            } else {
                int cp = text.codePointAt(i);
                out.appendCodePoint(cp);
                i += Character.charCount(cp);
            }
        }
        return out.toString();
    }

    /** Python 3 {@code re} Unicode {@code \w}: {@code str.isalnum()} or underscore. */
    static boolean isWordChar(int cp) {
        if (cp == '_' || Character.isLetter(cp)) return true;
        int type = Character.getType(cp);
        return type == Character.DECIMAL_DIGIT_NUMBER || type == Character.LETTER_NUMBER
                || type == Character.OTHER_NUMBER;
    }

    /** SQuAD {@code exact_match_score}: whether the normalized strings are equal. */
    public static boolean exactMatch(String prediction, String groundTruth) {
        return normalizeAnswer(prediction).equals(normalizeAnswer(groundTruth));
    }

    /** {@code metric_max_over_ground_truths(exact_match_score, ...)}: 1.0 or 0.0. */
    public static double score(String prediction, List<String> groundTruths) {
        if (groundTruths.isEmpty()) throw new IllegalArgumentException("no ground truths");
        for (String gt : groundTruths) if (exactMatch(prediction, gt)) return 1.0;
        return 0.0;
    }

    /** Corpus exact match on SQuAD's 0-100 scale: {@code 100 * mean(score)}. */
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
