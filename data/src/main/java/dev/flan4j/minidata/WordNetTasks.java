package dev.flan4j.minidata;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Datasets built from WordNet 3.0 (Debian wordnet-base): NLI, WiC, CommonGen-like, entry-to-text, antonyms. */
final class WordNetTasks {
    private WordNetTasks() {}

    static final String SOURCE = "Debian wordnet-base 1:3.0-37 (Princeton WordNet 3.0)";
    static final String VERSION = "3.0 (Debian 1:3.0-37)";
    static final String LICENSE = "WordNet 3.0 license (BSD-style, Princeton University)";

    static final Set<String> STOP = Set.of("a", "an", "the", "and", "or", "but", "of", "to", "in", "on", "at", "for",
            "with", "by", "from", "as", "is", "was", "were", "are", "be", "been", "being", "it", "its", "he", "she", "they",
            "them", "his", "her", "their", "i", "you", "we", "me", "my", "your", "our", "us", "him", "this", "that",
            "these", "those", "there", "here", "not", "no", "do", "did", "does", "had", "has", "have", "will", "would",
            "can", "could", "should", "may", "might", "must", "shall", "so", "if", "than", "then", "too", "very", "all",
            "any", "some", "what", "which", "who", "whom", "when", "where", "why", "how", "into", "out", "up", "down",
            "over", "under", "about", "after", "before", "s", "t", "one", "just", "also", "only", "more", "most");

    static List<Dataset> build(Generate g) throws IOException {
        Path dir = g.src.deb("wordnet-base", "usr/share/wordnet");
        if (!Files.exists(dir.resolve("data.noun"))) return List.of();
        WordNet wn = WordNet.load(dir);
        List<Dataset> out = new ArrayList<>();
        out.add(nli(g, wn));
        out.add(wic(g, wn));
        out.add(commonGen(g, wn));
        out.add(entryToText(g, wn));
        out.add(antonyms(g, wn));
        return out;
    }

    static String sentence(String ex) {
        String s = Text.normalize(ex.replace('`', '\''));
        int attr = s.indexOf("\"-");
        if (attr > 0) s = s.substring(0, attr); // quotation attributions: ...\"- Author
        if (s.isEmpty()) return s;
        s = Text.capitalize(s);
        char last = s.charAt(s.length() - 1);
        if (last != '.' && last != '!' && last != '?' && last != '"') s = s + ".";
        return s;
    }

    static String fixArticles(String s) {
        return s.replaceAll("\\b([Aa]) ([aeiouAEIOU])", "$1n $2").replaceAll("\\b([Aa])n ([^aeiouAEIOU\\W])", "$1 $2");
    }

    /** First single-word lemma of the synset (null if none). */
    static String single(WordNet.Synset s) {
        for (String w : s.words) if (!w.contains("_") && w.chars().allMatch(Character::isLetter) && Character.isLowerCase(w.charAt(0))) return w;
        return null;
    }

    /** Noun lexicographer files of concrete things (animal, artifact, body, food, object, person, plant, substance). */
    static final Set<String> CONCRETE = Set.of("05", "06", "08", "13", "17", "18", "20", "27");
    /** Words that make a context not upward-monotone or not a plain assertion (negation, quantifiers, conditionals...). */
    static final Set<String> NON_MONOTONE = Set.of("not", "no", "never", "nothing", "none", "nobody", "neither", "nor",
            "without", "every", "each", "all", "any", "few", "only", "if", "unless", "whether", "than", "too", "hardly",
            "scarcely", "barely", "cannot", "instead", "rather", "except", "lack", "lacks", "lacked", "fail", "failed",
            "refused", "avoid", "prevent", "stop", "against", "doubt", "deny", "denied", "least", "most", "almost");
    /** Subordinators: a sentence with one of these has a second clause, so negating its copula may not contradict it. */
    static final Set<String> CLAUSE = Set.of("who", "which", "that", "when", "whenever", "because", "since", "although",
            "though", "while", "until", "where", "after", "before", "once", "as", "so", "or", "what", "how", "why");
    static final Set<String> DETERMINERS = Set.of("a", "an", "the", "his", "her", "my", "their", "our", "your", "its", "this");
    static final Set<String> FINITE = Set.of("is", "are", "was", "were", "am", "has", "have", "had", "does", "did",
            "will", "would", "can", "could", "should", "may", "might", "must");
    static final Set<String> SUBJECTS = Set.of("he", "she", "they", "we", "i", "you");
    static final Set<String> COPULAS = Set.of("is", "are", "was", "were", "can", "will");

    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        for (String t : s.toLowerCase(java.util.Locale.ROOT).split("[^a-z']+")) if (!t.isEmpty()) out.add(t);
        return out;
    }

    /** A plain declarative sentence: 5-25 words, a finite verb, a period at the end, no quotation or semicolon. */
    static boolean plainSentence(String s, boolean properStart, WordNet wn) {
        int n = Text.words(s);
        if (n < 5 || n > 25 || !s.endsWith(".") || s.contains("\"") || s.contains(";") || s.contains(":")
                || s.contains("(") || Text.offensive(s)) return false;
        List<String> tk = tokens(s);
        // it starts like a clause: a determiner, a pronoun or a name (not "Needs continued support...")
        if (!DETERMINERS.contains(tk.get(0)) && !SUBJECTS.contains(tk.get(0)) && !Set.of("it", "there", "some", "many",
                "these", "those", "that", "she", "mrs", "mr").contains(tk.get(0)) && !properStart) return false;
        boolean det = tk.get(0).equals("a") || tk.get(0).equals("an");
        for (String t : tk) {
            if (FINITE.contains(t) || SUBJECTS.contains(t)) return true;
            if (det) continue; // "A device intended to ...": a participle, not a finite verb
            if (t.length() > 4 && t.endsWith("ed") && (wn.verbForms.contains(t.substring(0, t.length() - 1))
                    || wn.verbForms.contains(t.substring(0, t.length() - 2)))) return true;
            if (wn.verbForms.contains(t) && !wn.isLemma(t)) return true; // irregular past forms (brought, saw)
        }
        return false;
    }

    /** Upward-monotone context, one main clause: substituting a hypernym keeps the sentence true. */
    static boolean monotone(String s) {
        for (String t : tokens(s)) if (NON_MONOTONE.contains(t) || t.endsWith("n't")) return false;
        return true;
    }

    /** The word occurs once, as a noun head after a determiner (possibly with one adjective between). */
    static boolean nounSlot(WordNet wn, String s, String w, boolean plural) {
        List<String> tk = tokens(s);
        if (tk.stream().filter(w::equals).count() != 1) return false;
        int i = tk.indexOf(w);
        if (i + 1 < tk.size() && tk.get(i + 1).equals("of")) return false; // "a piece of ...": head is elsewhere
        if (i + 1 < tk.size()) { // a compound modifier ("gas station", "right hand")
            String next = tk.get(i + 1);
            if (wn.isNoun(next) && !FINITE.contains(next) && !next.endsWith("ed") && !WordNetTasks.STOP.contains(next)) return false;
        }
        if (plural && (i == 0 || !DETERMINERS.contains(tk.get(i - 1)) && !wn.isNoun(tk.get(i - 1)))) return true; // bare plural
        if (i >= 1 && DETERMINERS.contains(tk.get(i - 1))) return true;
        // determiner + one adjective that is not also a noun ("a large bag", not "a tie beam")
        return i >= 2 && DETERMINERS.contains(tk.get(i - 2)) && wn.isAdjective(tk.get(i - 1)) && !wn.isNoun(tk.get(i - 1));
    }

    static boolean concrete(WordNet.Synset s) { return s.pos == 'n' && CONCRETE.contains(s.lexFile); }

    /** A single-word lemma of the synset that is common in this sense, other than w; null if none. */
    static String commonLemma(WordNet wn, WordNet.Synset s, String w) {
        for (String x : s.words) {
            if (x.contains("_") || x.equalsIgnoreCase(w) || !x.chars().allMatch(Character::isLetter)) continue;
            if (s.pos == 'n' && !wn.attested(wn.plural(x))) continue; // a count noun, so "a X" and "Xs" read well
            if (!Character.isLowerCase(x.charAt(0)) || !wn.dominant(x, s)) continue;
            return x;
        }
        return null;
    }

    static Dataset nli(Generate g, WordNet wn) {
        List<String> opts = List.of("yes", "it is not possible to tell", "no");
        Dataset d = new Dataset("wordnet_nli", "nli").classification(opts).sizes(3000, 200, 400);
        d.t("Premise: {premise}\nHypothesis: {hypothesis}\nDoes the premise entail the hypothesis?\n{options_}", "{answer}")
         .t("{premise}\n\nBased on the sentence above, can we conclude that \"{hypothesis}\"?\n{options_}", "{answer}")
         .t("Read the following and determine if the hypothesis can be inferred from the premise.\n\nPremise: {premise}\n\nHypothesis: {hypothesis}\n{options_}", "{answer}")
         .t("If \"{premise}\", does it follow that \"{hypothesis}\"?\n{options_}", "{answer}")
         .t("Sentence 1: {premise}\nSentence 2: {hypothesis}\nIf the first sentence is true, is the second one true as well?\n{options_}", "{answer}")
         .t("{premise}\nIs it true that {hypothesis}\n{options_}", "{answer}")
         .t("Here is a premise: \"{premise}\"\nHere is a hypothesis: \"{hypothesis}\"\nIs it possible to conclude that if the premise is true, then so is the hypothesis?\n{options_}", "{answer}")
         .turned("Premise: {premise}\nWrite a hypothesis such that the answer to \"Does the premise entail the hypothesis?\" is \"{answer}\".", "{hypothesis}");
        d.card(SOURCE, VERSION, LICENSE,
                "constructed by rule from real WordNet example sentences (plain one-clause declarative sentences with a "
                        + "finite verb and no negation, quantifier, conditional or subordinate clause): the premise is the "
                        + "example sentence; the hypothesis replaces the synset's concrete noun (animal, artifact, body, food, "
                        + "object, person, plant, substance) by its hypernym (answer yes) or by a hyponym (answer: it is not "
                        + "possible to tell), replaces an adjective by its WordNet antonym (answer no), or negates the "
                        + "sentence's one copula or modal (answer no). Substituted words must be common in that sense (tagged "
                        + "in the WordNet semantic concordance). A hand audit of 125 test items (data/audit/wordnet_nli.md) found 117 correct (93.6%).",
                "WordNet-derived natural language inference with the three FLAN ANLI-style options.");
        Random r = g.rng("wordnet_nli");
        for (WordNet.Synset s : wn.synsets.values()) {
            if (s.examples.isEmpty()) continue;
            if (s.pos != 'n' && s.pos != 'a') continue;
            List<String> plain = new ArrayList<>();
            for (String ex : s.examples) {
                String prem = sentence(ex);
                if (plainSentence(prem, Character.isUpperCase(ex.charAt(0)), wn) && monotone(prem)) plain.add(prem);
            }
            for (String prem : plain) {
                List<String[]> cands = new ArrayList<>(); // premise, hypothesis, label
                String w = null;
                for (String x : s.words) if (wn.tagged(x, s) && !x.contains("_") && Text.containsWord(prem, x)) { w = x; break; }
                boolean pl = false;
                if (w == null && s.pos == 'n') // the plural of a lemma: substitute plurals ("dogs" -> "animals")
                    for (String x : s.words)
                        if (wn.tagged(x, s) && !x.contains("_") && Text.containsWord(prem, wn.plural(x))) { w = x; pl = true; break; }
                String form = w == null ? null : pl ? wn.plural(w) : w;
                final boolean plural = pl;
                java.util.function.UnaryOperator<String> inflect = x -> plural ? wn.plural(x) : x;
                if (w != null && concrete(s) && nounSlot(wn, prem, form, plural)) {
                    for (WordNet.Synset h : wn.targets(s, "@")) {
                        String hw = commonLemma(wn, h, w);
                        if (hw == null || !concrete(h)) continue;
                        String up = Text.replaceWord(prem, form, inflect.apply(hw));
                        cands.add(new String[] {prem, up, "yes"});
                        break;
                    }
                    String syn = commonLemma(wn, s, w);
                    if (syn != null) cands.add(new String[] {prem, Text.replaceWord(prem, form, inflect.apply(syn)), "yes"});
                    List<WordNet.Synset> hypo = new ArrayList<>(wn.targets(s, "~"));
                    Collections.shuffle(hypo, r);
                    for (WordNet.Synset h : hypo) {
                        String hw = commonLemma(wn, h, w);
                        if (hw != null) { cands.add(new String[] {prem, Text.replaceWord(prem, form, inflect.apply(hw)), "it is not possible to tell"}); break; }
                    }
                }
                if (w != null && !pl && s.pos == 'a') {
                    for (WordNet.Pointer p : s.pointers) {
                        if (!p.symbol.equals("!") || p.source < 1 || p.targetWord < 1) continue;
                        WordNet.Synset t = wn.get(p.target);
                        if (t == null) continue;
                        String src = s.words.get(p.source - 1), ant = t.words.get(p.targetWord - 1);
                        if (src.equals(w) && !ant.contains("_") && wn.tagged(ant, t) && tokens(prem).stream().filter(w::equals).count() == 1) {
                            cands.add(new String[] {prem, Text.replaceWord(prem, w, ant), "no"});
                            break;
                        }
                    }
                }
                String neg = negate(prem);
                if (neg != null) cands.add(new String[] {prem, neg, "no"});
                String bare = dropAdjective(wn, prem);
                if (bare != null) {
                    cands.add(new String[] {prem, bare, "yes"});
                    cands.add(new String[] {fixArticles(bare), prem, "it is not possible to tell"}); // the adjective added
                }
                boolean neutral = cands.stream().anyMatch(c -> c[2].startsWith("it is"));
                // else another example sentence of the same sense: about the same thing, neither implied nor excluded
                if (!neutral) for (String other : plain)
                    if (!other.equals(prem) && Collections.disjoint(names(prem), names(other))) {
                        cands.add(new String[] {prem, other, "it is not possible to tell"});
                        break;
                    }
                // every construction of the sentence is kept (like SNLI's three hypotheses per premise), one split per sentence
                for (String[] c : cands)
                    if (c[1] != null) d.add().field("premise", c[0]).field("hypothesis", fixArticles(c[1])).answer(c[2]).group(s.key);
            }
        }
        Map<String, Integer> counts = new java.util.TreeMap<>();
        for (Example e : d.examples) counts.merge(e.answer, 1, Integer::sum);
        System.err.println("wordnet_nli candidates per answer: " + counts);
        balanceExactly(d, r);
        return d;
    }

    /** Adjectives whose noun phrase does not imply the bare noun ("a fake gun" is not a gun). */
    static final Set<String> PRIVATIVE = Set.of("fake", "false", "former", "alleged", "artificial", "imitation", "toy",
            "mock", "pseudo", "potential", "possible", "would-be", "so-called", "counterfeit", "apparent", "supposed",
            "ex", "future", "past", "late", "dead", "only", "sole", "mere", "other", "same", "whole", "little", "much");

    /**
     * Drops the first attributive adjective of a determiner + adjective + noun phrase ("a large bag" -> "a bag"),
     * which is entailed in an upward-monotone sentence; null when there is none.
     */
    static String dropAdjective(WordNet wn, String s) {
        Matcher m = Pattern.compile("\\b(a|an|the|his|her|my|their|our|your|its|this) ([a-z]+) ([a-z]+)\\b",
                Pattern.CASE_INSENSITIVE).matcher(s);
        while (m.find()) {
            String adj = m.group(2).toLowerCase(java.util.Locale.ROOT), noun = m.group(3).toLowerCase(java.util.Locale.ROOT);
            if (!wn.isAdjective(adj) || wn.isNoun(adj) || PRIVATIVE.contains(adj) || STOP.contains(adj)) continue;
            if (!wn.isNoun(noun) || wn.isAdjective(noun) || STOP.contains(noun)) continue;
            return s.substring(0, m.start(2)) + s.substring(m.start(3));
        }
        return null;
    }

    /** Capitalised words after the first (names), to keep two sentences about different people apart. */
    static Set<String> names(String s) {
        Set<String> out = new HashSet<>();
        String[] w = s.split("[^A-Za-z]+");
        for (int i = 1; i < w.length; i++) if (!w[i].isEmpty() && Character.isUpperCase(w[i].charAt(0))) out.add(w[i]);
        return out;
    }

    /** Inserts "not" after the sentence's only copula or modal ("is" -> "is not", "can" -> "cannot"); null otherwise. */
    static String negate(String s) {
        List<String> tk = tokens(s);
        String cop = null;
        for (String t : tk) {
            if (CLAUSE.contains(t) || NON_MONOTONE.contains(t) || t.endsWith("n't")) return null;
            if (COPULAS.contains(t) || FINITE.contains(t)) { if (cop != null) return null; cop = t; }
        }
        if (cop == null || !COPULAS.contains(cop) || tk.get(0).equals(cop) || tk.get(0).equals("there")) return null;
        return Text.replaceWord(s, cop, cop.equals("can") ? "cannot" : cop + " not");
    }

    /** Keeps the same number of examples of every answer (the rarest answer's count), chosen at random. */
    static void balanceExactly(Dataset d, Random r) {
        Map<String, List<Example>> by = new LinkedHashMap<>();
        for (Example e : d.examples) by.computeIfAbsent(e.answer, k -> new ArrayList<>()).add(e);
        int min = Integer.MAX_VALUE;
        for (List<Example> l : by.values()) min = Math.min(min, l.size());
        Set<Example> keep = new HashSet<>();
        for (List<Example> l : by.values()) {
            List<Example> c = new ArrayList<>(l);
            Collections.shuffle(c, r);
            keep.addAll(c.subList(0, min));
        }
        d.examples.removeIf(e -> !keep.contains(e));
    }

    static Dataset wic(Generate g, WordNet wn) {
        List<String> opts = List.of("different meanings", "the same meaning");
        Dataset d = new Dataset("wic_wordnet", "misc").classification(opts).sizes(3000, 200, 400);
        d.t("\"{sentence1}\"\n\"{sentence2}\"\nDoes the word \"{word}\" mean the same thing in the two sentences above?\n{options_}", "{answer}")
         .t("Sentence A: {sentence1}\nSentence B: {sentence2}\n\nIs \"{word}\" used with the same meaning in sentence A and sentence B?\n{options_}", "{answer}")
         .t("Here is one sentence: {sentence1}\nHere is another sentence: {sentence2}\nDoes the term {word} mean the same thing in both these sentences?\n{options_}", "{answer}")
         .t("In these two sentences (1) {sentence1} (2) {sentence2}, does the word {word} mean the same thing?\n{options_}", "{answer}")
         .t("Word: {word}\nFirst use: {sentence1}\nSecond use: {sentence2}\nSame meaning or different meanings?\n{options_}", "{answer}")
         .t("Determine whether the word \"{word}\" has the same sense in both sentences.\n1. {sentence1}\n2. {sentence2}\n{options_}", "{answer}")
         .turned("Write a sentence that uses the word \"{word}\" in the same sense as in: \"{sentence1}\"", "{sentence2}");
        d.card(SOURCE, VERSION, LICENSE,
                "constructed by rule: two WordNet example sentences containing the same word, from the same synset "
                        + "(the same meaning) or from two different synsets of the word with the same part of speech "
                        + "(different meanings); classes balanced",
                "Word-in-context (WiC-like) sense disambiguation from WordNet examples.");
        Random r = g.rng("wic_wordnet");
        Map<String, List<WordNet.Synset>> lemmas = wn.byLemma();
        List<Example> same = new ArrayList<>();
        List<Example> diff = new ArrayList<>();
        for (Map.Entry<String, List<WordNet.Synset>> le : lemmas.entrySet()) {
            String w = le.getKey();
            if (w.contains(" ") || w.length() < 3) continue;
            List<String[]> uses = new ArrayList<>(); // synset key, sentence
            for (WordNet.Synset s : le.getValue()) {
                for (String ex : s.examples) {
                    String sent = sentence(ex);
                    if (Text.containsWord(sent.toLowerCase(), w) && Text.words(sent) >= 4 && Text.words(sent) <= 30 && !Text.offensive(sent))
                        uses.add(new String[] {s.key, s.pos + "", sent});
                }
            }
            if (uses.size() < 2) continue;
            for (int i = 0; i < uses.size(); i++) {
                for (int j = i + 1; j < uses.size(); j++) {
                    String[] a = uses.get(i), b = uses.get(j);
                    if (!a[1].equals(b[1]) && !(isAdj(a[1]) && isAdj(b[1]))) continue;
                    Example e = new Example().field("word", w).field("sentence1", a[2]).field("sentence2", b[2]).group(w);
                    if (a[0].equals(b[0])) same.add(e.answer("the same meaning"));
                    else diff.add(e.answer("different meanings"));
                }
            }
        }
        Collections.shuffle(same, r);
        Collections.shuffle(diff, r);
        // at most two pairs per word and per class to keep variety
        addCapped(d, same, 2);
        int nSame = d.examples.size();
        List<Example> dsel = new ArrayList<>();
        Map<String, Integer> per = new LinkedHashMap<>();
        for (Example e : diff) {
            if (dsel.size() >= nSame) break;
            if (per.merge(e.fields.get("word"), 1, Integer::sum) <= 2) dsel.add(e);
        }
        d.examples.addAll(dsel);
        return d;
    }

    static boolean isAdj(String p) { return p.equals("a") || p.equals("s"); }

    static void addCapped(Dataset d, List<Example> l, int cap) {
        Map<String, Integer> per = new LinkedHashMap<>();
        for (Example e : l) if (per.merge(e.fields.get("word"), 1, Integer::sum) <= cap) d.examples.add(e);
    }

    static Dataset commonGen(Generate g, WordNet wn) {
        Dataset d = new Dataset("commongen_wordnet", "struct_to_text").generation("rouge").sizes(3000, 200, 400);
        d.t("Concepts: {concepts}\n\nWrite a sentence that includes all these words.", "{answer}")
         .t("Keywords: {concepts}\n\nWhat is a sentence that includes all these keywords?", "{answer}")
         .t("Here are some concepts: {concepts}\n\nWhat is a sentence about these concepts?", "{answer}")
         .t("Produce a sentence which mentions all of these concepts: {concepts}", "{answer}")
         .t("Write a sentence about the following things:\n\n{concepts}", "{answer}")
         .t("Generate a sentence that includes all the following words: {concepts}", "{answer}")
         .turned("What are the keywords in the following sentence:\n\n{answer}", "{concepts}")
         .turned("{answer}\n\nList the key concepts of this sentence, separated by commas.", "{concepts}");
        d.card(SOURCE, VERSION, LICENSE,
                "constructed by rule: 3-4 content words (the WordNet headword plus other non-stopwords, in sentence "
                        + "order) are taken from a real WordNet example sentence, which is the target",
                "CommonGen-like concept-to-sentence generation from WordNet example sentences.");
        Random r = g.rng("commongen_wordnet");
        for (WordNet.Synset s : wn.synsets.values()) {
            String head = single(s);
            for (String ex : s.examples) {
                String sent = sentence(ex);
                int nw = Text.words(sent);
                if (nw < 6 || nw > 20 || Text.offensive(sent)) continue;
                List<String> content = new ArrayList<>();
                for (String tok : sent.toLowerCase().split("[^a-z']+")) {
                    if (tok.length() < 3 || STOP.contains(tok) || tok.contains("'") || content.contains(tok)) continue;
                    content.add(tok);
                }
                if (content.size() < 3) continue;
                int k = Math.min(content.size(), 3 + r.nextInt(2));
                List<String> pick = new ArrayList<>();
                if (head != null && content.contains(head)) pick.add(head);
                List<String> rest = new ArrayList<>(content);
                rest.removeAll(pick);
                Collections.shuffle(rest, r);
                for (String t : rest) if (pick.size() < k) pick.add(t);
                pick.sort((a, b) -> Integer.compare(content.indexOf(a), content.indexOf(b)));
                d.add().field("concepts", String.join(", ", pick)).answer(sent).group(sent);
            }
        }
        return d;
    }

    static Dataset entryToText(Generate g, WordNet wn) {
        Dataset d = new Dataset("wordnet_entry_to_text", "struct_to_text").generation("rouge").sizes(3000, 200, 400);
        d.t("{entry}\n\nWrite the dictionary definition described by this entry.", "{answer}")
         .t("Dictionary entry data: {entry}\nGenerate a short definition from this data.", "{answer}")
         .t("Turn this structured word entry into a definition:\n{entry}", "{answer}")
         .t("Here is some data about a word: {entry}.\n\nWhat does the word mean?", "{answer}")
         .t("Data: {entry}\n\nDefinition:", "{answer}")
         .t("Given the lexical record below, write a one-line gloss.\n\n{entry}", "{answer}")
         .turned("Definition: {answer}\n\nWhich word (with its part of speech and category) fits this definition? Give the entry.", "{entry}");
        d.card(SOURCE, VERSION, LICENSE,
                "given by the source: the target is the WordNet gloss (definition) of the synset; the input lists the "
                        + "word, part of speech, hypernym and synonyms from the same synset",
                "Struct-to-text: lexical record -> definition (like DART/WebNLG triples to text).");
        for (WordNet.Synset s : wn.synsets.values()) {
            String w = single(s);
            if (w == null || s.definition.isEmpty()) continue;
            int nw = Text.words(s.definition);
            if (nw < 3 || nw > 30 || Text.offensive(s.definition)) continue;
            StringBuilder e = new StringBuilder();
            e.append("word: ").append(w).append(" | part of speech: ").append(s.posName());
            List<WordNet.Synset> hyper = wn.targets(s, s.pos == 'n' || s.pos == 'v' ? "@" : "&");
            if (!hyper.isEmpty()) e.append(s.pos == 'n' || s.pos == 'v' ? " | is a kind of: " : " | similar to: ").append(hyper.get(0).word(0));
            List<String> syn = new ArrayList<>();
            for (int i = 0; i < s.words.size() && syn.size() < 3; i++) if (!s.words.get(i).equals(w)) syn.add(s.word(i));
            if (!syn.isEmpty()) e.append(" | synonyms: ").append(String.join(", ", syn));
            if (hyper.isEmpty() && syn.isEmpty()) continue;
            d.add().field("entry", e.toString()).answer(s.definition).group(w);
        }
        return d;
    }

    static Dataset antonyms(Generate g, WordNet wn) {
        Dataset d = new Dataset("wordnet_antonyms", "misc").generation("exact_match").sizes(3000, 200, 400);
        d.t("What is the opposite of \"{word}\"?", "{answer}")
         .t("Give an antonym of the word \"{word}\".", "{answer}")
         .t("Word: {word}\nAntonym:", "{answer}")
         .t("Which word means the opposite of {word}?", "{answer}")
         .t("Name a word with the opposite meaning to \"{word}\" ({pos}).", "{answer}")
         .t("The {pos} \"{word}\" means \"{definition}\". What is its antonym?", "{answer}")
         .turned("What is the opposite of \"{answer}\"?", "{word}");
        d.card(SOURCE, VERSION, LICENSE, "given by the source: WordNet lexical antonym pointers (!)",
                "Word-level antonyms (misc cluster, word-level task like FLAN's misc tasks).");
        Set<String> seen = new HashSet<>();
        for (WordNet.Synset s : wn.synsets.values()) {
            for (WordNet.Pointer p : s.pointers) {
                if (!p.symbol.equals("!") || p.source < 1 || p.targetWord < 1) continue;
                WordNet.Synset t = wn.get(p.target);
                if (t == null) continue;
                String w = s.word(p.source - 1);
                String a = t.word(p.targetWord - 1);
                if (w.contains(" ") || a.contains(" ") || !seen.add(w)) continue;
                if (s.definition.isEmpty() || Text.words(s.definition) > 25) continue;
                d.add().field("word", w).field("pos", s.posName()).field("definition", s.definition).answer(a).group(w + "|" + a);
            }
        }
        // keep one direction of each pair out of the other split: group by the unordered pair
        for (Example e : d.examples) {
            String a = e.fields.get("word"), b = e.answer;
            e.group = a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
        }
        return d;
    }
}
