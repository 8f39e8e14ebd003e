package dev.flan4j.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The pretraining corpus: documents with a split ({@code train} or {@code valid}), read from corpus.jsonl.gz. */
public record Corpus(List<Document> documents) {
    /** One document. */
    public record Document(String id, String source, String split, String text) {}

    public static final String FILE = "corpus.jsonl.gz";

    /** The corpus shipped with the built-in collection. */
    public static Corpus builtIn() {
        String res = Collection.BUILT_IN_ROOT + FILE;
        try (InputStream in = Corpus.class.getClassLoader().getResourceAsStream(res)) {
            if (in == null) throw new IllegalStateException("the built-in corpus " + res + " is not on the classpath");
            return read(in, "classpath:" + res);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + res, e);
        }
    }

    /** {@code corpus.jsonl.gz} of a collection folder, or a JSONL(.gz) file given directly. */
    public static Corpus load(Path path) {
        Path file = Files.isDirectory(path) ? path.resolve(FILE) : path;
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("reading corpus " + file, e);
        }
    }

    private static Corpus read(InputStream in, String name) throws IOException {
        List<Document> docs = new ArrayList<>();
        JsonLines.forEach(in, name, r -> docs.add(new Document(r.text("id"), r.optText("source"), r.text("split"), r.text("text"))));
        return new Corpus(List.copyOf(docs));
    }

    /** The documents of one split. */
    public List<Document> split(String split) {
        List<Document> out = documents.stream().filter(d -> d.split().equals(split)).toList();
        if (out.isEmpty()) throw new IllegalArgumentException("the corpus has no documents in split '" + split + "'");
        return out;
    }
}
