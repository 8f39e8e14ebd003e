package dev.flan4j.minidata;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Sentence keys used to keep test text out of every train split: an example's texts (fields, a free-text answer,
 * per-example options) are cut into sentences, lower-cased, reduced to letters and digits, and every sentence of at
 * least {@link #MIN_WORDS} words is a key. A train example sharing a key with any test example of any dataset is
 * left out of train.
 */
public final class Overlap {
    private Overlap() {}

    public static final int MIN_WORDS = 5;

    /** The keys of one text. */
    public static Set<String> keys(String text) {
        Set<String> out = new LinkedHashSet<>();
        if (text == null) return out;
        for (String s : Text.sentences(text)) {
            String k = s.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{Nd}]+", " ").trim();
            if (!k.isEmpty() && k.split(" ").length >= MIN_WORDS) out.add(k);
        }
        return out;
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
