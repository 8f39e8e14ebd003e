package dev.flan4j.eval.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Expected values marked "rouge_score" are from Google's rouge_score test suite
 * (google-research/google-research, rouge/rouge_scorer_test.py; the ROUGE-1.5.5 "ground truth"
 * runs use rouge/testdata/target.txt and prediction.txt, whose first two lines are inlined below).
 * assertAlmostEqual(places=5) there is |diff| < 5e-6 here.
 */
class RougeTest {

    private static final double PLACES5 = 5e-6;
    private static final double EXACT = 1e-12;

    // rouge/testdata/target.txt lines 1-2 and prediction.txt lines 1-2
    private static final String T0 = "ZfbCUIUuePaiLVUlCaUXxkpu XPeWing tUHfPMuZ',-Xd Y BrUgVJing M-HV.-DgdDaY.rFDJCRing"
            + " Ht-LM EKBDXkME,yz'RBr q'wtion wIojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxer tKM L\n";
    private static final String T1 = "KsJdPByEtAor fE-Qg Dpdbring cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMtion psing"
            + " sbKao Q m qiing LMmer HqqLFXe,XPY,J XsurkMer ,ed nB'wH'bWVHjWFEing tQ.saefZwJtKrTlixYpMMsJing"
            + " UCAPwNHeYVjDing c T BUySKtion gMPfJpwGw p'NvxAoping eu pBwMBKV'I DNxqelhu,PHPxDEq,mtion SN\n";
    private static final String P0 = "rFDJCRtion Ht-LM EKtDXkME,yz'RBr q'wer wrojNbN wL,b .a-'XdQggyFl jB-RPP'iyOIcUxi\n";
    private static final String P1 = "n cw-WeFyu vC MoBL Xdn g wkvcEiGvKtion BDFhrpMer pstion sbKao Q m qier LMmed"
            + " HqqLFXe,XPY,J XsurkMeo ,ed nB'wH'bWVHjWFEer tQ.saefZwJtKrTlixYpMMNJtion UCAPwNHeYVjD\n";

    private static void assertScore(double p, double r, double f, Rouge.Score s, double tol) {
        assertEquals(p, s.precision(), tol, "precision");
        assertEquals(r, s.recall(), tol, "recall");
        assertEquals(f, s.fmeasure(), tol, "fmeasure");
    }

    @Test
    void simpleCasesFromRougeScoreTests() {
        Rouge rouge = new Rouge();
        // testRouge1
        assertScore(1, 1.0 / 3, 0.5, rouge.score("testing one two", "testing").rouge1(), EXACT);
        // testRouge2
        assertScore(1, 0.5, 2.0 / 3, rouge.score("testing one two", "testing one").rouge2(), EXACT);
        // testRougeLConsecutive / testRougeLNonConsecutive / testMultipleRougeTypes
        assertScore(1, 2.0 / 3, 0.8, rouge.score("testing one two", "testing one").rougeL(), EXACT);
        assertScore(1, 2.0 / 3, 0.8, rouge.score("testing one two", "testing two").rougeL(), EXACT);
        assertScore(1, 2.0 / 3, 0.8, rouge.score("testing one two", "testing one").rouge1(), EXACT);
        // testRougeEmpty: every type is 0 for an empty prediction
        Rouge.Scores empty = rouge.score("testing one two", "");
        for (Rouge.Score s : List.of(empty.rouge1(), empty.rouge2(), empty.rougeL(), empty.rougeLsum())) {
            assertScore(0, 0, 0, s, EXACT);
        }
    }

    @Test
    void rougeLsumFromRougeScoreTests() {
        Rouge rouge = new Rouge();
        // testRougeLsum: recall 4/5, precision 4/10
        Rouge.Score s = rouge.rougeLsum("w1 w2 w3 w4 w5", "w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5");
        assertEquals(0.8, s.recall(), EXACT);
        assertEquals(0.4, s.precision(), EXACT);
        assertEquals(0.5333, s.fmeasure(), 5e-4);
        assertScore(0, 0, 0, rouge.rougeLsum("w1 w2 w3 w4 w5", ""), EXACT);
        assertScore(0, 0, 0, rouge.rougeLsum("", "w1"), EXACT);
        assertScore(0, 0, 0, rouge.rougeLsum("w1 w2 w3 w4 w5", "/"), EXACT);
        // testSummaryLevelLcs on token lists; the tokenizer may also drop all tokens
        Rouge.Score t = Rouge.rougeLsumTokens(
                List.of(List.of("1", "2", "3", "4", "5")),
                List.of(List.of("1", "2", "6", "7", "8"), List.of("1", "3", "8", "9", "5")));
        assertEquals(0.8, t.recall(), EXACT);
        assertEquals(0.4, t.precision(), EXACT);
        assertEquals(0.0, Rouge.rougeLsumTokens(List.of(List.of("reference")), List.of(List.of())).recall(), EXACT);
    }

    @Test
    void againstRouge155WithoutStemming() {
        Rouge rouge = new Rouge(false);
        Rouge.Scores s0 = rouge.score(T0, P0);
        Rouge.Scores s1 = rouge.score(T1, P1);
        assertScore(0.68750, 0.40741, 0.51163, s0.rouge1(), PLACES5);
        assertScore(0.65385, 0.40476, 0.50000, s1.rouge1(), PLACES5);
        assertScore(0.53333, 0.30769, 0.39024, s0.rouge2(), PLACES5);
        assertScore(0.48000, 0.29268, 0.36364, s1.rouge2(), PLACES5);
        assertScore(0.68750, 0.40741, 0.51163, s0.rougeL(), PLACES5);
        assertScore(0.65385, 0.40476, 0.50000, s1.rougeL(), PLACES5);
    }

    @Test
    void againstRouge155WithStemming() {
        Rouge rouge = new Rouge(true);
        Rouge.Scores s0 = rouge.score(T0, P0);
        Rouge.Scores s1 = rouge.score(T1, P1);
        assertScore(0.68750, 0.40741, 0.51163, s0.rouge1(), PLACES5);
        assertScore(0.69231, 0.42857, 0.52941, s1.rouge1(), PLACES5);
        assertScore(0.53333, 0.30769, 0.39024, s0.rouge2(), PLACES5);
        assertScore(0.48000, 0.29268, 0.36364, s1.rouge2(), PLACES5);
    }

    @Test
    void tokenizer() {
        assertEquals(List.of("the", "quick", "brown", "fox", "s", "3rd", "caf"),
                new Rouge().tokenize("The quick-brown FOX's 3rd café!"));
        assertEquals(List.of("the", "quick", "brown", "dog", "jump", "on", "the", "log"),
                new Rouge(true).tokenize("The quick brown dog jumps on the log."));
    }

    @Test
    void porterStemmerNltkDoctest() {
        // nltk/test/stem.doctest (PorterStemmer(), NLTK_EXTENSIONS mode)
        List<String> plurals = List.of("caresses", "flies", "dies", "mules", "denied", "died", "agreed",
                "owned", "humbled", "sized", "meeting", "stating", "siezing", "itemization", "sensational",
                "traditional", "reference", "colonizer", "plotted");
        String expected = "caress fli die mule deni die agre own humbl size meet state siez item sensat"
                + " tradit refer colon plot";
        PorterStemmer stemmer = new PorterStemmer();
        StringBuilder got = new StringBuilder();
        for (String w : plurals) got.append(got.length() == 0 ? "" : " ").append(stemmer.stem(w));
        assertEquals(expected, got.toString());
        assertEquals("o", stemmer.stem("oed"));  // nltk test_stem.py test_oed_bug
        // irregular forms and short words (NLTK_EXTENSIONS)
        assertEquals("sky", stemmer.stem("skies"));
        assertEquals("die", stemmer.stem("dying"));
        assertEquals("news", stemmer.stem("news"));
        assertEquals("is", stemmer.stem("is"));
        // examples listed in the Porter (1980) rules that the NLTK mode keeps
        String[][] pairs = {
            {"ponies", "poni"}, {"cats", "cat"}, {"feed", "feed"}, {"plastered", "plaster"},
            {"motoring", "motor"}, {"sing", "sing"}, {"conflated", "conflat"}, {"hopping", "hop"},
            {"falling", "fall"}, {"hissing", "hiss"}, {"filing", "file"}, {"happy", "happi"},
            {"relational", "relat"}, {"conditional", "condit"}, {"rational", "ration"},
            {"triplicate", "triplic"}, {"formative", "form"}, {"goodness", "good"},
            {"revival", "reviv"}, {"allowance", "allow"}, {"adjustable", "adjust"},
            {"controlling", "control"}, {"roll", "roll"}, {"generalization", "gener"},
            {"enjoy", "enjoy"}, {"spied", "spi"},
        };
        for (String[] p : pairs) assertEquals(p[1], stemmer.stem(p[0]), p[0]);
    }

    @Test
    void multiTargetAndCorpusMean() {
        Rouge rouge = new Rouge();
        // score_multi: per type, the target with the higher F ("testing one" -> 0.8 vs "two" -> 0.5)
        Rouge.Scores m = rouge.scoreMulti(List.of("two", "testing one"), "testing one two");
        assertScore(2.0 / 3, 1, 0.8, m.rouge1(), EXACT);
        assertScore(0.5, 1, 2.0 / 3, m.rouge2(), EXACT);
        // corpus mean of per-example scores: rouge1 F of ("testing one two","testing") = 0.5 and of
        // ("a b","a b") = 1 -> mean 0.75; P mean (1 + 1)/2 = 1; R mean (1/3 + 1)/2 = 2/3
        Rouge.Scores c = rouge.corpusMean(List.of("testing one two", "a b"), List.of("testing", "a b"));
        assertScore(1, 2.0 / 3, 0.75, c.rouge1(), EXACT);
        // rouge2: (0 + 1)/2 for every measure ("testing" has no bigram -> P = 0/max(0,1))
        assertScore(0.5, 0.5, 0.5, c.rouge2(), EXACT);
        assertEquals(c, rouge.corpusMeanMulti(Arrays.asList(List.of("testing one two"), List.of("a b")),
                List.of("testing", "a b")));
    }
}
