package dev.flan4j.tokenizer;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

class BpeTrainerTest {
    static String sample() throws IOException {
        return new String(BpeTrainerTest.class.getResourceAsStream("/tokenizer/sample.txt").readAllBytes(), StandardCharsets.UTF_8);
    }

    static BpeVocabulary trainSample(int vocabSize) throws IOException {
        return BpeTrainer.train(List.of(sample(), sample().toUpperCase()), "test-bpe", vocabSize);
    }

    @Test
    void vocabularyLayout() throws IOException {
        BpeVocabulary v = trainSample(600);
        assertEquals(600, v.vocabSize());
        assertEquals(599, v.tokens().size());
        assertEquals(599, v.eotToken());
        for (int b = 0; b < 256; b++) assertArrayEquals(new byte[]{(byte) b}, v.tokens().get(b));
        List<String> texts = v.tokens().stream().map(t -> new String(t, StandardCharsets.UTF_8)).toList();
        assertTrue(texts.contains(" the"), "common word merged");
    }

    @Test
    void sameInputSameFileBytes(@TempDir Path dir) throws IOException {
        trainSample(500).write(dir.resolve("a"));
        trainSample(500).write(dir.resolve("b"));
        for (String f : List.of("tokenizer.json", "test-bpe.tiktoken")) {
            assertArrayEquals(Files.readAllBytes(dir.resolve("a").resolve(f)), Files.readAllBytes(dir.resolve("b").resolve(f)), f);
        }
        String first = Files.readAllLines(dir.resolve("a/test-bpe.tiktoken")).get(65);
        assertEquals("QQ== 65", first); // 'A' is byte 65, base64 "QQ=="
    }

    @Test
    void writtenFilesLoadThroughJTokkitWithSameIdsAsReference(@TempDir Path dir) throws IOException {
        BpeVocabulary v = trainSample(700);
        v.write(dir);
        BpeVocabulary back = BpeVocabulary.read(dir);
        assertEquals(v.tokens().size(), back.tokens().size());
        for (int r = 0; r < v.tokens().size(); r++) assertArrayEquals(v.tokens().get(r), back.tokens().get(r));
        Tokenizer tok = Tokenizers.byName(dir.toString());
        assertEquals("test-bpe", tok.name());
        assertEquals(700, tok.vocabSize());
        assertEquals(699, tok.eotToken());
        String text = sample();
        assertArrayEquals(v.encodeReference(text), tok.encode(text));
        assertTrue(tok.count(text) < text.getBytes(StandardCharsets.UTF_8).length / 2, "compresses its training text");
        for (String s : randomStrings(200, 7)) assertArrayEquals(v.encodeReference(s), tok.encode(s), s);
        assertEquals("<|endoftext|>", tok.decode(new int[]{tok.eotToken()}));
    }

    @Test
    void roundTripsArbitraryUnicode() throws IOException {
        Tokenizer tok = trainSample(500).toTokenizer();
        for (String s : randomStrings(300, 11)) assertEquals(s, tok.decode(tok.encode(s)));
        String s = sample() + " <|endoftext|> \u0000\r\n\t";
        assertEquals(s, tok.decode(tok.encode(s)));
    }

    @Test
    void incrementalCountsMatchNaiveRecount() throws IOException {
        List<String> texts = List.of(sample());
        BpeVocabulary v = BpeTrainer.train(texts, "x", 420);
        List<byte[]> naive = naiveTrain(texts, 420 - 1);
        assertEquals(naive.size(), v.tokens().size());
        for (int r = 0; r < naive.size(); r++) assertArrayEquals(naive.get(r), v.tokens().get(r), "rank " + r);
    }

    @Test
    void trainsQuicklyOnLargerText() {
        StringBuilder sb = new StringBuilder();
        Random rnd = new Random(3);
        String[] words = "the of and to in is that it was for on with as his he be at by had not are but from".split(" ");
        for (int i = 0; i < 100_000; i++) {
            sb.append(words[rnd.nextInt(words.length)]);
            sb.append(rnd.nextInt(10) == 0 ? ". " : " ");
            if (rnd.nextInt(50) == 0) sb.append(rnd.nextInt(100_000)).append(' ');
        }
        long t0 = System.nanoTime();
        BpeVocabulary v = BpeTrainer.train(List.of(sb.toString()), "big", 2048);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertTrue(v.vocabSize() > 300);
        assertTrue(seconds < 10, "took " + seconds + " s");
    }

    /** Valid random strings mixing ASCII, Latin, Greek, CJK, emoji (astral), combining marks and whitespace. */
    static List<String> randomStrings(int n, long seed) {
        Random rnd = new Random(seed);
        int[][] ranges = {{0x20, 0x7E}, {0xA0, 0x24F}, {0x370, 0x3FF}, {0x4E00, 0x4FFF}, {0x1F600, 0x1F64F},
                {0x300, 0x36F}, {0x9, 0xD}, {0x3000, 0x303F}, {0x10000, 0x1007F}};
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            StringBuilder sb = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int j = 0; j < len; j++) {
                int[] r = ranges[rnd.nextInt(ranges.length)];
                sb.appendCodePoint(r[0] + rnd.nextInt(r[1] - r[0] + 1));
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** Textbook BPE: recount every pair after every merge. */
    static List<byte[]> naiveTrain(List<String> texts, int nTokens) {
        Pattern p = Pattern.compile(BpeVocabulary.GPT2_PATTERN, Pattern.UNICODE_CHARACTER_CLASS);
        Map<String, Long> counts = new TreeMap<>();
        for (String t : texts) {
            Matcher m = p.matcher(t);
            while (m.find()) counts.merge(m.group(), 1L, Long::sum);
        }
        List<List<Integer>> words = new ArrayList<>();
        List<Long> wc = new ArrayList<>();
        counts.forEach((w, c) -> {
            List<Integer> s = new ArrayList<>();
            for (byte b : w.getBytes(StandardCharsets.UTF_8)) s.add(b & 0xFF);
            words.add(s);
            wc.add(c);
        });
        List<byte[]> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) tokens.add(new byte[]{(byte) b});
        while (tokens.size() < nTokens) {
            Map<List<Integer>, Long> pc = new HashMap<>();
            for (int w = 0; w < words.size(); w++) {
                List<Integer> s = words.get(w);
                for (int i = 0; i + 1 < s.size(); i++) pc.merge(List.of(s.get(i), s.get(i + 1)), wc.get(w), Long::sum);
            }
            List<Integer> best = null;
            long bestC = 0;
            for (Map.Entry<List<Integer>, Long> e : pc.entrySet()) {
                List<Integer> k = e.getKey();
                long c = e.getValue();
                if (best == null || c > bestC || (c == bestC && (k.get(0) < best.get(0) || (k.get(0).equals(best.get(0)) && k.get(1) < best.get(1))))) {
                    best = k;
                    bestC = c;
                }
            }
            if (best == null) break;
            byte[] a = tokens.get(best.get(0)), b = tokens.get(best.get(1));
            byte[] merged = Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, merged, a.length, b.length);
            int id = tokens.size();
            tokens.add(merged);
            for (List<Integer> s : words) {
                for (int i = 0; i + 1 < s.size(); i++) {
                    if (s.get(i).equals(best.get(0)) && s.get(i + 1).equals(best.get(1))) {
                        s.set(i, id);
                        s.remove(i + 1);
                    }
                }
            }
        }
        return tokens;
    }
}
