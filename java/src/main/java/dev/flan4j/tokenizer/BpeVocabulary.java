package dev.flan4j.tokenizer;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.GptBytePairEncodingParams;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A byte-level BPE vocabulary: mergeable token byte strings by rank (= token id), a pre-tokenization regex and
 * special tokens. Stored as tiktoken's rank file ({@code base64(token bytes) rank} per line) next to a
 * {@code tokenizer.json} with name, pattern, rank file name and special tokens; used through JTokkit.
 * <p>
 * {@link #encodeReference(String)} is a plain implementation of tiktoken's algorithm (per regex piece: the piece's
 * own token if it has one, else repeatedly merge the adjacent pair whose concatenation has the lowest rank, leftmost
 * first), used to check that JTokkit loads the files faithfully.
 */
public final class BpeVocabulary {
    /** GPT-2's pre-tokenization pattern (compiled with {@link Pattern#UNICODE_CHARACTER_CLASS}, as JTokkit does). */
    public static final String GPT2_PATTERN = "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
    /** The end-of-text special token. */
    public static final String END_OF_TEXT = "<|endoftext|>";
    /** Name of the descriptor file in a tokenizer folder. */
    public static final String DESCRIPTOR = "tokenizer.json";

    private final String name;
    private final String pattern;
    private final List<byte[]> tokens;
    private final Map<String, Integer> specialTokens;
    private final Map<String, Integer> rankOf = new HashMap<>();
    private final Pattern compiled;

    /**
     * @param tokens        token byte strings by rank; ranks 0..255 need not be the single bytes but every single
     *                      byte must be a token
     * @param specialTokens special token text to id (ids after the mergeable ranks)
     */
    public BpeVocabulary(String name, String pattern, List<byte[]> tokens, Map<String, Integer> specialTokens) {
        this.name = name;
        this.pattern = pattern;
        this.tokens = List.copyOf(tokens);
        this.specialTokens = Map.copyOf(specialTokens);
        this.compiled = Pattern.compile(pattern, Pattern.UNICODE_CHARACTER_CLASS);
        for (int r = 0; r < tokens.size(); r++) {
            if (rankOf.put(key(tokens.get(r)), r) != null) throw new IllegalArgumentException("duplicate token at rank " + r);
        }
        for (int b = 0; b < 256; b++) {
            if (!rankOf.containsKey(key(new byte[]{(byte) b}))) throw new IllegalArgumentException("byte " + b + " has no token");
        }
        for (int id : specialTokens.values()) {
            if (id < tokens.size()) throw new IllegalArgumentException("special token id " + id + " collides with a rank");
        }
    }

    public String name() { return name; }

    public String pattern() { return pattern; }

    /** Mergeable tokens by rank. */
    public List<byte[]> tokens() { return tokens; }

    public Map<String, Integer> specialTokens() { return specialTokens; }

    /** Mergeable tokens plus special tokens. */
    public int vocabSize() {
        int max = tokens.size() - 1;
        for (int id : specialTokens.values()) max = Math.max(max, id);
        return max + 1;
    }

    /** The id of {@code <|endoftext|>}. */
    public int eotToken() {
        Integer id = specialTokens.get(END_OF_TEXT);
        if (id == null) throw new IllegalStateException("vocabulary " + name + " has no " + END_OF_TEXT);
        return id;
    }

    /** Splits text into pre-tokenization pieces. */
    List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = compiled.matcher(text);
        while (m.find()) out.add(m.group());
        return out;
    }

    Pattern compiledPattern() { return compiled; }

    /** Reference encoder (tiktoken's algorithm, no special tokens). */
    public int[] encodeReference(String text) {
        List<Integer> out = new ArrayList<>();
        for (String piece : pieces(text)) {
            byte[] bytes = piece.getBytes(StandardCharsets.UTF_8);
            Integer whole = rankOf.get(key(bytes));
            if (whole != null) {
                out.add(whole);
                continue;
            }
            List<byte[]> parts = new ArrayList<>();
            for (byte b : bytes) parts.add(new byte[]{b});
            while (parts.size() > 1) {
                int best = -1, bestRank = Integer.MAX_VALUE;
                for (int i = 0; i + 1 < parts.size(); i++) {
                    Integer r = rankOf.get(key(parts.get(i)) + key(parts.get(i + 1)));
                    if (r != null && r < bestRank) {
                        bestRank = r;
                        best = i;
                    }
                }
                if (best < 0) break;
                parts.set(best, tokens.get(bestRank));
                parts.remove(best + 1);
            }
            for (byte[] p : parts) out.add(rankOf.get(key(p)));
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }

    /** A JTokkit-backed tokenizer for this vocabulary. */
    public Tokenizer toTokenizer() {
        Map<byte[], Integer> encoder = new HashMap<>();
        for (int r = 0; r < tokens.size(); r++) encoder.put(tokens.get(r), r);
        Encoding enc = Encodings.newLazyEncodingRegistry()
                .registerGptBytePairEncoding(new GptBytePairEncodingParams(name, compiled, encoder, specialTokens))
                .getEncoding(name)
                .orElseThrow();
        return new JTokkitTokenizer(name, enc, vocabSize(), eotToken());
    }

    /** File name of the rank file written by {@link #write(Path)}. */
    public String rankFileName() {
        return name + ".tiktoken";
    }

    /** Writes {@code tokenizer.json} and the rank file into a folder (byte-identical for equal vocabularies). */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder ranks = new StringBuilder();
        Base64.Encoder b64 = Base64.getEncoder();
        for (int r = 0; r < tokens.size(); r++) ranks.append(b64.encodeToString(tokens.get(r))).append(' ').append(r).append('\n');
        Files.writeString(dir.resolve(rankFileName()), ranks, StandardCharsets.UTF_8);

        ObjectMapper mapper = new ObjectMapper();
        ObjectNode json = mapper.createObjectNode();
        json.put("name", name);
        json.put("type", "byte_level_bpe");
        json.put("pattern", pattern);
        json.put("ranks", rankFileName());
        json.put("vocab_size", vocabSize());
        ObjectNode specials = json.putObject("special_tokens");
        specialTokens.entrySet().stream().sorted(Map.Entry.comparingByValue()).forEach(e -> specials.put(e.getKey(), e.getValue()));
        DefaultPrettyPrinter pp = new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n"));
        Files.writeString(dir.resolve(DESCRIPTOR), mapper.writer(pp).writeValueAsString(json) + "\n", StandardCharsets.UTF_8);
    }

    /** Reads a tokenizer folder (or its {@code tokenizer.json}). */
    public static BpeVocabulary read(Path dirOrDescriptor) throws IOException {
        Path descriptor = Files.isDirectory(dirOrDescriptor) ? dirOrDescriptor.resolve(DESCRIPTOR) : dirOrDescriptor;
        Path dir = descriptor.toAbsolutePath().getParent();
        try (InputStream in = Files.newInputStream(descriptor)) {
            return read(in, descriptor.toString(), rel -> Files.newInputStream(dir.resolve(rel)));
        }
    }

    /** Opens a file named in the descriptor, relative to it. */
    @FunctionalInterface
    public interface Opener {
        InputStream open(String relativePath) throws IOException;
    }

    /** Reads a descriptor and its rank file; {@code where} names the descriptor in messages. */
    public static BpeVocabulary read(InputStream descriptor, String where, Opener opener) throws IOException {
        JsonNode json = new ObjectMapper().readTree(descriptor);
        for (String k : List.of("name", "pattern", "ranks")) {
            if (json == null || !json.path(k).isTextual()) throw new IOException(where + ": field '" + k + "' missing or not a string");
        }
        Map<String, Integer> specials = new LinkedHashMap<>();
        json.path("special_tokens").fields().forEachRemaining(e -> specials.put(e.getKey(), e.getValue().asInt()));
        String rankFile = json.get("ranks").asText();
        List<byte[]> tokens = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(opener.open(rankFile), StandardCharsets.UTF_8))) {
            int lineNo = 0;
            for (String line; (line = r.readLine()) != null; ) {
                lineNo++;
                if (line.isEmpty()) continue;
                int sp = line.indexOf(' ');
                try {
                    if (sp < 0 || Integer.parseInt(line.substring(sp + 1)) != tokens.size()) {
                        throw new IOException(rankFile + ":" + lineNo + ": expected '<base64> " + tokens.size() + "'");
                    }
                    tokens.add(Base64.getDecoder().decode(line.substring(0, sp)));
                } catch (IllegalArgumentException e) {
                    throw new IOException(rankFile + ":" + lineNo + ": " + e.getMessage(), e);
                }
            }
        }
        return new BpeVocabulary(json.get("name").asText(), json.get("pattern").asText(), tokens, specials);
    }

    /** Bytes as a String key (ISO-8859-1 maps each byte to one char, so concatenation of keys is concatenation of bytes). */
    static String key(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
