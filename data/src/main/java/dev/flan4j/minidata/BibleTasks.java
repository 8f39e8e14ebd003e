package dev.flan4j.minidata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Paraphrase (KJV vs World English Bible) and translation (KJV vs Reina-Valera 1909) from Debian SWORD modules. */
final class BibleTasks {
    private BibleTasks() {}

    static final String KJV = "Debian sword-text-kjv 14.3-1 (CrossWire engKJV2006eb)";
    static final String WEB = "Debian sword-text-web 426.0-1 (CrossWire engWEB2015eb)";
    static final String RV = "Debian sword-text-sparv 2.60-1 (CrossWire spaRV1909eb)";

    static List<Dataset> build(Generate g) throws IOException {
        LinkedHashMap<String, String> kjv = g.src.sword("sword-text-kjv", "engKJV2006eb");
        LinkedHashMap<String, String> web = g.src.sword("sword-text-web", "engWEB2015eb");
        LinkedHashMap<String, String> rv = g.src.sword("sword-text-sparv", "spaRV1909eb");
        Path wnDir = g.src.deb("wordnet-base", "usr/share/wordnet");
        WordNet wn = Files.exists(wnDir.resolve("data.noun")) ? WordNet.load(wnDir) : null;
        List<Dataset> out = new ArrayList<>();
        if (!kjv.isEmpty() && !web.isEmpty()) out.add(paraphrase(g, kjv, web, wn));
        if (!kjv.isEmpty() && !rv.isEmpty()) out.addAll(translation(g, kjv, rv));
        return out;
    }

    static boolean usable(String v) {
        int n = Text.words(v);
        return n >= 5 && n <= 45 && !Text.offensive(v);
    }

    static Dataset paraphrase(Generate g, Map<String, String> kjv, Map<String, String> web, WordNet wn) {
        Dataset d = new Dataset("bible_paraphrase", "paraphrase").classification(List.of("no", "yes")).sizes(3000, 200, 400);
        d.t("Sentence 1: {sentence1}\nSentence 2: {sentence2}\nDo these two sentences mean the same thing?\n{options_}", "{answer}")
         .t("\"{sentence1}\"\n\"{sentence2}\"\nAre these two sentences paraphrases of each other?\n{options_}", "{answer}")
         .t("Here are two sentences:\n{sentence1}\n{sentence2}\nDo they have the same meaning?\n{options_}", "{answer}")
         .t("First: {sentence1}\nSecond: {sentence2}\nIs the second sentence a rewording of the first?\n{options_}", "{answer}")
         .t("Do the following two passages say the same thing in different words?\n\n{sentence1}\n\n{sentence2}\n{options_}", "{answer}")
         .t("{sentence1}\n\nDoes that sentence have the same meaning as \"{sentence2}\"?\n{options_}", "{answer}")
         .turned("Rewrite this old English verse in modern English:\n\n{sentence1}", "{modern}")
         .turned("{modern}\n\nHow would this sentence be phrased in the English of the King James Bible?", "{sentence1}");
        d.card(KJV + "; " + WEB, "KJV 14.3, WEB 426.0", "Public Domain (both texts)",
                "constructed by rule: sentence1 is a King James Version verse; sentence2 is the World English Bible "
                        + "rendering of the same verse (yes) or, PAWS-style, that same WEB rendering with two of its "
                        + "words or phrases swapped (no), so that a negative has the words of the positive it could "
                        + "have been: two names (words the WEB capitalises mid-sentence and almost never writes in "
                        + "lower case), two WordNet nouns of one number heading their phrases, or two number words; "
                        + "else a name and a determiner + noun phrase; else two object pronouns or two possessives. "
                        + "Each swapped word occurs once in the verse; words that are coordinated or listed ('Moses "
                        + "and Aaron', 'his sons, his daughters', 'from Dan to Beersheba'), parts of one name, or names "
                        + "of one referent (God/Yahweh/Lord) are never swapped. A verse with no such pair gets one noun "
                        + "(else name) replaced by one of the neighbouring verse's, a word sentence1 lacks where "
                        + "possible (about 14% of negatives); else its first negation taken out or a 'not' put after "
                        + "its first auxiliary (8%); else the earlier negative, the WEB rendering of the next or "
                        + "previous verse (4%), which every negative was in earlier collections (word overlap then "
                        + "scored 96.5% on test); verses, labels and neighbours are drawn as they were then. The "
                        + "field 'modern' always holds the WEB rendering of sentence1's verse.",
                "Paraphrase identification between early-modern and modern English translations of the same verse "
                        + "(PAWS-like: most negatives are the same modern verse with two names, nouns or pronouns "
                        + "swapped, so they share the positive's words and only word order tells who did what to whom; "
                        + "word overlap with sentence1 does not separate the labels).");
        Random r = g.rng("bible_paraphrase"); // which verses, which label, which neighbour: the same draws as before
        Random swaps = g.rng("bible_paraphrase/negatives"); // which pair to swap in a negative
        Negatives neg = new Negatives(web.values(), wn);
        List<String> refs = new ArrayList<>();
        for (String ref : kjv.keySet()) if (web.containsKey(ref)) refs.add(ref);
        for (String ref : refs) {
            String a = kjv.get(ref);
            String same = web.get(ref);
            if (!usable(a) || !usable(same)) continue;
            if (r.nextInt(5) != 0) continue; // sample ~20% of verses
            Example e = d.add().field("sentence1", a);
            if (r.nextBoolean()) {
                e.field("sentence2", same).answer("yes");
            } else {
                int dot = ref.lastIndexOf('.');
                int v = Integer.parseInt(ref.substring(dot + 1));
                String base = ref.substring(0, dot + 1);
                String other = web.get(base + (r.nextBoolean() ? v + 1 : v - 1));
                if (other == null) other = web.get(base + (v + 1));
                if (other == null) other = web.get(base + (v - 1));
                if (other == null || !usable(other)) { d.examples.remove(d.examples.size() - 1); continue; }
                e.field("sentence2", neg.negative(a, same, other, swaps)).answer("no");
            }
            e.field("modern", same).group(ref.substring(0, ref.lastIndexOf('.')));
        }
        System.err.printf("bible_paraphrase negatives: %d swaps, %d replacements, %d negations, %d neighbouring verses%n",
                neg.swapped, neg.replaced, neg.negated, neg.neighbours);
        return d;
    }

    /**
     * PAWS-style negatives: the modern rendering of the same verse with two names, nouns, numbers or pronouns (or a
     * name and a noun phrase) swapped, so its words stay and its meaning changes ("Moses said to Aaron" -> "Aaron
     * said to Moses"), and word overlap with sentence1 is what the positive's would be. No part-of-speech tagger: names
     * come from the WEB's capitals, nouns from WordNet and the word before them (see {@link #isNoun}).
     */
    static final class Negatives {
        static final Pattern WORD = Pattern.compile("\\p{L}+(?:-\\p{L}+)*");
        /** Marks before a word that make it open a sentence, clause or quotation (so its capital says nothing). */
        static final Pattern OPENING = Pattern.compile("[.!?:;\"'\u201c\u201d\u2018\u2019(]");
        static final Set<String> DETERMINERS = Set.of("the", "a", "an", "his", "her", "my", "your", "their", "our",
                "its", "this", "these", "those", "that", "every", "each", "no", "any", "some", "whose");
        /** Prepositions before a bare noun ("with water", "in mortar"). */
        static final Set<String> PREPOSITIONS = Set.of("in", "with", "of", "for", "from", "by", "into", "on", "without",
                "upon", "among", "against", "through", "to", "unto", "before", "after", "over", "under", "at");
        static final Set<String> CONJUNCTIONS = Set.of("and", "or", "nor");
        /** Words that may stand between two coordinated words ("X and Y", "his X, his Y"): a swap there keeps the meaning. */
        static final Set<String> JOINERS = Set.of("and", "or", "nor", "with", "also", "even", "both", "either",
                "neither", "all", "the", "a", "an", "his", "her", "my", "your", "their", "our", "its", "this", "these",
                "those", "every", "then", "as", "well");
        static final Set<String> NOT_NAMES = Set.of("i", "o", "oh", "amen", "selah", "hallelujah");
        /** Words after a determiner that are not the head noun of their phrase, or read as a noun only in odd senses. */
        static final Set<String> NOT_NOUNS = Set.of("first", "second", "third", "fourth", "fifth", "sixth", "seventh",
                "eighth", "ninth", "tenth", "eleventh", "twelfth", "last", "next", "rest", "other", "others", "same",
                "whole", "one", "ones", "many", "few", "more", "less", "least", "most", "like", "former", "latter",
                "very", "best", "great", "own", "sake", "midst", "thing", "things", "way", "ways", "kind", "part",
                "means", "news", "series", "species", "alms", "lot");
        static final Set<String> NUMBERS = Set.of("two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                "eleven", "twelve", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
                "hundred", "thousand", "hundreds", "thousands");
        /** Object pronouns and possessive determiners (not the ambiguous "her", "you"): swapped within their class. */
        static final Set<String> OBJECTS = Set.of("me", "him", "them", "us"),
                POSSESSIVES = Set.of("my", "your", "his", "their", "our");
        /** Names of one referent: swapping them keeps the meaning. */
        static final List<Set<String>> SAME_REFERENT = List.of(Set.of("god", "yahweh", "lord", "jah", "almighty"),
                Set.of("jesus", "christ"), Set.of("israel", "jacob"), Set.of("abram", "abraham"), Set.of("sarai", "sarah"));

        final WordNet wn;
        /** Names: capitalised mid-sentence in the WEB and in lower case at most a tenth as often (never when rare). */
        final Set<String> names = new HashSet<>();
        final Set<String> irregularPlurals = new HashSet<>();
        int swapped, replaced, negated, neighbours;

        Negatives(Collection<String> verses, WordNet wn) {
            this.wn = wn;
            if (wn != null) irregularPlurals.addAll(wn.plurals.values());
            Map<String, Integer> capital = new HashMap<>(), lower = new HashMap<>();
            for (String v : verses) {
                for (Tok t : tokens(v)) {
                    if (Character.isLowerCase(t.text.charAt(0))) lower.merge(t.lower, 1, Integer::sum);
                    else if (!t.initial) capital.merge(t.lower, 1, Integer::sum);
                }
            }
            for (Map.Entry<String, Integer> c : capital.entrySet()) {
                int low = lower.getOrDefault(c.getKey(), 0);
                if ((low == 0 || c.getValue() >= 10 && low * 10 <= c.getValue()) && c.getKey().length() > 1
                        && !NOT_NAMES.contains(c.getKey()) && !c.getKey().contains("-"))
                    names.add(c.getKey());
            }
        }

        /** A word of a verse: its text, lower-cased form, offsets, whether it opens a sentence or quotation, the text before it. */
        record Tok(String text, String lower, int start, int end, boolean initial, String before) {}

        static List<Tok> tokens(String v) {
            List<Tok> out = new ArrayList<>();
            Matcher m = WORD.matcher(v);
            int prevEnd = 0;
            while (m.find()) {
                String before = v.substring(prevEnd, m.start());
                boolean initial = out.isEmpty() || OPENING.matcher(before).find();
                out.add(new Tok(m.group(), m.group().toLowerCase(Locale.ROOT), m.start(), m.end(), initial, before));
                prevEnd = m.end();
            }
            return out;
        }

        boolean isName(Tok t) {
            return Character.isUpperCase(t.text.charAt(0)) && t.text.chars().allMatch(Character::isLetter)
                    && names.contains(t.lower);
        }

        /**
         * A common noun heading its phrase: right after a determiner, a determiner and an adjective, a possessive 's,
         * or (not an adjective, not -ing) a preposition; never a compound's modifier ("the sin offering").
         */
        boolean isNoun(List<Tok> tk, int i) {
            if (wn == null || i == 0) return false;
            Tok t = tk.get(i);
            if (!Character.isLowerCase(t.text.charAt(0)) || t.text.length() < 3 || t.text.contains("-")) return false;
            if (WordNetTasks.STOP.contains(t.lower) || NOT_NOUNS.contains(t.lower) || NUMBERS.contains(t.lower)
                    || !nounForm(t.lower) || !t.before.isBlank()) return false;
            if (i + 1 < tk.size() && tk.get(i + 1).before.isBlank()) {
                String next = tk.get(i + 1).lower;
                if (wn.isNoun(next) && !WordNetTasks.STOP.contains(next) && !WordNetTasks.FINITE.contains(next)
                        && !next.endsWith("ed")) return false;
            }
            Tok p = tk.get(i - 1);
            if (p.lower.equals("that")) return !wn.verbForms.contains(t.lower); // "that day", not "camels that bore"
            if (DETERMINERS.contains(p.lower)) return true;
            if (p.lower.equals("s") && p.before.endsWith("'")) return true; // Yahweh's house
            boolean adjective = wn.isAdjective(t.lower);
            if (i >= 2 && DETERMINERS.contains(tk.get(i - 2).lower) && !tk.get(i - 2).lower.equals("that")
                    && p.before.isBlank() && Character.isLowerCase(p.text.charAt(0)) && wn.isAdjective(p.lower)
                    && !adjective && !WordNetTasks.STOP.contains(p.lower) && !NOT_NOUNS.contains(p.lower)
                    && !NUMBERS.contains(p.lower)) return true;
            return PREPOSITIONS.contains(p.lower) && !adjective && !t.lower.endsWith("ing")
                    && !wn.verbForms.contains(t.lower);
        }

        /** Whether the name at i is one word of a longer name or title ("Kiriath Jearim", "King Solomon", "Simon Peter"). */
        boolean partOfName(List<Tok> tk, int i) {
            if (i > 0 && tk.get(i).before.isBlank() && Character.isUpperCase(tk.get(i - 1).text.charAt(0))
                    && (!tk.get(i - 1).initial || isName(tk.get(i - 1)))) return true;
            return i + 1 < tk.size() && tk.get(i + 1).before.isBlank() && Character.isUpperCase(tk.get(i + 1).text.charAt(0));
        }

        /** A number word, not part of a longer numeral ("nine hundred thirty"). */
        static boolean isNumber(List<Tok> tk, int i) {
            if (!NUMBERS.contains(tk.get(i).lower) || !Character.isLowerCase(tk.get(i).text.charAt(0))) return false;
            if (i > 0 && tk.get(i).before.isBlank() && NUMBERS.contains(tk.get(i - 1).lower)) return false;
            return i + 1 >= tk.size() || !tk.get(i + 1).before.isBlank() && !tk.get(i + 1).before.strip().equals("-")
                    || !NUMBERS.contains(tk.get(i + 1).lower) && !tk.get(i + 1).lower.equals("and");
        }

        boolean nounForm(String w) {
            return wn.isNoun(w) || irregularPlurals.contains(w) || stem(w) != null;
        }

        /** The singular of a regular plural noun, or null. */
        String stem(String w) {
            if (!w.endsWith("s") || w.endsWith("ss") || w.endsWith("us") || w.endsWith("is")) return null;
            if (w.endsWith("ies") && wn.isNoun(w.substring(0, w.length() - 3) + "y")) return w.substring(0, w.length() - 3) + "y";
            if (w.endsWith("es") && wn.isNoun(w.substring(0, w.length() - 2))) return w.substring(0, w.length() - 2);
            if (wn.isNoun(w.substring(0, w.length() - 1))) return w.substring(0, w.length() - 1);
            return null;
        }

        boolean plural(String w) {
            return irregularPlurals.contains(w) || stem(w) != null;
        }

        /**
         * Whether the words i < j are adjacent, coordinated or items of one list, so that swapping them keeps the
         * meaning (kind: each word's class, as in {@link #negative}).
         */
        static boolean coordinated(List<Tok> tk, int[] kind, int i, int j, boolean sameKind) {
            if (j == i + 1) return true; // "Simon Peter", "six, seven"
            boolean joiners = true, joinersOrPrepositions = true, list = true, conjunction = false, comma = false;
            for (int k = i + 1; k <= j; k++) {
                Tok t = tk.get(k);
                if (t.before.contains(",") || t.before.contains(";")) comma = true;
                if (k == j) break;
                if (CONJUNCTIONS.contains(t.lower)) conjunction = true;
                if (!JOINERS.contains(t.lower)) joiners = false;
                if (!JOINERS.contains(t.lower) && !PREPOSITIONS.contains(t.lower)) {
                    joinersOrPrepositions = false;
                    if (!sameKind || kind[k] != kind[i]) list = false;
                }
            }
            if (joiners) return true; // "Moses and Aaron", "his sons, his daughters", "the elders with the priests"
            if (joinersOrPrepositions && (conjunction || comma)) return true; // "of God and of Jesus", "in the camp, in the field"
            if (list && (conjunction || comma)) return true; // "Elam, Asshur, Arpachshad, Lud, and Aram"
            if (i > 0 && tk.get(i - 1).lower.equals("from")) { // "from Dan to Beersheba"
                boolean range = true;
                for (int k = i + 1; k < j; k++)
                    if (!Set.of("to", "unto", "even", "the", "as", "far").contains(tk.get(k).lower)) range = false;
                if (range) return true;
            }
            return false;
        }

        /** Whether the words are the same, one the other's plural, or two names of one referent. */
        boolean sameWord(String a, String b) {
            if (a.equals(b)) return true;
            for (Set<String> s : SAME_REFERENT) if (s.contains(a) && s.contains(b)) return true;
            if (wn == null) return false;
            return a.equals(stem(b)) || b.equals(stem(a));
        }

        /**
         * The negative for a verse: its modern rendering with two words or phrases swapped (in this order of
         * preference: two names, two nouns of one number or two numbers; a name and a determiner + singular noun
         * phrase; two object pronouns or two possessives). Without a pair: one noun (else name) replaced by one of the
         * neighbouring verse's, preferring words that sentence1 does not have (so the word overlap with sentence1
         * stays); else the verse negated; else the neighbouring verse itself.
         */
        String negative(String sentence1, String same, String neighbour, Random r) {
            List<Tok> tk = tokens(same);
            int n = tk.size();
            int[] kind = new int[n]; // 0 none, 1 name, 2 noun, 3 number, 4 object pronoun, 5 possessive
            Map<String, Integer> count = new HashMap<>();
            for (Tok t : tk) count.merge(t.lower, 1, Integer::sum);
            for (int i = 0; i < n; i++) {
                Tok t = tk.get(i);
                boolean lower = Character.isLowerCase(t.text.charAt(0));
                kind[i] = isName(t) ? (partOfName(tk, i) ? 0 : 1) : isNoun(tk, i) ? 2 : isNumber(tk, i) ? 3
                        : lower && OBJECTS.contains(t.lower) ? 4 : lower && POSSESSIVES.contains(t.lower) ? 5 : 0;
                if (kind[i] <= 3 && count.get(t.lower) > 1) kind[i] = 0; // "as Yahweh commanded Yahweh": only words said once
                if (same.startsWith("'", t.end) && !same.startsWith("'s", t.end)) kind[i] = 0; // "the changers' money"
            }
            for (int tier = 0; tier < 3; tier++) {
                List<int[]> pairs = new ArrayList<>(); // {start1, end1, start2, end2}: token spans, inclusive
                for (int i = 0; i < n; i++)
                    for (int j = i + 1; j < n; j++) {
                        if (kind[i] == 0 || kind[j] == 0) continue;
                        String a = tk.get(i).lower, b = tk.get(j).lower;
                        if (tier == 1) { // a name and a noun phrase, either way round
                            int s1 = i, s2 = j;
                            if (kind[i] == 1 && kind[j] == 2) s2 = phraseStart(tk, j);
                            else if (kind[i] == 2 && kind[j] == 1) s1 = phraseStart(tk, i);
                            else continue;
                            if (s1 < 0 || s2 < 0 || plural(kind[i] == 2 ? a : b) || s2 <= i) continue;
                            int name = kind[i] == 1 ? i : j; // "the God of ...": the determiner would stay behind
                            if (name > 0 && DETERMINERS.contains(tk.get(name - 1).lower)) continue;
                            if (!coordinated(tk, kind, i, s2, false)) pairs.add(new int[] {s1, i, s2, j});
                            continue;
                        }
                        if (kind[i] != kind[j] || (kind[i] <= 3) != (tier == 0)) continue;
                        if (kind[i] == 2 && plural(a) != plural(b)) continue;
                        if (!sameWord(a, b) && !coordinated(tk, kind, i, j, true)) pairs.add(new int[] {i, i, j, j});
                    }
                if (!pairs.isEmpty()) {
                    swapped++;
                    return swap(same, tk, pairs.get(r.nextInt(pairs.size())));
                }
            }
            Set<String> inSentence1 = new HashSet<>();
            for (Tok t : tokens(sentence1)) inSentence1.add(t.lower);
            Set<String> here = new HashSet<>();
            for (Tok t : tk) here.add(t.lower);
            List<Tok> nt = tokens(neighbour);
            for (int want : new int[] {2, 1}) {
                List<Integer> slots = new ArrayList<>(), fresh = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (kind[i] != want) continue;
                    slots.add(i);
                    if (!inSentence1.contains(tk.get(i).lower)) fresh.add(i);
                }
                if (!fresh.isEmpty()) slots = fresh;
                List<Tok> fills = new ArrayList<>();
                for (int i = 0; i < nt.size(); i++) {
                    Tok t = nt.get(i);
                    if (here.contains(t.lower) || inSentence1.contains(t.lower)) continue;
                    if (want == 1 ? isName(t) : !isName(t) && isNoun(nt, i)) fills.add(t);
                }
                List<Integer> order = new ArrayList<>(slots);
                java.util.Collections.shuffle(order, r);
                for (int s : order) {
                    Tok x = tk.get(s);
                    List<Tok> fit = new ArrayList<>();
                    for (Tok t : fills) if (want == 1 || plural(t.lower) == plural(x.lower)) fit.add(t);
                    if (fit.isEmpty()) continue;
                    replaced++;
                    return replace(same, tk, s, s, fit.get(r.nextInt(fit.size())).text);
                }
            }
            String negated = negate(same, tk);
            if (negated != null) {
                this.negated++;
                return negated;
            }
            neighbours++;
            return neighbour;
        }

        /** The first token of the determiner (+ adjective) + noun phrase headed by the noun at i, or -1. */
        int phraseStart(List<Tok> tk, int i) {
            if (i >= 1 && DETERMINERS.contains(tk.get(i - 1).lower)) return i - 1;
            Tok p = tk.get(i - 1);
            if (i >= 2 && DETERMINERS.contains(tk.get(i - 2).lower) && !tk.get(i - 2).lower.equals("that")
                    && p.before.isBlank() && Character.isLowerCase(p.text.charAt(0)) && wn.isAdjective(p.lower)
                    && !WordNetTasks.STOP.contains(p.lower)) return i - 2;
            return -1;
        }

        static final Map<String, String> NOT_CONTRACTED = Map.ofEntries(Map.entry("don", "do"), Map.entry("didn", "did"),
                Map.entry("doesn", "does"), Map.entry("isn", "is"), Map.entry("wasn", "was"), Map.entry("aren", "are"),
                Map.entry("weren", "were"), Map.entry("won", "will"), Map.entry("can", "can"), Map.entry("couldn", "could"),
                Map.entry("shouldn", "should"), Map.entry("wouldn", "would"), Map.entry("hasn", "has"),
                Map.entry("haven", "have"), Map.entry("hadn", "had"), Map.entry("mustn", "must"), Map.entry("shan", "shall"));
        static final Set<String> SUBJECTS = Set.of("i", "you", "he", "she", "it", "we", "they", "there");
        static final Set<String> AUXILIARIES = Set.of("will", "shall", "is", "was", "are", "were", "can", "may", "must",
                "should", "would", "could", "am");

        /** The verse with its first negation taken out ("not", "n't"), or else "not" put after its first auxiliary; or null. */
        static String negate(String v, List<Tok> tk) {
            for (int i = 1; i < tk.size(); i++) {
                Tok t = tk.get(i), p = tk.get(i - 1);
                if (t.lower.equals("not") && AUXILIARIES.contains(p.lower) && t.before.equals(" "))
                    return v.substring(0, p.end) + v.substring(t.end);
                if (t.lower.equals("t") && t.before.equals("'") && NOT_CONTRACTED.containsKey(p.lower)) {
                    String pos = NOT_CONTRACTED.get(p.lower);
                    if (Character.isUpperCase(p.text.charAt(0))) pos = Text.capitalize(pos);
                    return v.substring(0, p.start) + pos + v.substring(t.end);
                }
            }
            for (int i = 0; i + 1 < tk.size(); i++) {
                Tok t = tk.get(i);
                if (AUXILIARIES.contains(t.lower) && !t.initial && tk.get(i + 1).before.equals(" ")
                        && !tk.get(i + 1).lower.equals("not") && !SUBJECTS.contains(tk.get(i + 1).lower))
                    return v.substring(0, t.end) + " not" + v.substring(t.end);
            }
            return null;
        }

        /** The verse with the spans {s1, e1, s2, e2} (token indices, inclusive) swapped, capitals and "a"/"an" fitted. */
        String swap(String v, List<Tok> tk, int[] p) {
            String first = v.substring(tk.get(p[0]).start, tk.get(p[1]).end);
            String second = v.substring(tk.get(p[2]).start, tk.get(p[3]).end);
            String out = replace(v, tk, p[2], p[3], first);
            return replace(out, tk, p[0], p[1], second); // the later span first, so the earlier offsets still hold
        }

        /** The verse with tokens s..e replaced by text: its capital fitted to the place, "a"/"an" before it fitted. */
        String replace(String v, List<Tok> tk, int s, int e, String text) {
            Tok at = tk.get(s);
            String firstWord = text.split("[^\\p{L}]", 2)[0].toLowerCase(Locale.ROOT);
            if (Character.isUpperCase(text.charAt(0)) && DETERMINERS.contains(firstWord))
                text = Character.toLowerCase(text.charAt(0)) + text.substring(1); // "The king" moved mid-sentence
            if (at.initial && Character.isUpperCase(at.text.charAt(0))) text = Text.capitalize(text);
            if (s > 0 && at.before.equals(" ")
                    && (tk.get(s - 1).lower.equals("a") || tk.get(s - 1).lower.equals("an"))) {
                Tok art = tk.get(s - 1);
                String a = "aeiou".indexOf(Character.toLowerCase(text.charAt(0))) >= 0 ? "an" : "a";
                if (Character.isUpperCase(art.text.charAt(0))) a = Text.capitalize(a);
                return v.substring(0, art.start) + a + " " + text + v.substring(tk.get(e).end);
            }
            return v.substring(0, at.start) + text + v.substring(tk.get(e).end);
        }
    }

    static List<Dataset> translation(Generate g, Map<String, String> kjv, Map<String, String> rv) {
        Dataset en = new Dataset("translation_en_es", "translation").generation("bleu").sizes(3000, 200, 400);
        en.t("Translate to Spanish:\n\n{english}", "{answer}")
          .t("{english}\n\nTranslate this sentence into Spanish.", "{answer}")
          .t("How is \"{english}\" said in Spanish?", "{answer}")
          .t("English: {english}\nSpanish:", "{answer}")
          .t("Translate the following verse from English to Spanish:\n{english}", "{answer}")
          .t("Write the Spanish version of this text: {english}", "{answer}")
          .turned("Translate to English:\n\n{answer}", "{english}")
          .turned("{answer}\n\nWhat does this Spanish verse say in English?", "{english}");
        Dataset es = new Dataset("translation_es_en", "translation").generation("bleu").sizes(3000, 200, 400);
        es.t("Translate to English:\n\n{spanish}", "{answer}")
          .t("{spanish}\n\nTranslate this sentence into English.", "{answer}")
          .t("What does \"{spanish}\" mean in English?", "{answer}")
          .t("Spanish: {spanish}\nEnglish:", "{answer}")
          .t("Translate the following verse from Spanish to English:\n{spanish}", "{answer}")
          .t("Write the English version of this text: {spanish}", "{answer}")
          .turned("Translate to Spanish:\n\n{answer}", "{spanish}")
          .turned("{answer}\n\nHow would you say this in Spanish?", "{spanish}");
        String card = "constructed by alignment: verse pairs aligned by reference (both modules use KJV versification); "
                + "the translation is given by the source texts (King James Version 1769 and Reina-Valera 1909)";
        en.card(KJV + "; " + RV, "KJV 14.3, RV1909 2.60", "Public Domain (both texts)", card,
                "English -> Spanish translation of Bible verses (early-modern English and 1909 Spanish).");
        es.card(KJV + "; " + RV, "KJV 14.3, RV1909 2.60", "Public Domain (both texts)", card,
                "Spanish -> English translation of Bible verses (1909 Spanish and early-modern English).");
        Random r = g.rng("translation");
        for (Map.Entry<String, String> k : kjv.entrySet()) {
            String s = rv.get(k.getKey());
            if (s == null || !usable(k.getValue()) || !usable(s) || Text.words(k.getValue()) > 40) continue;
            int pick = r.nextInt(8); // disjoint samples of verses for the two directions
            String chapter = k.getKey().substring(0, k.getKey().lastIndexOf('.'));
            if (pick == 0) en.add().field("english", k.getValue()).answer(s).group(chapter);
            else if (pick == 1) es.add().field("spanish", s).answer(k.getValue()).group(chapter);
        }
        return List.of(en, es);
    }
}
