package dev.flan4j.minidata;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;

/** CoLA-like acceptability and grammar correction from LanguageTool's English rule examples (Maven Central). */
final class GrammarTasks {
    private GrammarTasks() {}

    static final String SOURCE = "Maven Central org.languagetool:language-en:6.8, org/languagetool/rules/en/grammar.xml (rule examples)";
    static final String LICENSE = "LGPL-2.1-or-later (LanguageTool rule files, Copyright (C) 2001-2021 Daniel Naber, Marcin Milkowski and the LanguageTool contributors)";

    /** A rule example: the sentence, and for an error example the marked span and its first suggested correction. */
    record LtExample(String sentence, String corrected, boolean incorrect) {}

    static List<LtExample> read(Path grammarXml) throws IOException {
        List<LtExample> out = new ArrayList<>();
        if (!Files.exists(grammarXml)) return out;
        Document doc;
        try (InputStream in = Files.newInputStream(grammarXml)) {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
            f.setExpandEntityReferences(true);
            DocumentBuilder b = f.newDocumentBuilder();
            doc = b.parse(in);
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException("cannot parse " + grammarXml, e);
        }
        NodeList examples = doc.getElementsByTagName("example");
        for (int i = 0; i < examples.getLength(); i++) {
            Element e = (Element) examples.item(i);
            String type = e.getAttribute("type");
            if (type.equals("triggers_error")) continue;
            StringBuilder before = new StringBuilder(), marker = new StringBuilder(), after = new StringBuilder();
            boolean seenMarker = false;
            for (Node c = e.getFirstChild(); c != null; c = c.getNextSibling()) {
                if (c.getNodeType() == Node.ELEMENT_NODE && ((Element) c).getTagName().equals("marker")) {
                    marker.append(c.getTextContent());
                    seenMarker = true;
                } else (seenMarker ? after : before).append(c.getTextContent());
            }
            String sentence = Text.normalize(before + marker.toString() + after);
            boolean incorrect = e.hasAttribute("correction") || type.equals("incorrect");
            String corrected = null;
            if (incorrect && e.hasAttribute("correction") && seenMarker) {
                String corr = e.getAttribute("correction").split("\\|")[0];
                if (!corr.isEmpty()) corrected = Text.normalize(before + corr + after);
            }
            out.add(new LtExample(sentence, corrected, incorrect));
        }
        return out;
    }

    static boolean usable(String s) {
        int n = Text.words(s);
        return n >= 4 && n <= 30 && !Text.offensive(s) && Character.isUpperCase(s.charAt(0))
                && ".!?\"'".indexOf(s.charAt(s.length() - 1)) >= 0;
    }

    static int editDistance(String a, String b) {
        int[] prev = new int[b.length() + 1], cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) prev[j] = j;
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++)
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1));
            int[] t = prev; prev = cur; cur = t;
        }
        return prev[b.length()];
    }

    static List<Dataset> build(Generate g) throws IOException {
        List<LtExample> ex = read(g.src.root.resolve("maven/language-en/org/languagetool/rules/en/grammar.xml"));
        if (ex.isEmpty()) return List.of();
        Dataset acc = new Dataset("grammar_acceptability", "misc").classification(List.of("unacceptable", "acceptable"))
                .sizes(3000, 200, 400);
        acc.t("Sentence: \"{sentence}\"\nWould a linguist rate this sentence to be acceptable linguistically?\n{options_}", "{answer}")
           .t("{sentence}\nIs this sentence grammatically correct?\n{options_}", "{answer}")
           .t("Is the following sentence linguistically acceptable?\n{sentence}\n{options_}", "{answer}")
           .t("Check the grammar of this sentence: {sentence}\n{options_}", "{answer}")
           .t("\"{sentence}\"\nHow would you judge the grammar and usage of this sentence?\n{options_}", "{answer}")
           .t("Would a careful editor accept the sentence \"{sentence}\" as it is?\n{options_}", "{answer}")
           .turned("Write a sentence that is {answer} in standard written English.", "{sentence}");
        acc.card(SOURCE, "6.8", LICENSE,
                "given by the source, noisy: LanguageTool rule examples are marked by the rule authors as errors (with a "
                        + "correction) or as correct sentences, i.e. sentences the rule must not flag, which occasionally contain "
                        + "other errors; errors -> unacceptable, correct examples and applied corrections -> acceptable; classes balanced",
                "CoLA-like grammatical acceptability (misc cluster) from grammar-checker rule examples. Sentences with "
                        + "profanity or slurs are dropped.");
        Dataset fix = new Dataset("fix_grammar", "misc").generation("exact_match").sizes(3000, 200, 400);
        fix.t("Correct the grammar of this sentence:\n\n{sentence}", "{answer}")
           .t("{sentence}\n\nFix the mistake in the sentence above.", "{answer}")
           .t("This sentence has an error: \"{sentence}\" Rewrite it correctly.", "{answer}")
           .t("Proofread the following sentence and write the corrected version.\n{sentence}", "{answer}")
           .t("Original: {sentence}\nCorrected:", "{answer}")
           .t("Please edit this sentence so that it is correct English: {sentence}", "{answer}")
           .turned("Here is a correct sentence: {answer}\nWrite a version of it that contains a common grammar or usage mistake.", "{sentence}");
        fix.card(SOURCE, "6.8", LICENSE,
                "given by the source: the error example with the rule's first suggested correction applied to the marked "
                        + "span; pairs whose correction changes the sentence by more than a few characters are dropped",
                "Grammar and usage correction (misc cluster, like FLAN's fix-punctuation task).");
        Random r = g.rng("grammar");
        List<Example> good = new ArrayList<>(), bad = new ArrayList<>();
        for (LtExample e : ex) {
            if (!usable(e.sentence())) continue;
            if (!e.incorrect()) {
                good.add(new Example().field("sentence", e.sentence()).answer("acceptable"));
                continue;
            }
            bad.add(new Example().field("sentence", e.sentence()).answer("unacceptable"));
            String c = e.corrected();
            if (c == null || c.equals(e.sentence()) || !usable(c)) continue;
            int dist = editDistance(e.sentence(), c);
            int markerLen = Math.abs(e.sentence().length() - c.length());
            if (dist > Math.max(4, markerLen + 3)) continue;
            fix.add().field("sentence", e.sentence()).answer(c).group(e.sentence());
            good.add(new Example().field("sentence", c).answer("acceptable"));
        }
        Collections.shuffle(good, r);
        Collections.shuffle(bad, r);
        int n = Math.min(good.size(), bad.size());
        n = Math.min(n, 1800);
        acc.examples.addAll(good.subList(0, n));
        acc.examples.addAll(bad.subList(0, n));
        return List.of(acc, fix);
    }
}
