package dev.flan4j.data;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class FewShotTest {
    private final Dataset nli = Fixtures.collection().dataset("tiny_nli");
    private final Template t = nli.templates().get(1);
    private final Example query = nli.examples("test").get(0);

    @Test
    void exemplarsBeforeQueryWithSameTemplate() {
        FewShot fs = new FewShot(3, FewShot.FLAN_MAX_TOKENS, s -> s.split("\\s+").length);
        Instance i = fs.render(nli, query, t, PromptFormat.FLAN, 1);
        String[] blocks = i.input().split("\n\n");
        assertEquals(4, blocks.length);
        String q = PromptFormat.FLAN.render(nli, query, t).input();
        assertEquals(q, blocks[3]);
        for (int b = 0; b < 3; b++) assertTrue(blocks[b].contains("Can we conclude that"), blocks[b]);
        assertEquals("yes", i.target());
        assertEquals(3, i.options().size());
        assertEquals(i, fs.render(nli, query, t, PromptFormat.FLAN, 1));
        assertEquals(fs.exemplars(nli, query, 1), fs.exemplars(nli, query, 1));
    }

    @Test
    void dropsExemplarsOverBudget() {
        String q = PromptFormat.FLAN.render(nli, query, t).input();
        int queryTokens = q.length();
        FewShot tight = new FewShot(5, queryTokens, String::length);
        assertEquals(q, tight.render(nli, query, t, PromptFormat.FLAN, 1).input());
        FewShot some = new FewShot(5, queryTokens + 260, String::length);
        String prompt = some.render(nli, query, t, PromptFormat.FLAN, 1).input();
        assertTrue(prompt.length() <= queryTokens + 260);
        assertTrue(prompt.length() > queryTokens);
        assertTrue(prompt.endsWith(q));
    }

    @Test
    void neverUsesTheQueryAsExemplar() {
        Example trainQuery = nli.examples("train").get(0);
        FewShot fs = new FewShot(10, 10_000, String::length);
        assertEquals(5, fs.exemplars(nli, trainQuery, 9).size());
        assertFalse(fs.exemplars(nli, trainQuery, 9).contains(trainQuery));
    }
}
