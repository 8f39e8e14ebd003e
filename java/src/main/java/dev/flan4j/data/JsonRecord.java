package dev.flan4j.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A JSON object read from a file, with typed accessors whose failures name the file, line and field
 * (as {@link MalformedDataException}). Nested objects keep the path, e.g. {@code datasets[2].templates[0].input}.
 *
 * @param node the JSON object
 * @param file file name used in messages
 * @param line 1-based line (JSONL) or 0
 * @param path path of this object inside the file ("" at the top)
 */
public record JsonRecord(JsonNode node, String file, long line, String path) {

    /** Wraps a parsed top-level value, failing unless it is an object. */
    public static JsonRecord of(JsonNode node, String file, long line) {
        JsonRecord r = new JsonRecord(node, file, line, "");
        if (node == null || !node.isObject()) throw r.fail(null, "expected a JSON object");
        return r;
    }

    /** The dotted path of a key of this object. */
    public String field(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** An exception about a key of this object (null key: the object itself). */
    public MalformedDataException fail(String key, String detail) {
        return new MalformedDataException(file, line, key == null ? (path.isEmpty() ? null : path) : field(key), detail);
    }

    public boolean has(String key) {
        JsonNode v = node.get(key);
        return v != null && !v.isNull();
    }

    /** A required string. */
    public String text(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) throw fail(key, "missing");
        if (!v.isTextual()) throw fail(key, "expected a string, got " + v.getNodeType().name().toLowerCase());
        return v.asText();
    }

    /** An optional string (null when absent or null). */
    public String optText(String key) {
        return has(key) ? text(key) : null;
    }

    /** A required string or number, as text. */
    public String scalar(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) throw fail(key, "missing");
        if (!v.isValueNode()) throw fail(key, "expected a string or number");
        return v.asText();
    }

    /** A required boolean. */
    public boolean bool(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isBoolean()) throw fail(key, "expected true or false");
        return v.asBoolean();
    }

    /** An optional boolean with a default. */
    public boolean optBool(String key, boolean dflt) {
        return has(key) ? bool(key) : dflt;
    }

    /** A required list of strings. */
    public List<String> textList(String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) throw fail(key, "missing");
        if (!v.isArray()) throw fail(key, "expected a list of strings");
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isTextual()) throw fail(key + "[" + i + "]", "expected a string");
            out.add(v.get(i).asText());
        }
        return out;
    }

    /** An optional list of strings (null when absent or null). */
    public List<String> optTextList(String key) {
        return has(key) ? textList(key) : null;
    }

    /** A required nested object. */
    public JsonRecord object(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isObject()) throw fail(key, v == null ? "missing" : "expected an object");
        return new JsonRecord(v, file, line, field(key));
    }

    /** A required list of objects. */
    public List<JsonRecord> objects(String key) {
        JsonNode v = node.get(key);
        if (v == null || !v.isArray()) throw fail(key, v == null ? "missing" : "expected a list of objects");
        List<JsonRecord> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            JsonRecord r = new JsonRecord(v.get(i), file, line, field(key) + "[" + i + "]");
            if (!v.get(i).isObject()) throw r.fail(null, "expected an object");
            out.add(r);
        }
        return out;
    }

    /** The object's entries as text: strings and numbers as is, lists of scalars joined with ", ". */
    public Map<String, String> textMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isValueNode() && !v.isNull()) {
                out.put(e.getKey(), v.asText());
            } else if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                for (JsonNode x : v) {
                    if (!x.isValueNode() || x.isNull()) throw fail(e.getKey(), "expected a list of strings");
                    parts.add(x.asText());
                }
                out.put(e.getKey(), String.join(", ", parts));
            } else {
                throw fail(e.getKey(), "expected a string, number or list of strings");
            }
        }
        return out;
    }

    /** Fails on the first key not in {@code allowed}. */
    public JsonRecord onlyKeys(Set<String> allowed) {
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!allowed.contains(k)) throw fail(k, "unknown field (expected one of " + allowed + ")");
        }
        return this;
    }
}
