package dev.flan4j.minidata;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parser of the WordNet 3.0 database files {@code data.noun/verb/adj/adv} (wndb(5WN) format). Synsets are keyed by
 * "pos:offset" using the offset field of each line (not the byte position), so hand-written fixtures work too.
 */
public final class WordNet {
    public static final class Pointer {
        public final String symbol;
        public final String target; // "pos:offset"
        public final int source; // source word number (0 = whole synset)
        public final int targetWord;

        Pointer(String symbol, String target, int source, int targetWord) {
            this.symbol = symbol;
            this.target = target;
            this.source = source;
            this.targetWord = targetWord;
        }
    }

    public static final class Synset {
        public String key;
        public char pos; // n v a s r
        public final List<String> words = new ArrayList<>();
        public final List<Pointer> pointers = new ArrayList<>();
        public String definition = "";
        public final List<String> examples = new ArrayList<>();
        public String lexFile;

        public String word(int i) { return words.get(i).replace('_', ' '); }

        public String posName() {
            return switch (pos) {
                case 'n' -> "noun";
                case 'v' -> "verb";
                case 'a', 's' -> "adjective";
                default -> "adverb";
            };
        }
    }

    public final LinkedHashMap<String, Synset> synsets = new LinkedHashMap<>();
    /** lemma -> keys of its senses tagged in the semantic concordance (index.* tagsense_cnt); null without index files. */
    Map<String, List<String>> tagged;
    /** Inflected verb forms from verb.exc (e.g. "brought"), plus the verb lemmas. */
    public final java.util.Set<String> verbForms = new java.util.HashSet<>();

    private static final String[] FILES = {"noun", "verb", "adj", "adv"};

    public static WordNet load(Path dir) throws IOException {
        WordNet wn = new WordNet();
        for (String f : FILES) {
            Path p = dir.resolve("data." + f);
            if (!Files.exists(p)) continue;
            try (BufferedReader r = Files.newBufferedReader(p, StandardCharsets.UTF_8)) {
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.startsWith("  ") || line.isBlank()) continue; // licence header
                    Synset s = parse(line);
                    if (s != null) wn.synsets.put(s.key, s);
                }
            }
        }
        for (Synset s : wn.synsets.values()) if (s.pos == 'v') for (String w : s.words) wn.verbForms.add(w);
        Path exc = dir.resolve("verb.exc");
        if (Files.exists(exc)) for (String l : Files.readAllLines(exc, StandardCharsets.UTF_8)) {
            String[] t = l.trim().split(" ");
            if (t.length >= 2) wn.verbForms.add(t[0]);
        }
        Path nexc = dir.resolve("noun.exc");
        if (Files.exists(nexc)) for (String l : Files.readAllLines(nexc, StandardCharsets.UTF_8)) {
            String[] t = l.trim().split(" ");
            if (t.length == 2) wn.plurals.putIfAbsent(t[1], t[0]);
        }
        for (String f : FILES) {
            Path p = dir.resolve("index." + f);
            if (!Files.exists(p)) continue;
            if (wn.tagged == null) wn.tagged = new java.util.HashMap<>();
            for (String l : Files.readAllLines(p, StandardCharsets.UTF_8)) {
                if (l.startsWith(" ") || l.isBlank()) continue;
                String[] t = l.trim().split(" +");
                int synsetCnt = Integer.parseInt(t[2]), pCnt = Integer.parseInt(t[3]);
                int tagCnt = Integer.parseInt(t[5 + pCnt]);
                char pos = filePos(t[1].charAt(0));
                for (int i = 0; i < Math.min(tagCnt, synsetCnt); i++)
                    wn.tagged.computeIfAbsent(t[0], k -> new ArrayList<>()).add(pos + ":" + t[6 + pCnt + i]);
            }
        }
        return wn;
    }

    /**
     * Whether this sense of the lemma is attested in the semantic concordance (its tag count is non-zero), i.e. a
     * common word in a common sense. True for every sense when the index files are absent (small fixtures).
     */
    public boolean isLemma(String w) {
        if (lemmas == null) {
            java.util.Set<String> l = new java.util.HashSet<>();
            for (Synset s : synsets.values()) for (String x : s.words) l.add(x.toLowerCase(java.util.Locale.ROOT));
            lemmas = l;
        }
        return lemmas.contains(w);
    }

    private java.util.Set<String> lemmas, nouns, adjectives;

    /** Whether w is a noun lemma (lower case, single word). */
    public boolean isNoun(String w) {
        if (nouns == null) nouns = lemmasOf('n');
        return nouns.contains(w);
    }

    /** Whether w is an adjective lemma (lower case, single word). */
    public boolean isAdjective(String w) {
        if (adjectives == null) adjectives = lemmasOf('a');
        return adjectives.contains(w);
    }

    private java.util.Set<String> lemmasOf(char pos) {
        java.util.Set<String> l = new java.util.HashSet<>();
        for (Synset s : synsets.values())
            if (filePos(s.pos) == pos) for (String x : s.words) l.add(x.toLowerCase(java.util.Locale.ROOT));
        return l;
    }

    public boolean tagged(String lemma, Synset s) {
        if (tagged == null) return true;
        List<String> keys = tagged.get(lemma.toLowerCase(java.util.Locale.ROOT));
        return keys != null && keys.contains(s.key);
    }

    /** Whether s is the lemma's most frequent sense (first in the index), so the word reads in this sense. */
    public boolean dominant(String lemma, Synset s) {
        if (tagged == null) return true;
        List<String> keys = tagged.get(lemma.toLowerCase(java.util.Locale.ROOT));
        return keys != null && keys.get(0).equals(s.key);
    }

    private java.util.Set<String> glossWords;

    /** Whether the word occurs in some gloss or example sentence (e.g. to tell count nouns by an attested plural). */
    public boolean attested(String w) {
        if (glossWords == null) {
            java.util.Set<String> g = new java.util.HashSet<>();
            for (Synset s : synsets.values()) {
                for (String t : s.definition.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) g.add(t);
                for (String e : s.examples) for (String t : e.toLowerCase(java.util.Locale.ROOT).split("[^a-z]+")) g.add(t);
            }
            glossWords = g;
        }
        return glossWords.contains(w);
    }

    /** Irregular noun plurals from noun.exc (singular -> plural). */
    public final Map<String, String> plurals = new java.util.HashMap<>();

    /** The plural of a noun: noun.exc, else the regular English rules. */
    public String plural(String w) {
        String p = plurals.get(w);
        if (p != null) return p;
        if (w.endsWith("man") && !w.endsWith("human")) return w.substring(0, w.length() - 3) + "men";
        if (w.matches(".*(s|x|z|ch|sh)")) return w + "es";
        if (w.matches(".*[^aeiou]y")) return w.substring(0, w.length() - 1) + "ies";
        return w + "s";
    }

    static char filePos(char pos) { return pos == 's' ? 'a' : pos; }

    static Synset parse(String line) {
        int bar = line.indexOf(" | ");
        String head = bar < 0 ? line : line.substring(0, bar);
        String gloss = bar < 0 ? "" : line.substring(bar + 3).trim();
        String[] t = head.trim().split(" +");
        Synset s = new Synset();
        s.pos = t[2].charAt(0);
        s.key = filePos(s.pos) + ":" + t[0];
        s.lexFile = t[1];
        int wc = Integer.parseInt(t[3], 16);
        int i = 4;
        for (int w = 0; w < wc; w++) {
            String word = t[i];
            int paren = word.indexOf('(');
            if (paren > 0) word = word.substring(0, paren); // adjective markers like (a), (p)
            s.words.add(word);
            i += 2;
        }
        int pc = Integer.parseInt(t[i++]);
        for (int p = 0; p < pc; p++) {
            String sym = t[i];
            String off = t[i + 1];
            char pos = filePos(t[i + 2].charAt(0));
            String st = t[i + 3];
            int src = Integer.parseInt(st.substring(0, 2), 16);
            int tgt = Integer.parseInt(st.substring(2, 4), 16);
            s.pointers.add(new Pointer(sym, pos + ":" + off, src, tgt));
            i += 4;
        }
        // gloss: definition; "example"; "example"
        StringBuilder def = new StringBuilder();
        int q = 0;
        for (String part : splitGloss(gloss)) {
            String p = part.trim();
            if (p.startsWith("\"")) {
                String ex = p.replaceAll("^\"|\"$", "").trim();
                if (!ex.isEmpty()) s.examples.add(ex);
            } else if (q == 0 && s.examples.isEmpty()) {
                if (def.length() > 0) def.append("; ");
                def.append(p);
            }
        }
        s.definition = def.toString().trim();
        return s;
    }

    private static List<String> splitGloss(String g) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inQuote = false;
        for (int i = 0; i < g.length(); i++) {
            char c = g.charAt(i);
            if (c == '"') inQuote = !inQuote;
            if (c == ';' && !inQuote) {
                out.add(cur.toString());
                cur.setLength(0);
            } else cur.append(c);
        }
        if (cur.length() > 0) out.add(cur.toString());
        return out;
    }

    public Synset get(String key) { return synsets.get(key); }

    public List<Synset> targets(Synset s, String symbol) {
        List<Synset> out = new ArrayList<>();
        for (Pointer p : s.pointers) {
            if (p.symbol.equals(symbol)) {
                Synset t = synsets.get(p.target);
                if (t != null) out.add(t);
            }
        }
        return out;
    }

    /** Index of synsets by lemma (lowercase, spaces), in file order. */
    public Map<String, List<Synset>> byLemma() {
        Map<String, List<Synset>> m = new LinkedHashMap<>();
        for (Synset s : synsets.values())
            for (String w : s.words) m.computeIfAbsent(w.replace('_', ' ').toLowerCase(), k -> new ArrayList<>()).add(s);
        return m;
    }
}
