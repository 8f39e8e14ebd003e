package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.*;

import dev.flan4j.data.Collection;
import dev.flan4j.data.Dataset;
import dev.flan4j.data.Example;
import dev.flan4j.data.Instance;
import dev.flan4j.data.Metric;
import dev.flan4j.data.Mixture;
import dev.flan4j.data.PromptFormat;
import dev.flan4j.data.TaskType;
import dev.flan4j.data.Template;
import dev.flan4j.model.Batch;
import dev.flan4j.tokenizer.Tokenizers;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptFitTest {
    private final CharTokenizer tok = new CharTokenizer();
    private final PromptEncoder instr = new PromptEncoder(tok, false), cont = new PromptEncoder(tok, true);

    @Test
    void aPromptThatFitsIsUntouched() {
        PromptFit.Fitted f = PromptFit.prompt(instr, new Instance("t", "abc", "x", List.of()), 4);
        assertEquals("abc|", tok.decode(f.tokens()));
        assertFalse(f.truncated());
    }

    @Test
    void theEndOfThePromptGoesAndTheSeparatorStays() {
        PromptFit.Fitted f = PromptFit.prompt(instr, new Instance("t", "abcdefghij", "x", List.of()), 5);
        assertEquals("abcd|", tok.decode(f.tokens()));
        assertEquals(6, f.dropped());
        assertEquals("abcde", tok.decode(PromptFit.prompt(cont, new Instance("t", "abcdefghij", "x", List.of()), 5).tokens()));
    }

    @Test
    void optionsPromptsLoseTheEndOfTheirPassageNotTheOptions() {
        List<String> opts = List.of("yes", "no");
        String input = "Read:\n" + "p".repeat(40) + "\nIs it?\n" + Template.optionsSuffix(opts);
        PromptFit.Fitted f = PromptFit.prompt(instr, new Instance("t", input, "yes", opts), 40);
        String kept = tok.decode(f.tokens());
        assertEquals(40, f.tokens().length);
        assertTrue(kept.startsWith("Read:\npppp"), kept);
        assertTrue(kept.endsWith("\nIs it?\nOPTIONS:\n- yes\n- no|"), kept);
        assertEquals(input.length() + 1 - 40, f.dropped());
        // when the options alone do not fit, the start is kept
        PromptFit.Fitted g = PromptFit.prompt(instr, new Instance("t", input, "yes", opts), 10);
        assertEquals("Read:\nppp|", tok.decode(g.tokens()));
    }

    @Test
    void trainingSequencesKeepTheirTargets() {
        Instance inst = new Instance("t", "abcdefghij", "XY", List.of());
        PromptFit.FittedSequence f = PromptFit.sequence(instr, inst, true, 8);
        assertEquals("abcd|XY|", tok.decode(f.sequence().tokens()));
        assertEquals(5, f.sequence().lossStart());
        assertEquals(6, f.dropped());
        // a target that would leave less than half for the prompt keeps its start
        PromptFit.FittedSequence g = PromptFit.sequence(instr, new Instance("t", "abcdefghij", "XYZWVUTS", List.of()), true, 8);
        assertEquals("abc|XYZW", tok.decode(g.sequence().tokens()));
    }

    @Test
    void coveringLengthIsTheSmallestThatFitsTheFraction() {
        int[] lengths = new int[100];
        for (int i = 0; i < 100; i++) lengths[i] = i + 1;
        assertEquals(99, PromptFit.coveringLength(lengths, 0.99, 1));
        assertEquals(100, PromptFit.coveringLength(lengths, 1.0, 1));
        assertEquals(128, PromptFit.coveringLength(lengths, 0.99, 32));
        assertThrows(IllegalArgumentException.class, () -> PromptFit.coveringLength(lengths, 0, 1));
    }

    /** A dataset of n examples whose inputs grow by one character each: example i has 5 + i tokens. */
    private static Dataset growing(String name, int n) {
        List<Example> ex = new ArrayList<>();
        for (int i = 0; i < n; i++) ex.add(new Example(name + i, "train", Map.of("text", "x".repeat(i + 1)), "y", null));
        return Dataset.of(name, "c", TaskType.GENERATION, Metric.EXACT_MATCH, null,
                List.of(new Template(name + "#0", "Q: {text}", "{answer}", false)), ex);
    }

    @Test
    void mixtureSourcesFitToThePackerAndCountTruncationPerDataset() {
        Mixture m = Mixture.flan(List.of(growing("short", 10), growing("long", 40)));
        MixtureSource src = new MixtureSource(m, instr, true, 7);
        Packer packer = new Packer(4, 16, 0);
        for (int i = 0; i < 20; i++) {
            Batch b = packer.next(src);
            assertEquals(64, b.tokens().length);
        }
        assertEquals(0, packer.truncated());   // the source cut everything itself
        Truncation.Rate s = src.truncation().rates().get("short"), l = src.truncation().rates().get("long");
        assertEquals(0, s.truncated());   // "Q: " + up to 10 x, EOT, "y", EOT: at most 16 tokens
        // "long" example i has 3 + (i + 1) + 3 tokens: those with i >= 10 are cut, 30 of 40
        assertEquals(0.75, l.rate(), 0.12);
        assertTrue(l.total() > 50, "sampled " + l.total());
        assertEquals(s.total() + l.total(), src.truncation().overall().total());
    }

    /**
     * The sequence length at which 99% of the built-in collection's training pairs fit with the mini-bpe tokenizer,
     * and the truncation rate per dataset at the 128-token block and at that length.
     */
    @Test
    void builtInCollectionLengthCoversNinetyNinePercent() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Collection.builtInAvailable() && Tokenizers.miniBpeAvailable());
        Collection c = Collection.builtIn();
        PromptEncoder enc = new PromptEncoder(Tokenizers.byName("mini-bpe"), false);
        Mixture m = Mixture.flan(c.datasets());
        List<Instance> all = m.firstEpoch();
        int[] lengths = PromptFit.sequenceLengths(enc, all);
        int L = PromptFit.coveringLength(m, enc, 0.99);
        long fit = Arrays.stream(lengths).filter(n -> n <= L).count(), fitLess = Arrays.stream(lengths).filter(n -> n <= L - 32).count();
        assertTrue(fit >= 0.99 * lengths.length, fit + " of " + lengths.length);
        assertTrue(fitLess < 0.99 * lengths.length, "a shorter length would do: " + (L - 32));
        System.out.println("sequence length covering 99% of " + lengths.length + " training pairs: " + L);
        for (int T : new int[]{128, L}) {
            Truncation t = new Truncation(), scoring = new Truncation();
            for (int i = 0; i < all.size(); i++) t.record(all.get(i).task(), Math.max(0, lengths[i] - T));
            // scoring: test prompts under every scorable template; room for the longest option (or 32 new tokens)
            for (Dataset d : c.datasets()) {
                for (Template tp : PromptFormat.FLAN.templates(d)) {
                    if (tp.turnedAround()) continue;
                    for (Example e : d.examples("test")) {
                        Instance inst = PromptFormat.FLAN.render(d, e, tp);
                        int answer = inst.options().stream().mapToInt(o -> enc.continuationTokens(o).length).max().orElse(32);
                        scoring.record(d.name(), Math.max(0, enc.prompt(inst.input()).length - (T - answer + 1)));
                    }
                }
            }
            System.out.println("training sequences truncated at T=" + T + ":\n" + t.summary());
            System.out.println("test prompts truncated at T=" + T + ":\n" + scoring.summary());
            if (T == L) assertTrue(t.overall().rate() <= 0.01, t.overall().toString());
        }
    }
}
