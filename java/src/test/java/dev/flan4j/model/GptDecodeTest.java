package dev.flan4j.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.CpuBackend;
import dev.flan4j.tensor.Tensor;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** KV-cache decoding gives the full forward pass's logits, whichever way the sequence is cut into calls. */
class GptDecodeTest {
    private static final GptConfig CFG = new GptConfig(61, 32, 2, 2, 16);
    private final CpuBackend be = new CpuBackend();

    /** A random model with weights large enough (std 0.2) that attention is far from uniform. */
    static Gpt randomModel(GptConfig cfg, CpuBackend be, long seed) {
        Gpt m = Gpt.initialized(cfg, be, seed);
        float[] all = be.toArray(m.parameterData());
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (Param p : m.parameters()) {
            if (p.name().equals("wte")) continue;   // keep the padded vocabulary rows zero
            for (int i = 0; i < p.size(); i++) all[(int) p.offset() + i] += (float) (r.nextGaussian() * 0.2);
        }
        m.loadParameters(all);
        return m;
    }

    private float[] forwardLogits(Gpt m, int[] tokens) {
        int[] targets = new int[tokens.length];
        Arrays.fill(targets, Batch.IGNORE);
        m.forward(Batch.rows(1, tokens.length, tokens, targets));
        return be.toArray(m.logits());
    }

    private static void assertClose(float[] expected, float[] actual, int offset, String what) {
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected[offset + i], actual[i], 1e-5, what + " at " + i);
        }
    }

    @Test
    void decodingInOneCallOrTokenByTokenMatchesForward() {
        Gpt m = randomModel(CFG, be, 3);
        int Vp = CFG.paddedVocabSize();
        SplittableRandom r = new SplittableRandom(9);
        int[] tokens = new int[CFG.blockSize()];   // fill the block: the last position is used too
        for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt(CFG.vocabSize());
        float[] expected = forwardLogits(m, tokens);

        try (Gpt.KvCache cache = m.newCache()) {
            assertClose(expected, be.toArray(m.decode(tokens, cache)), 0, "one call");
            assertEquals(tokens.length, cache.length());

            cache.truncate(0);
            for (int t = 0; t < tokens.length; t++) {
                float[] row = be.toArray(m.decode(new int[]{tokens[t]}, cache));
                assertClose(expected, row, t * Vp, "token " + t);
            }

            // Uneven chunks, and decodeLast on each.
            cache.truncate(0);
            int[] cuts = {0, 5, 6, 17, 32};
            for (int c = 0; c + 1 < cuts.length; c++) {
                int[] chunk = Arrays.copyOfRange(tokens, cuts[c], cuts[c + 1]);
                Tensor last = m.decodeLast(chunk, cache);
                assertEquals(1, last.dim(0));
                assertClose(expected, be.toArray(last), (cuts[c + 1] - 1) * Vp, "chunk " + c);
            }
        }
        m.close();
    }

    @Test
    void truncatedCacheContinuesLikeAFreshSequence() {
        Gpt m = randomModel(CFG, be, 4);
        int Vp = CFG.paddedVocabSize();
        int[] prompt = {1, 2, 3, 4, 5}, a = {6, 7, 8}, b = {9, 10};
        float[] expectedB = forwardLogits(m, new int[]{1, 2, 3, 4, 5, 9, 10});
        try (Gpt.KvCache cache = m.newCache()) {
            m.decode(prompt, cache);
            m.decode(a, cache);
            cache.truncate(prompt.length);
            float[] got = be.toArray(m.decode(b, cache));
            assertClose(expectedB, got, prompt.length * Vp, "continuation b after rewinding a");
        }
        m.close();
    }

    @Test
    void badInputsGiveClearErrors() {
        Gpt m = randomModel(new GptConfig(50, 8, 1, 2, 8), be, 1);
        try (Gpt.KvCache cache = m.newCache()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.decode(new int[]{3, 50}, cache));
            assertTrue(e.getMessage().contains("token id 50") && e.getMessage().contains("[0, 50)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.decode(new int[]{-1}, cache));
            assertTrue(e.getMessage().contains("token id -1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> m.decode(new int[0], cache));
            assertTrue(e.getMessage().contains("empty"), e.getMessage());
            m.decode(new int[6], cache);
            e = assertThrows(IllegalArgumentException.class, () -> m.decode(new int[3], cache));
            assertTrue(e.getMessage().contains("block size 8") && e.getMessage().contains("6"), e.getMessage());
            assertEquals(6, cache.length(), "a refused decode leaves the cache alone");
            e = assertThrows(IllegalArgumentException.class, () -> cache.truncate(7));
            assertTrue(e.getMessage().contains("newLength=7"), e.getMessage());
            m.decode(new int[2], cache);   // exactly full is fine
            assertEquals(8, cache.length());
        }
        try (Gpt other = Gpt.initialized(new GptConfig(50, 8, 1, 2, 8), be, 1); Gpt.KvCache foreign = other.newCache()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.decode(new int[]{1}, foreign));
            assertTrue(e.getMessage().contains("another model"), e.getMessage());
        }
        m.close();
    }

    @Test
    void attentionDecodeChecksItsArguments() {
        int NH = 2, HD = 4, C = NH * HD;
        try (Tensor out = be.zeros(2, C); Tensor qkv = be.zeros(2, 3 * C); Tensor k = be.zeros(4, C); Tensor v = be.zeros(4, C)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> be.attentionDecode(out, qkv, k, v, 3, 2, NH, HD, 1f));
            assertTrue(e.getMessage().contains("start=3") && e.getMessage().contains("4 rows"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.attentionDecode(out, qkv, k, v, 0, 3, NH, HD, 1f));
            assertTrue(e.getMessage().contains("qkvNew"), e.getMessage());
        }
    }

    /** The op alone: attentionDecode over chunks equals attentionForward over the whole document, caches included. */
    @Test
    void attentionDecodeMatchesAttentionForward() {
        int N = 11, NH = 3, HD = 4, C = NH * HD, tMax = 16;
        float scale = 0.5f;
        SplittableRandom r = new SplittableRandom(2);
        float[] qkv = new float[N * 3 * C];
        for (int i = 0; i < qkv.length; i++) qkv[i] = (float) r.nextGaussian();
        float[] expected;
        try (Tensor q = be.fromArray(qkv, N, 3 * C); Tensor out = be.zeros(N, C); Tensor lse = be.zeros(N, NH)) {
            be.attentionForward(out, lse, q, new int[]{0, N}, N, NH, HD, scale);
            expected = be.toArray(out);
        }
        try (Tensor k = be.zeros(tMax, C); Tensor v = be.zeros(tMax, C)) {
            int[] cuts = {0, 4, 5, 11};
            for (int c = 0; c + 1 < cuts.length; c++) {
                int start = cuts[c], n = cuts[c + 1] - start;
                try (Tensor q = be.fromArray(Arrays.copyOfRange(qkv, start * 3 * C, (start + n) * 3 * C), n, 3 * C);
                     Tensor out = be.zeros(n, C)) {
                    be.attentionDecode(out, q, k, v, start, n, NH, HD, scale);
                    assertClose(expected, be.toArray(out), start * C, "chunk " + c);
                }
            }
            float[] kc = be.toArray(k), vc = be.toArray(v);
            for (int t = 0; t < tMax; t++) {
                for (int ch = 0; ch < C; ch++) {
                    float ek = t < N ? qkv[t * 3 * C + C + ch] : 0f, ev = t < N ? qkv[t * 3 * C + 2 * C + ch] : 0f;
                    assertEquals(ek, kc[t * C + ch], "k cache row " + t);
                    assertEquals(ev, vc[t * C + ch], "v cache row " + t);
                }
            }
        }
    }

    /**
     * Each cache holds its own decode buffers: a logits view survives a decode with another cache, and two threads
     * decoding different sequences at once (inside a concurrent-callers section) get the serial logits exactly.
     */
    @Test
    void cachesDecodeIndependentlyAndConcurrently() throws Exception {
        Gpt m = randomModel(CFG, be, 6);
        assertTrue(m.concurrentDecode());
        SplittableRandom r = new SplittableRandom(12);
        int[][] seqs = new int[2][];
        for (int s = 0; s < 2; s++) seqs[s] = r.ints(20 + 5 * s, 0, CFG.vocabSize()).toArray();
        float[][] serial = new float[2][];
        try (Gpt.KvCache a = m.newCache(); Gpt.KvCache b = m.newCache()) {
            Tensor la = m.decode(seqs[0], a);
            float[] before = be.toArray(la);
            m.decode(seqs[1], b);
            assertTrue(Arrays.equals(before, be.toArray(la)), "cache b's decode left cache a's logits alone");
            for (int s = 0; s < 2; s++) {
                Gpt.KvCache c = s == 0 ? a : b;
                c.truncate(0);
                serial[s] = new float[0];
                for (int t = 0; t < seqs[s].length; t++) serial[s] = concat(serial[s], be.toArray(m.decode(new int[]{seqs[s][t]}, c)));
            }
        }
        float[][] concurrent = new float[2][];
        try (AutoCloseable section = be.concurrentCallers(2)) {
            Thread[] threads = new Thread[2];
            Throwable[] failed = new Throwable[2];
            for (int s = 0; s < 2; s++) {
                int id = s;
                threads[s] = new Thread(() -> {
                    try (Gpt.KvCache c = m.newCache()) {
                        float[] out = new float[0];
                        for (int rep = 0; rep < 3; rep++) {   // repeat so that the two threads overlap
                            c.truncate(0);
                            out = new float[0];
                            for (int t = 0; t < seqs[id].length; t++) out = concat(out, be.toArray(m.decode(new int[]{seqs[id][t]}, c)));
                        }
                        concurrent[id] = out;
                    } catch (Throwable e) {
                        failed[id] = e;
                    }
                });
                threads[s].start();
            }
            for (Thread t : threads) t.join();
            for (Throwable e : failed) if (e != null) throw new AssertionError(e);
        }
        for (int s = 0; s < 2; s++) assertTrue(Arrays.equals(serial[s], concurrent[s]), "sequence " + s);
    }

    private static float[] concat(float[] a, float[] b) {
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
