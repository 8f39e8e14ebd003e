package dev.flan4j.minidata;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Text helpers: normalisation, sentence splitting, truncation, offensive-content filter. */
public final class Text {
    private Text() {}

    private static final Pattern WS = Pattern.compile("\\s+");

    /** Normalises typography to ASCII punctuation and collapses whitespace. Letters (accents) are kept. */
    public static String normalize(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\u201c', '\u201d', '\u201e', '\u00ab', '\u00bb' -> sb.append('"');
                case '\u2018', '\u2019', '\u201a', '\u2032' -> sb.append('\'');
                case '\u2014', '\u2015' -> sb.append("--");
                case '\u2013' -> sb.append('-');
                case '\u2026' -> sb.append("...");
                case '\u00a0', '\u2009', '\u200a', '\u2002', '\u2003' -> sb.append(' ');
                case '\u00b6', '\u200b', '\ufeff', '\u00ad' -> { }
                default -> sb.append(c);
            }
        }
        return WS.matcher(sb).replaceAll(" ").trim();
    }

    public static int words(String s) {
        s = s.trim();
        if (s.isEmpty()) return 0;
        return WS.split(s).length;
    }

    private static final Set<String> ABBREV = Set.of("mr", "mrs", "ms", "dr", "st", "mt", "messrs", "jr", "sr", "vs",
            "no", "co", "gen", "col", "capt", "lt", "sgt", "gov", "sen", "rep", "hon", "rev", "prof", "u.s", "e.g", "i.e",
            "etc", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "inc", "ltd", "vol");

    /** Splits prose into sentences (rule-based: end punctuation, optional closing quote, space, capital or quote). */
    public static List<String> sentences(String text) {
        List<String> out = new ArrayList<>();
        String s = normalize(text);
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c != '.' && c != '!' && c != '?') continue;
            int j = i + 1;
            while (j < s.length() && (s.charAt(j) == '"' || s.charAt(j) == '\'' || s.charAt(j) == ')')) j++;
            if (j >= s.length()) break;
            if (s.charAt(j) != ' ') continue;
            int k = j + 1;
            if (k >= s.length()) break;
            char n = s.charAt(k);
            if (!(Character.isUpperCase(n) || n == '"' || n == '\'')) continue;
            if (c == '.') {
                int w = i - 1;
                while (w >= 0 && (Character.isLetter(s.charAt(w)) || s.charAt(w) == '.')) w--;
                String tok = s.substring(w + 1, i).toLowerCase(Locale.ROOT);
                if (ABBREV.contains(tok) || tok.length() == 1) continue;
            }
            String sent = s.substring(start, j).trim();
            if (!sent.isEmpty()) out.add(sent);
            start = k;
            i = j;
        }
        String last = s.substring(Math.min(start, s.length())).trim();
        if (!last.isEmpty()) out.add(last);
        return out;
    }

    /** Truncates to at most maxWords words, at a sentence end when one is reasonably close, else with "...". */
    public static String truncateWords(String text, int maxWords) {
        String s = normalize(text);
        if (words(s) <= maxWords) return s;
        StringBuilder sb = new StringBuilder();
        int n = 0;
        for (String sent : sentences(s)) {
            int w = words(sent);
            if (n + w > maxWords) break;
            if (sb.length() > 0) sb.append(' ');
            sb.append(sent);
            n += w;
        }
        if (n >= maxWords / 2) return sb.toString();
        String[] ws = WS.split(s);
        StringBuilder hb = new StringBuilder();
        for (int i = 0; i < maxWords && i < ws.length; i++) {
            if (i > 0) hb.append(' ');
            hb.append(ws[i]);
        }
        return hb.append(" ...").toString();
    }

    // A small list of slurs and profanity; examples containing any of these words (as whole words) are dropped.
    private static final Pattern OFFENSIVE = Pattern.compile("\\b(?:fuck\\w*|shit\\w*|bitch\\w*|cunt\\w*|dick|dicks|"
            + "cock|cocks|pussy|whore\\w*|slut\\w*|bastard\\w*|asshole\\w*|ass|nigg\\w*|negro\\w*|fag\\w*|retard\\w*|"
            + "rape\\w*|raping|porn\\w*|sex|sexy|sexual\\w*|nazi\\w*|kill yourself|damn\\w*|crap\\w*|piss\\w*|"
            + "wtf|stfu|kike\\w*|spic|spics|chink\\w*|tranny|dyke\\w*|hoe|hoes|twat\\w*|wank\\w*)\\b",
            Pattern.CASE_INSENSITIVE);

    public static boolean offensive(String s) {
        return OFFENSIVE.matcher(s).find();
    }

    public static String capitalize(String s) {
        if (s.isEmpty()) return s;
        return Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /** Replaces the first whole-word occurrence of word in s with replacement; null when absent. */
    public static String replaceWord(String s, String word, String replacement) {
        Matcher m = Pattern.compile("(?<![\\w-])" + Pattern.quote(word) + "(?![\\w-])").matcher(s);
        if (!m.find()) return null;
        return s.substring(0, m.start()) + replacement + s.substring(m.end());
    }

    public static boolean containsWord(String s, String word) {
        return Pattern.compile("(?<![\\w-])" + Pattern.quote(word) + "(?![\\w-])").matcher(s).find();
    }
}
