package dev.flan4j.data;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class FewShotTest {
    private final Dataset nli = Fixtures.collection().dataset("tiny_nli");
    private final Template t = nli.templates().get(1);
    private final Example query = nli.examples("test").get(0);

    @Test
    void continuationLayoutIsLmEvals() {
        FewShot fs = new FewShot(3, FewShot.FLAN_MAX_TOKENS, s -> s.split("\\s+").length);
        FewShot.Prompt p = fs.prompt(nli, query, t, PromptFormat.GPT3_CONTINUATION, 1);
        assertEquals(FewShot.Layout.CONTINUATION, p.layout());
        assertEquals(3, p.kept());
        String[] blocks = p.text().split("\n\n");
        assertEquals(4, blocks.length);
        assertEquals(PromptFormat.GPT3_CONTINUATION.render(nli, query, t).input(), blocks[3]);
        for (int b = 0; b < 3; b++) {
            Instance x = p.exemplars().get(b);
            assertEquals(x.input() + " " + x.target(), blocks[b]);   // x " " y, a blank line between exemplars
        }
        assertEquals("yes", p.instance().target());
        assertEquals(3, p.instance().options().size());
        assertEquals(p, fs.prompt(nli, query, t, PromptFormat.GPT3_CONTINUATION, 1));
    }

    @Test
    void tunedModelsGetTheSeparatorLayout() {
        FewShot fs = new FewShot(3, FewShot.FLAN_MAX_TOKENS, String::length);
        FewShot.Prompt p = fs.prompt(nli, query, t, PromptFormat.FLAN, 1);
        assertEquals(FewShot.Layout.SEPARATOR, p.layout());
        assertEquals(3, p.kept());
        for (Instance x : p.exemplars()) assertTrue(x.input().endsWith(Template.optionsSuffix(x.options())), x.input());
        assertEquals(PromptFormat.FLAN.render(nli, query, t), p.query());
        assertThrows(IllegalStateException.class, p::text);
    }

    @Test
    void prunesExemplarsOverBudgetAndCountsThoseKept() {
        Instance q = PromptFormat.FLAN.render(nli, query, t);
        int queryTokens = q.input().length() + 1;   // the separator after the query
        FewShot tight = new FewShot(5, queryTokens, String::length);
        FewShot.Prompt none = tight.prompt(nli, query, t, PromptFormat.FLAN, 1);
        assertEquals(0, none.kept());
        assertEquals(5, none.wanted());
        FewShot.Prompt all = new FewShot(5, 100_000, String::length).prompt(nli, query, t, PromptFormat.FLAN, 1);
        int first = all.exemplars().get(0).input().length() + all.exemplars().get(0).target().length() + 2;
        int second = all.exemplars().get(1).input().length() + all.exemplars().get(1).target().length() + 2;
        FewShot.Prompt one = new FewShot(5, queryTokens + first + second - 1, String::length).prompt(nli, query, t, PromptFormat.FLAN, 1);
        assertEquals(1, one.kept());
        assertEquals(all.exemplars().subList(0, 1), one.exemplars());
        assertEquals(2, new FewShot(5, queryTokens + first + second, String::length).prompt(nli, query, t, PromptFormat.FLAN, 1).kept());
    }

    @Test
    void neverUsesTheQueryAsExemplar() {
        Example trainQuery = nli.examples("train").get(0);
        FewShot fs = new FewShot(10, 10_000, String::length);
        assertEquals(5, fs.exemplars(nli, trainQuery, 9).size());
        assertFalse(fs.exemplars(nli, trainQuery, 9).contains(trainQuery));
        assertEquals(List.copyOf(fs.exemplars(nli, trainQuery, 9)), fs.exemplars(nli, trainQuery, 9));
    }
}
