package dev.flan4j.minidata;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Sentence keys used to keep test text out of every train split: an example's texts (fields, a free-text answer,
 * per-example options) are cut into sentences, lower-cased, reduced to letters and digits, and every sentence of at
 * least {@link #MIN_WORDS} words is a key. A text that is itself a shorter sentence (a capital first, an end mark
 * last: "I haven a clue.") is a key as it is, whitespace normalised, so it must match exactly; short sentences inside
 * longer texts ("Mrs.", "Selah.") and short texts that are not sentences (names, words) are no keys. A train example
 * sharing a key with any test example of any dataset is left out of train.
 */
public final class Overlap {
    private Overlap() {}

    public static final int MIN_WORDS = 5;

    /** A whole short text that is a sentence: an optional opening quote, a capital, ..., an end mark, closing quotes. */
    static final Pattern SHORT_SENTENCE = Pattern.compile("[\"'(]?\\p{Lu}.*[.!?][\"')]*");

    /** The keys of one text. */
    public static Set<String> keys(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null) return out;
        for (String s : Text.sentences(text)) {
            String k = normal(s);
            if (!k.isEmpty() && k.split(" ").length >= MIN_WORDS) out.add(k);
        }
        String whole = text.strip().replaceAll("\\s+", " ");
        String k = normal(whole);
        if (!k.isEmpty() && k.split(" ").length < MIN_WORDS && SHORT_SENTENCE.matcher(whole).matches())
            out.add("=" + whole); // "=" keeps these apart from the letters-and-digits keys
        return out;
    }

    /** Lower-cased, letters and digits only, single spaces. */
    private static String normal(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{Nd}]+", " ").trim();
    }

    /**
     * The keys of an example: its field values, its answer unless it is one of the dataset's fixed options, and its
     * own options.
     */
    public static Set<String> keys(java.util.Collection<String> fields, String answer, List<String> options,
                                   List<String> fixedOptions) {
        Set<String> out = new LinkedHashSet<>();
        for (String f : fields) out.addAll(keys(f));
        if (fixedOptions == null || !fixedOptions.contains(answer)) out.addAll(keys(answer));
        if (options != null) for (String o : options) out.addAll(keys(o));
        return out;
    }

    static Set<String> keys(Example e, Dataset d) {
        return keys(e.fields.values(), e.answer, e.options, d.options);
    }
}
