package dev.flan4j.tokenizer;

import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.IntArrayList;

/** A {@link Tokenizer} backed by a JTokkit {@link Encoding} (GPT-2's r50k_base, or a loaded {@link BpeVocabulary}). */
public final class JTokkitTokenizer implements Tokenizer {
    private final String name;
    private final Encoding encoding;
    private final int vocabSize;
    private final int eot;

    public JTokkitTokenizer(String name, Encoding encoding, int vocabSize, int eotToken) {
        this.name = name;
        this.encoding = encoding;
        this.vocabSize = vocabSize;
        this.eot = eotToken;
    }

    @Override
    public int[] encode(String text) {
        return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] tokens) {
        IntArrayList list = new IntArrayList(tokens.length);
        for (int t : tokens) list.add(t);
        return encoding.decode(list);
    }

    @Override
    public int count(String text) {
        return encoding.countTokensOrdinary(text);
    }

    @Override
    public int vocabSize() { return vocabSize; }

    @Override
    public int eotToken() { return eot; }

    @Override
    public String name() { return name; }

    @Override
    public String toString() {
        return "Tokenizer[" + name + ", vocab " + vocabSize + ", eot " + eot + "]";
    }
}
