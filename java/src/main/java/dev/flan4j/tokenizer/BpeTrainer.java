package dev.flan4j.tokenizer;

import dev.flan4j.data.JsonLines;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE vocabulary, deterministically.
 * <p>
 * Text is split by GPT-2's pre-tokenization regex; pieces are counted; starting from the 256 single bytes
 * (ranks 0..255 in byte order), the most frequent adjacent pair is merged repeatedly (ties: the pair whose left,
 * then right token has the lower rank) until the vocabulary is full, then {@code <|endoftext|>} is added as the last id.
 * Pair counts are updated incrementally: a merge only revisits the words that contain the merged pair.
 */
public final class BpeTrainer {
    /** Default vocabulary size: 256 bytes + merges + {@code <|endoftext|>}. */
    public static final int DEFAULT_VOCAB_SIZE = 4096;

    private final Pattern pattern = Pattern.compile(BpeVocabulary.GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
    private final Map<String, Long> pieceCounts = new HashMap<>();

    /** Counts the pre-tokenization pieces of a text. */
    public BpeTrainer add(String text) {
        Matcher m = pattern.matcher(text);
        while (m.find()) pieceCounts.merge(m.group(), 1L, Long::sum);
        return this;
    }

    /** Trains on texts: convenience for {@code add} then {@link #train(String, int)}. */
    public static BpeVocabulary train(Iterable<String> texts, String name, int vocabSize) {
        BpeTrainer t = new BpeTrainer();
        for (String s : texts) t.add(s);
        return t.train(name, vocabSize);
    }

    /** Learns merges from the texts added so far; the result has at most {@code vocabSize} ids. */
    public BpeVocabulary train(String name, int vocabSize) {
        if (vocabSize < 257) throw new IllegalArgumentException("vocabSize must be at least 257 (256 bytes + end of text)");
        List<byte[]> tokens = new ArrayList<>();
        Map<String, Integer> idOf = new HashMap<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(new byte[]{(byte) b});
            idOf.put(BpeVocabulary.key(tokens.get(b)), b);
        }
        Words words = new Words(pieceCounts);
        while (tokens.size() < vocabSize - 1) {
            long pair = words.bestPair();
            if (pair < 0) break;
            int a = (int) (pair >>> 32), b = (int) pair;
            byte[] merged = concat(tokens.get(a), tokens.get(b));
            String k = BpeVocabulary.key(merged);
            Integer id = idOf.get(k);
            if (id == null) {  // a byte string reached by two merge paths keeps its first id
                id = tokens.size();
                tokens.add(merged);
                idOf.put(k, id);
            }
            words.merge(pair, id);
        }
        return new BpeVocabulary(name, BpeVocabulary.GPT2_PATTERN, tokens, Map.of(BpeVocabulary.END_OF_TEXT, tokens.size()));
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long pairKey(int a, int b) {
        return ((long) a << 32) | (b & 0xFFFFFFFFL);
    }

    /** The distinct pieces as symbol sequences with counts, pair counts, and an index pair to words. */
    private static final class Words {
        final int[][] syms;
        final int[] len;
        final long[] count;
        final int[] stamp;
        int merges;
        final Map<Long, Long> pairCount = new HashMap<>();
        final Map<Long, IntList> pairWords = new HashMap<>();
        /** Entries {count, pairKey}; stale ones (count no longer current) are skipped when popped. */
        final PriorityQueue<long[]> queue = new PriorityQueue<>((x, y) -> x[0] != y[0] ? Long.compare(y[0], x[0]) : Long.compare(x[1], y[1]));

        Words(Map<String, Long> pieceCounts) {
            // sorted so that the word order (and everything after it) does not depend on hashing
            TreeMap<String, Long> sorted = new TreeMap<>(pieceCounts);
            int n = sorted.size();
            syms = new int[n][];
            len = new int[n];
            count = new long[n];
            stamp = new int[n];
            int w = 0;
            for (Map.Entry<String, Long> e : sorted.entrySet()) {
                byte[] bytes = e.getKey().getBytes(StandardCharsets.UTF_8);
                syms[w] = new int[bytes.length];
                for (int i = 0; i < bytes.length; i++) syms[w][i] = bytes[i] & 0xFF;
                len[w] = bytes.length;
                count[w] = e.getValue();
                for (int i = 0; i + 1 < bytes.length; i++) {
                    long p = pairKey(syms[w][i], syms[w][i + 1]);
                    pairCount.merge(p, count[w], Long::sum);
                    pairWords.computeIfAbsent(p, x -> new IntList()).add(w);
                }
                w++;
            }
            pairCount.forEach((p, c) -> queue.add(new long[]{c, p}));
        }

        /** The most frequent pair (ties: lowest left id, then lowest right id), or -1 when none is left. */
        long bestPair() {
            while (!queue.isEmpty()) {
                long[] top = queue.poll();
                Long current = pairCount.get(top[1]);
                if (current != null && current == top[0] && current > 0) return top[1];
            }
            return -1;
        }

        void merge(long pair, int id) {
            int a = (int) (pair >>> 32), b = (int) pair;
            merges++;
            Set<Long> changed = new HashSet<>();
            IntList ws = pairWords.remove(pair);
            for (int k = 0; k < ws.size; k++) {
                int w = ws.data[k];
                if (stamp[w] == merges) continue;
                stamp[w] = merges;
                int[] s = syms[w];
                int n = len[w];
                boolean present = false;
                for (int i = 0; i + 1 < n && !present; i++) present = s[i] == a && s[i + 1] == b;
                if (!present) continue;
                for (int i = 0; i + 1 < n; i++) add(pairKey(s[i], s[i + 1]), -count[w], changed);
                int j = 0;
                for (int i = 0; i < n; ) {
                    if (i + 1 < n && s[i] == a && s[i + 1] == b) {
                        s[j++] = id;
                        i += 2;
                    } else {
                        s[j++] = s[i++];
                    }
                }
                len[w] = j;
                for (int i = 0; i + 1 < j; i++) {
                    long p = pairKey(s[i], s[i + 1]);
                    add(p, count[w], changed);
                    if (s[i] == id || s[i + 1] == id) pairWords.computeIfAbsent(p, x -> new IntList()).add(w);
                }
            }
            pairCount.remove(pair);
            for (long p : changed) {
                Long c = pairCount.get(p);
                if (c != null && c > 0) queue.add(new long[]{c, p});
            }
        }

        private void add(long p, long delta, Set<Long> changed) {
            long c = pairCount.merge(p, delta, Long::sum);
            if (c <= 0) pairCount.remove(p);
            changed.add(p);
        }
    }

    /** A growable int array. */
    private static final class IntList {
        int[] data = new int[4];
        int size;

        void add(int v) {
            if (size == data.length) data = Arrays.copyOf(data, size * 2);
            data[size++] = v;
        }
    }

    /**
     * Trains on the {@code train} documents of a corpus (FORMAT.md: {@code corpus.jsonl.gz}, one
     * {@code {"id", "source", "split", "text"}} per line) and writes the vocabulary to a folder.
     */
    public static BpeVocabulary trainOnCorpus(Path corpus, Path outDir, String name, int vocabSize) throws IOException {
        BpeTrainer t = new BpeTrainer();
        JsonLines.forEach(corpus, r -> {
            if ("train".equals(r.text("split"))) t.add(r.text("text"));
        });
        BpeVocabulary v = t.train(name, vocabSize);
        v.write(outDir);
        return v;
    }

    /** {@code BpeTrainer <corpus.jsonl.gz> <out-dir> [vocab-size] [name]}: trains and writes a tokenizer folder. */
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: BpeTrainer <corpus.jsonl.gz> <out-dir> [vocab-size=" + DEFAULT_VOCAB_SIZE + "] [name=mini-bpe]");
            System.exit(2);
        }
        int size = args.length > 2 ? Integer.parseInt(args[2]) : DEFAULT_VOCAB_SIZE;
        String name = args.length > 3 ? args[3] : "mini-bpe";
        long t0 = System.nanoTime();
        BpeVocabulary v = trainOnCorpus(Path.of(args[0]), Path.of(args[1]), name, size);
        System.out.printf("trained %s: %d ids in %.1f s -> %s%n", name, v.vocabSize(), (System.nanoTime() - t0) / 1e9, args[1]);
    }
}
