package dev.flan4j.minidata;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One example of a dataset: named input fields, an answer and (for per-example classification) its options. */
public final class Example {
    public final LinkedHashMap<String, String> fields = new LinkedHashMap<>();
    public String answer;
    public List<String> options; // null unless the options vary per example
    public String split;
    public String id;
    /** Key used to keep the same content out of two splits (defaults to all fields and the answer). */
    public String dedupKey;
    /** Examples of one group (same passage, chapter, verse...) always land in the same split. */
    public String group;

    public Example field(String name, String value) {
        fields.put(name, value);
        return this;
    }

    public Example answer(String a) {
        this.answer = a;
        return this;
    }

    public Example options(List<String> o) {
        this.options = o;
        return this;
    }

    public Example group(String g) {
        this.group = g;
        return this;
    }

    public Example dedup(String key) {
        this.dedupKey = key;
        return this;
    }

    public String key() {
        if (dedupKey != null) return dedupKey;
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : fields.entrySet()) sb.append(e.getValue()).append('\u0001');
        return sb.toString();
    }
}
