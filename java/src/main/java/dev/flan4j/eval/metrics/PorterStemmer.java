package dev.flan4j.eval.metrics;

import java.util.Map;
import java.util.function.Predicate;

/**
 * The Porter stemmer exactly as NLTK's {@code nltk.stem.porter.PorterStemmer()} in its default
 * {@code NLTK_EXTENSIONS} mode, which is what {@code rouge_score} uses for
 * {@code use_stemmer=True} (it constructs {@code porter.PorterStemmer()} with no mode argument).
 *
 * <p>Relative to Porter (1980) the NLTK mode adds: an irregular-forms table (sky/skies, dying,
 * lying, tying, news, innings, outings, cannings, howe, proceed, exceed, succeed); words of
 * length &lt;= 2 are returned unchanged; {@code ies}/{@code ied} of 4-letter words become
 * {@code ie}; {@code *o} also holds for a 2-letter vowel-consonant stem; step 1c turns y into i
 * only after a consonant that is not the first letter; step 2 uses {@code bli->ble}, applies
 * {@code alli->al} first and recursively, and adds {@code fulli->ful} and {@code logi->log}
 * (measure taken on the stem including the l). Input is expected in lowercase.
 */
final class PorterStemmer {

    private static final Map<String, String> IRREGULAR = Map.ofEntries(
            Map.entry("sky", "sky"), Map.entry("skies", "sky"),
            Map.entry("dying", "die"), Map.entry("lying", "lie"), Map.entry("tying", "tie"),
            Map.entry("news", "news"),
            Map.entry("innings", "inning"), Map.entry("inning", "inning"),
            Map.entry("outings", "outing"), Map.entry("outing", "outing"),
            Map.entry("cannings", "canning"), Map.entry("canning", "canning"),
            Map.entry("howe", "howe"),
            Map.entry("proceed", "proceed"), Map.entry("exceed", "exceed"),
            Map.entry("succeed", "succeed"));

    /** A suffix rule: replace {@code suffix} by {@code replacement} if {@code condition(stem)}. */
    private record Rule(String suffix, String replacement, Predicate<String> condition) {}

    private static final String DOUBLE = "*d";  // pseudo-suffix: ends with a double consonant

    String stem(String word) {
        String irregular = IRREGULAR.get(word);
        if (irregular != null) return irregular;
        if (word.length() <= 2) return word;
        String s = step1a(word);
        s = step1b(s);
        s = step1c(s);
        s = step2(s);
        s = step3(s);
        s = step4(s);
        s = step5a(s);
        return step5b(s);
    }

    /** Porter's consonant test: not a/e/i/o/u, and a 'y' only if first or after a vowel. */
    private static boolean isConsonant(String w, int i) {
        int j = i;
        while (j > 0 && w.charAt(j) == 'y') j--;          // back to the start of a run of y's
        boolean consonant = "aeiou".indexOf(w.charAt(j)) < 0;  // a leading y counts as consonant
        for (int k = j + 1; k <= i; k++) consonant = !consonant;  // each y flips its predecessor
        return consonant;
    }

    /** Porter's m: the number of vowel-consonant sequences. */
    private static int measure(String stem) {
        int m = 0;
        for (int i = 1; i < stem.length(); i++) {
            if (!isConsonant(stem, i - 1) && isConsonant(stem, i)) m++;
        }
        return m;
    }

    private static boolean positiveMeasure(String stem) {
        return measure(stem) > 0;
    }

    private static boolean containsVowel(String stem) {
        for (int i = 0; i < stem.length(); i++) if (!isConsonant(stem, i)) return true;
        return false;
    }

    private static boolean endsDoubleConsonant(String w) {
        int n = w.length();
        return n >= 2 && w.charAt(n - 1) == w.charAt(n - 2) && isConsonant(w, n - 1);
    }

    /** Condition *o (with NLTK's 2-letter extension). */
    private static boolean endsCvc(String w) {
        int n = w.length();
        if (n >= 3 && isConsonant(w, n - 3) && !isConsonant(w, n - 2) && isConsonant(w, n - 1)) {
            char last = w.charAt(n - 1);
            if (last != 'w' && last != 'x' && last != 'y') return true;
        }
        return n == 2 && !isConsonant(w, 0) && isConsonant(w, 1);
    }

    /** NLTK {@code _apply_rule_list}: the first matching suffix decides, whether or not its condition holds. */
    private static String applyRules(String word, Rule... rules) {
        for (Rule r : rules) {
            if (r.suffix.equals(DOUBLE) && endsDoubleConsonant(word)) {
                String stem = word.substring(0, word.length() - 2);
                return r.condition == null || r.condition.test(stem) ? stem + r.replacement : word;
            }
            if (word.endsWith(r.suffix)) {
                String stem = word.substring(0, word.length() - r.suffix.length());
                return r.condition == null || r.condition.test(stem) ? stem + r.replacement : word;
            }
        }
        return word;
    }

    private static String step1a(String w) {
        if (w.endsWith("ies") && w.length() == 4) return w.substring(0, 1) + "ie";
        return applyRules(w,
                new Rule("sses", "ss", null),
                new Rule("ies", "i", null),
                new Rule("ss", "ss", null),
                new Rule("s", "", null));
    }

    private static String step1b(String w) {
        if (w.endsWith("ied")) return w.substring(0, w.length() - 3) + (w.length() == 4 ? "ie" : "i");
        if (w.endsWith("eed")) {
            String stem = w.substring(0, w.length() - 3);
            return measure(stem) > 0 ? stem + "ee" : w;
        }
        String stem = null;
        if (w.endsWith("ed") && containsVowel(w.substring(0, w.length() - 2))) {
            stem = w.substring(0, w.length() - 2);
        } else if (w.endsWith("ing") && containsVowel(w.substring(0, w.length() - 3))) {
            stem = w.substring(0, w.length() - 3);
        }
        if (stem == null) return w;
        char last = stem.charAt(stem.length() - 1);
        return applyRules(stem,
                new Rule("at", "ate", null),
                new Rule("bl", "ble", null),
                new Rule("iz", "ize", null),
                new Rule(DOUBLE, String.valueOf(last), s -> last != 'l' && last != 's' && last != 'z'),
                new Rule("", "e", s -> measure(s) == 1 && endsCvc(s)));
    }

    private static String step1c(String w) {
        return applyRules(w, new Rule("y", "i", s -> s.length() > 1 && isConsonant(s, s.length() - 1)));
    }

    private static String step2(String w) {
        if (w.endsWith("alli") && positiveMeasure(w.substring(0, w.length() - 4))) {
            return step2(w.substring(0, w.length() - 4) + "al");
        }
        Predicate<String> m0 = PorterStemmer::positiveMeasure;
        return applyRules(w,
                new Rule("ational", "ate", m0),
                new Rule("tional", "tion", m0),
                new Rule("enci", "ence", m0),
                new Rule("anci", "ance", m0),
                new Rule("izer", "ize", m0),
                new Rule("bli", "ble", m0),
                new Rule("alli", "al", m0),
                new Rule("entli", "ent", m0),
                new Rule("eli", "e", m0),
                new Rule("ousli", "ous", m0),
                new Rule("ization", "ize", m0),
                new Rule("ation", "ate", m0),
                new Rule("ator", "ate", m0),
                new Rule("alism", "al", m0),
                new Rule("iveness", "ive", m0),
                new Rule("fulness", "ful", m0),
                new Rule("ousness", "ous", m0),
                new Rule("aliti", "al", m0),
                new Rule("iviti", "ive", m0),
                new Rule("biliti", "ble", m0),
                new Rule("fulli", "ful", m0),
                new Rule("logi", "log", s -> positiveMeasure(w.substring(0, w.length() - 3))));
    }

    private static String step3(String w) {
        Predicate<String> m0 = PorterStemmer::positiveMeasure;
        return applyRules(w,
                new Rule("icate", "ic", m0),
                new Rule("ative", "", m0),
                new Rule("alize", "al", m0),
                new Rule("iciti", "ic", m0),
                new Rule("ical", "ic", m0),
                new Rule("ful", "", m0),
                new Rule("ness", "", m0));
    }

    private static String step4(String w) {
        Predicate<String> m1 = s -> measure(s) > 1;
        return applyRules(w,
                new Rule("al", "", m1),
                new Rule("ance", "", m1),
                new Rule("ence", "", m1),
                new Rule("er", "", m1),
                new Rule("ic", "", m1),
                new Rule("able", "", m1),
                new Rule("ible", "", m1),
                new Rule("ant", "", m1),
                new Rule("ement", "", m1),
                new Rule("ment", "", m1),
                new Rule("ent", "", m1),
                new Rule("ion", "", s -> measure(s) > 1
                        && (s.charAt(s.length() - 1) == 's' || s.charAt(s.length() - 1) == 't')),
                new Rule("ou", "", m1),
                new Rule("ism", "", m1),
                new Rule("ate", "", m1),
                new Rule("iti", "", m1),
                new Rule("ous", "", m1),
                new Rule("ive", "", m1),
                new Rule("ize", "", m1));
    }

    private static String step5a(String w) {
        if (w.endsWith("e")) {
            String stem = w.substring(0, w.length() - 1);
            int m = measure(stem);
            if (m > 1) return stem;
            if (m == 1 && !endsCvc(stem)) return stem;
        }
        return w;
    }

    private static String step5b(String w) {
        return applyRules(w, new Rule("ll", "l", s -> measure(w.substring(0, w.length() - 1)) > 1));
    }
}
