package dev.flan4j.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.tokenizer.Tokenizer;
import dev.flan4j.tokenizer.Tokenizers;
import java.util.Arrays;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The target-space choice: with it, the answer is the same token sequence as its entry in the OPTIONS list. */
class PromptEncoderTest {
    private static boolean contains(int[] hay, int[] needle) {
        for (int i = 0; i + needle.length <= hay.length; i++) {
            if (Arrays.equals(Arrays.copyOfRange(hay, i, i + needle.length), needle)) return true;
        }
        return false;
    }

    @Test
    void aLeadingSpaceMakesTheTargetTheOptionsListPiece() {
        Assumptions.assumeTrue(Tokenizers.miniBpeAvailable());
        Tokenizer tok = Tokenizers.byName("mini-bpe");
        int[] prompt = new PromptEncoder(tok, false, false).prompt("Is the sky blue?\nOPTIONS:\n- yes\n- no");
        PromptEncoder spaced = new PromptEncoder(tok, false, true), plain = new PromptEncoder(tok, false, false);
        for (String answer : new String[]{"yes", "no"}) {
            assertTrue(contains(prompt, spaced.continuationTokens(answer)), answer + " with a space is in the OPTIONS list");
            assertFalse(contains(prompt, plain.continuationTokens(answer)), answer + " without one is another token");
        }
        assertArrayEquals(tok.encode(" yes"), spaced.continuationTokens("yes"));
        assertArrayEquals(tok.encode(" yes"), new PromptEncoder(tok, true, false).continuationTokens("yes"),
                "continuation style always has the space");
        Sequence s = spaced.sequence(new dev.flan4j.data.Instance("t", "Q", "yes", java.util.List.of("yes", "no")), true);
        int[] t = tok.encode(" yes");
        assertArrayEquals(t, Arrays.copyOfRange(s.tokens(), s.tokens().length - 1 - t.length, s.tokens().length - 1),
                "training targets use the same encoding as scoring");
    }

    @Test
    void thePropertyIsParsedStrictly() {
        String before = System.getProperty(PromptEncoder.TARGET_SPACE_PROPERTY);
        try {
            System.clearProperty(PromptEncoder.TARGET_SPACE_PROPERTY);
            assertFalse(PromptEncoder.targetSpaceDefault());
            System.setProperty(PromptEncoder.TARGET_SPACE_PROPERTY, "TRUE");
            assertTrue(PromptEncoder.targetSpaceDefault());
            System.setProperty(PromptEncoder.TARGET_SPACE_PROPERTY, "yes");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, PromptEncoder::targetSpaceDefault);
            assertTrue(e.getMessage().contains(PromptEncoder.TARGET_SPACE_PROPERTY) && e.getMessage().contains("'yes'"), e.getMessage());
        } finally {
            if (before == null) System.clearProperty(PromptEncoder.TARGET_SPACE_PROPERTY);
            else System.setProperty(PromptEncoder.TARGET_SPACE_PROPERTY, before);
        }
        assertEquals(PromptEncoder.targetSpaceDefault(), new PromptEncoder(null, false).targetSpace());
    }
}
