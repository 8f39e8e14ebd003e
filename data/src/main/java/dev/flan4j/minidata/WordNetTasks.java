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
                "constructed by rule from real WordNet example sentences: the premise is the example sentence; the "
                        + "hypothesis replaces one noun by its hypernym (answer yes: entailment), by a hyponym (answer: it is "
                        + "not possible to tell) or by a co-hyponym sibling (answer no), or an adjective by its antonym (answer no). "
                        + "Labels follow lexical semantics and are noisy for some contexts.",
                "WordNet-derived natural language inference with the three FLAN ANLI-style options.");
        Random r = g.rng("wordnet_nli");
        for (WordNet.Synset s : wn.synsets.values()) {
            if (s.examples.isEmpty()) continue;
            if (s.pos != 'n' && s.pos != 'a' && s.pos != 's') continue;
            String w = single(s);
            if (w == null) continue;
            for (String ex : s.examples) {
                String prem = sentence(ex);
                if (Text.words(prem) < 4 || Text.words(prem) > 40 || !Text.containsWord(prem, w) || Text.offensive(prem)) continue;
                List<String[]> cands = new ArrayList<>(); // hypothesis word, label
                if (s.pos == 'n') {
                    List<WordNet.Synset> hyper = wn.targets(s, "@");
                    for (WordNet.Synset h : hyper) {
                        String hw = single(h);
                        if (hw != null && !hw.equals(w)) { cands.add(new String[] {hw, "yes"}); break; }
                    }
                    List<WordNet.Synset> hypo = wn.targets(s, "~");
                    for (WordNet.Synset h : hypo) {
                        String hw = single(h);
                        if (hw != null && !hw.equals(w)) { cands.add(new String[] {hw, "it is not possible to tell"}); break; }
                    }
                    if (!hyper.isEmpty()) {
                        for (WordNet.Synset sib : wn.targets(hyper.get(0), "~")) {
                            if (sib == s) continue;
                            String hw = single(sib);
                            if (hw != null && !hw.equals(w)) { cands.add(new String[] {hw, "no"}); break; }
                        }
                    }
                } else {
                    for (WordNet.Pointer p : s.pointers) {
                        if (!p.symbol.equals("!")) continue;
                        WordNet.Synset t = wn.get(p.target);
                        if (t == null || p.source < 1 || p.targetWord < 1) continue;
                        String src = s.words.get(p.source - 1);
                        String ant = t.words.get(p.targetWord - 1);
                        if (src.equals(w) && !ant.contains("_")) { cands.add(new String[] {ant, "no"}); break; }
                    }
                }
                if (cands.isEmpty()) continue;
                String[] c = cands.get(r.nextInt(cands.size()));
                String hyp = Text.replaceWord(prem, w, c[0]);
                if (hyp == null) continue;
                hyp = fixArticles(hyp);
                d.add().field("premise", prem).field("hypothesis", hyp).answer(c[1]).group(prem);
            }
        }
        balance(d, r);
        return d;
    }

    /** Keeps at most as many examples per answer as the rarest answer has times 1.5 (deterministic). */
    static void balance(Dataset d, Random r) {
        Map<String, List<Example>> by = new LinkedHashMap<>();
        for (Example e : d.examples) by.computeIfAbsent(e.answer, k -> new ArrayList<>()).add(e);
        int min = Integer.MAX_VALUE;
        for (List<Example> l : by.values()) min = Math.min(min, l.size());
        int cap = (int) (min * 1.5) + 1;
        Set<Example> keep = new HashSet<>();
        for (List<Example> l : by.values()) {
            List<Example> c = new ArrayList<>(l);
            Collections.shuffle(c, r);
            keep.addAll(c.subList(0, Math.min(cap, c.size())));
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
