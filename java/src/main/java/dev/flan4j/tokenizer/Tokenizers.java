package dev.flan4j.tokenizer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Finds tokenizers by name: {@code gpt2}, {@code mini-bpe} (shipped with mini-FLAN), or a tokenizer folder path (a
 * flan4j BPE folder, or a Hugging Face model folder's {@code tokenizer.json}).
 */
public final class Tokenizers {
    /** Classpath folder of the shipped mini-BPE vocabulary. */
    public static final String MINI_BPE_ROOT = "mini-flan/tokenizer/";
    /** GPT-2's end-of-text id. */
    public static final int GPT2_EOT = 50256;

    private Tokenizers() {}

    /** GPT-2's BPE (JTokkit r50k_base): 50,257 ids, end of text 50256. */
    public static Tokenizer gpt2() {
        return Gpt2Holder.INSTANCE;
    }

    private static final class Gpt2Holder {
        static final Tokenizer INSTANCE = new JTokkitTokenizer("gpt2",
                Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE), GPT2_EOT + 1, GPT2_EOT);
    }

    /** Whether the shipped mini-BPE vocabulary is on the classpath. */
    public static boolean miniBpeAvailable() {
        return loader().getResource(MINI_BPE_ROOT + BpeVocabulary.DESCRIPTOR) != null;
    }

    /** The mini-BPE vocabulary shipped with the built-in collection. */
    public static BpeVocabulary miniBpeVocabulary() {
        if (!miniBpeAvailable()) {
            throw new IllegalStateException(MINI_BPE_ROOT + BpeVocabulary.DESCRIPTOR + " is not on the classpath");
        }
        ClassLoader cl = loader();
        try (InputStream in = cl.getResourceAsStream(MINI_BPE_ROOT + BpeVocabulary.DESCRIPTOR)) {
            return BpeVocabulary.read(in, "classpath:" + MINI_BPE_ROOT + BpeVocabulary.DESCRIPTOR, rel -> {
                InputStream s = cl.getResourceAsStream(MINI_BPE_ROOT + rel);
                if (s == null) throw new NoSuchFileException("classpath:" + MINI_BPE_ROOT + rel);
                return s;
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code gpt2} (alias {@code r50k_base}), {@code mini-bpe}, or the path of a tokenizer folder / its
     * {@code tokenizer.json}: one written by {@link BpeVocabulary#write(Path)}, or a Hugging Face {@code tokenizer.json}
     * (it has a {@code model} object), opened as {@link HfTokenizer#load} does with the folder's end-of-text id.
     */
    public static Tokenizer byName(String nameOrPath) {
        switch (nameOrPath) {
            case "gpt2", "r50k_base":
                return gpt2();
            case "mini-bpe":
                return miniBpeVocabulary().toTokenizer();
            default:
                Path p = Path.of(nameOrPath);
                if (!Files.exists(p)) {
                    throw new IllegalArgumentException("unknown tokenizer '" + nameOrPath
                            + "': expected gpt2, mini-bpe, or a tokenizer folder");
                }
                try {
                    Path file = Files.isDirectory(p) ? p.resolve(BpeVocabulary.DESCRIPTOR) : p;
                    if (isHuggingFace(file)) return HfTokenizer.load(file.toAbsolutePath().getParent());
                    return BpeVocabulary.read(p).toTokenizer();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
        }
    }

    /** Whether a tokenizer.json is Hugging Face's format (a {@code model} object) rather than flan4j's BPE descriptor. */
    static boolean isHuggingFace(Path tokenizerJson) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) return false;
        try {
            return new ObjectMapper().readTree(tokenizerJson.toFile()).path("model").isObject();
        } catch (IOException e) {
            throw new IOException(tokenizerJson + " is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static ClassLoader loader() {
        ClassLoader cl = Tokenizers.class.getClassLoader();
        return cl != null ? cl : ClassLoader.getSystemClassLoader();
    }
}
