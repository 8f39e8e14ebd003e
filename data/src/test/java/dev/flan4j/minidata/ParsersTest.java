package dev.flan4j.minidata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParsersTest {
    @TempDir static Path tmp;
    static Sources src;

    @BeforeAll
    static void setUp() throws Exception {
        src = new Sources(FixtureSources.prepare(tmp));
    }

    @Test
    void swordModulesAlignByReference() throws Exception {
        LinkedHashMap<String, String> kjv = src.sword("sword-text-kjv", "engKJV2006eb");
        LinkedHashMap<String, String> web = src.sword("sword-text-web", "engWEB2015eb");
        LinkedHashMap<String, String> rv = src.sword("sword-text-sparv", "spaRV1909eb");
        assertEquals("In the beginning God created the heaven and the earth.", kjv.get("Gen.1.1"));
        assertTrue(rv.get("Gen.1.1").startsWith("EN el principio crió Dios los cielos"), rv.get("Gen.1.1"));
        // WEB's footnotes are removed, markup stripped, quotes normalised
        String w = web.get("Gen.1.1");
        assertTrue(w.startsWith("In the beginning, God created the heavens and the earth"), w);
        assertFalse(w.contains("Elohim") || w.contains("<"), w);
        assertTrue(kjv.containsKey("Ruth.1.22") && kjv.containsKey("John.3.16"));
        assertFalse(kjv.containsKey("Ruth.1.23"));
        assertTrue(kjv.get("John.3.16").startsWith("For God so loved the world"), kjv.get("John.3.16"));
        assertEquals(kjv.keySet().stream().filter(k -> k.startsWith("Gen.1.")).count(), 31);
    }

    @Test
    void rDataAustenChapters() throws Exception {
        List<Sources.Doc> docs = src.austen();
        assertEquals(6, docs.size());
        Sources.Doc emma1 = docs.stream().filter(d -> d.id().equals("austen-emma-ch01")).findFirst().orElseThrow();
        assertTrue(emma1.paragraphs().get(0).startsWith("Emma Woodhouse, handsome, clever, and rich"), emma1.paragraphs().get(0));
        assertTrue(docs.stream().anyMatch(d -> d.id().equals("austen-prideprejudice-ch03")));
    }

    @Test
    void jsonCorpora() throws Exception {
        List<Sources.Doc> sotu = src.sotu();
        assertEquals(6, sotu.size());
        assertTrue(sotu.get(0).id().startsWith("sotu-1790-george-washington"));
        List<Sources.Doc> moby = src.mobyDick();
        assertEquals(3, moby.size());
        assertEquals("mobydick-ch001", moby.get(0).id());
        assertTrue(moby.get(0).paragraphs().get(0).startsWith("Call me Ishmael."));
        assertTrue(moby.get(0).paragraphs().get(0).contains("ago--never mind"), "em dashes become --");
        assertEquals(40, src.sentiment("imdb").size());
        assertEquals(6, src.factbook().size());
    }

    @Test
    void wordNetParses() throws Exception {
        WordNet wn = WordNet.load(src.deb("wordnet-base", "usr/share/wordnet"));
        assertTrue(wn.synsets.size() > 100);
        long withEx = wn.synsets.values().stream().filter(s -> !s.examples.isEmpty()).count();
        assertTrue(withEx > 50);
        WordNet.Synset s = WordNet.parse("00064787 00 s 02 beneficial 0 good 0 003 & 00064479 a 0000 + 05142180 n 0202 "
                + "+ 05142641 n 0101 | promoting or enhancing well-being; \"an arms limitation agreement beneficial to all "
                + "countries\"; \"the experience was good for her\"  ");
        assertEquals("a:00064787", s.key);
        assertEquals(List.of("beneficial", "good"), s.words);
        assertEquals("promoting or enhancing well-being", s.definition);
        assertEquals(2, s.examples.size());
        assertEquals("&", s.pointers.get(0).symbol);
        assertEquals("a:00064479", s.pointers.get(0).target);
        assertEquals(2, s.pointers.get(1).source);
    }

    @Test
    void quizPatterns() throws Exception {
        assertEquals("George Washington", Sources.quizCanonical("{G{eorge} }Washington"));
        assertEquals("1801-1809", Sources.quizCanonical("1801-{{18}0}9"));
        assertEquals("California", Sources.quizCanonical("Cal{if{ornia}}|CA"));
        assertEquals("forget-me-not", Sources.quizCanonical("forget{-| }me{-| }not"));
        assertEquals("Middle-Earth", Sources.quizCanonical("M[iddle{-}Earth|E]"));
        assertEquals("I injure", Sources.quizCanonical("{I }[injure|thwart]"));
        List<String[]> pres = src.quiz("pres");
        assertEquals("{J{ames} }Madison", pres.get(2)[3], "continuation lines are joined");
        List<String[]> el = src.quiz("elements");
        assertEquals(4, el.get(0).length);
    }

    @Test
    void debianDescriptions() throws Exception {
        List<Sources.PackageDescription> d = src.debianDescriptions();
        assertEquals(40, d.size());
        assertNotNull(d.get(0).synopsis());
        assertTrue(d.get(0).description().length() > 50);
        assertFalse(d.get(0).description().contains("Description-en"));
    }

    @Test
    void languageToolExamples() throws Exception {
        Path xml = tmp.resolve("mini-grammar.xml");
        java.nio.file.Files.writeString(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE rules [ <!ENTITY apostrophe \"['`]\"> ]>\n<rules lang=\"en\"><category id=\"C\" name=\"c\">"
                + "<rule id=\"A\"><pattern><token regexp=\"yes\">&apostrophe;</token></pattern><message>m</message>"
                + "<example correction=\"an|a\">This is <marker>a</marker> apple.</example>"
                + "<example>This is an apple.</example><example type=\"triggers_error\">Odd.</example></rule></category></rules>");
        List<GrammarTasks.LtExample> ex = GrammarTasks.read(xml);
        assertEquals(2, ex.size());
        assertEquals(new GrammarTasks.LtExample("This is a apple.", "This is an apple.", true), ex.get(0));
        assertEquals(new GrammarTasks.LtExample("This is an apple.", null, false), ex.get(1));
        List<GrammarTasks.LtExample> fx = GrammarTasks.read(src.root.resolve("maven/language-en/org/languagetool/rules/en/grammar.xml"));
        assertTrue(fx.size() > 100);
        assertTrue(fx.stream().anyMatch(e -> e.incorrect() && e.corrected() != null && !e.corrected().equals(e.sentence())));
        assertTrue(fx.stream().anyMatch(e -> !e.incorrect()));
        assertEquals(1, GrammarTasks.editDistance("a apple", "an apple"));
    }

    @Test
    void textHelpers() {
        assertEquals(List.of("Mr. Darcy came in.", "He sat down!", "\"Why?\" she asked."),
                Text.sentences("Mr. Darcy came in. He sat down! \"Why?\" she asked."));
        assertEquals("He said \"hi\" -- and left...", Text.normalize("He  said \u201chi\u201d \u2014 and left\u2026"));
        assertTrue(Text.offensive("what the fuck"));
        assertFalse(Text.offensive("a classic film"));
        assertEquals("Aa bb cc.", Text.truncateWords("Aa bb cc. Dd ee ff gg hh ii.", 4));
        assertEquals(java.util.Set.of("premise", "options_"), Generate.slots("{premise} {{literal}} {options_}"));
    }
}
