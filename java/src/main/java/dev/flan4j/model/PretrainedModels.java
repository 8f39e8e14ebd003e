package dev.flan4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flan4j.backend.Backend;
import dev.flan4j.model.hf.HfGpt2;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The pretrained models shipped with the built-in data (artifact flan4j-data): each a Hugging Face GPT-2 folder
 * ({@code config.json} + {@code model.safetensors}) under {@code mini-flan/models/NAME/} with its model card, listed in
 * {@code mini-flan/models/index.json}. Anything that takes a model path also takes one of these names.
 */
public final class PretrainedModels {
    /** Classpath folder of the shipped models. */
    public static final String ROOT = "mini-flan/models/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One shipped model as its card describes it.
     *
     * @param name      the name to load it by
     * @param summary   one line: what it is
     * @param tokenizer the tokenizer it was trained with (a {@code Tokenizers.byName} name)
     * @param card      the whole card ({@code card.json}): parameters, tokens seen, held-out loss, command line, ...
     */
    public record Info(String name, String summary, String tokenizer, JsonNode card) {
        /** A number from the card, NaN when absent. */
        public double number(String field) {
            JsonNode n = card.get(field);
            return n != null && n.isNumber() ? n.asDouble() : Double.NaN;
        }
    }

    private PretrainedModels() {}

    /** Every shipped model, in the index's order (empty when the built-in data ships none). */
    public static List<Info> list() {
        List<Info> out = new ArrayList<>();
        JsonNode index = readJson(ROOT + "index.json", true);
        if (index == null) return out;
        for (JsonNode n : index.path("models")) {
            String name = n.asText();
            JsonNode card = readJson(ROOT + name + "/card.json", false);
            out.add(new Info(name, card.path("summary").asText(""), card.path("tokenizer").asText("mini-bpe"), card));
        }
        return out;
    }

    /** The shipped model of that name, if there is one. */
    public static Optional<Info> find(String name) {
        return list().stream().filter(i -> i.name().equals(name)).findFirst();
    }

    /** Loads a shipped model onto a backend; an unknown name is an error listing the names. */
    public static Gpt load(String name, Backend backend) throws IOException {
        if (find(name).isEmpty()) {
            throw new IllegalArgumentException("no shipped model named '" + name + "'; shipped models: "
                    + list().stream().map(Info::name).toList());
        }
        Path tmp = Files.createTempDirectory("flan4j-model-");
        try {
            for (String f : List.of(HfGpt2.CONFIG, HfGpt2.MODEL)) {
                try (InputStream in = resource(ROOT + name + "/" + f)) {
                    if (in == null) throw new IOException("shipped model '" + name + "' lacks " + f + " on the classpath");
                    Files.copy(in, tmp.resolve(f));
                }
            }
            return HfGpt2.load(tmp, backend);
        } finally {
            AtomicFiles.deleteTree(tmp);
        }
    }

    private static InputStream resource(String path) {
        return PretrainedModels.class.getClassLoader().getResourceAsStream(path);
    }

    private static JsonNode readJson(String path, boolean optional) {
        try (InputStream in = resource(path)) {
            if (in == null) {
                if (optional) return null;
                throw new IllegalStateException("the built-in data lists a model whose " + path + " is missing");
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("reading " + path + ": " + e.getMessage(), e);
        }
    }
}
