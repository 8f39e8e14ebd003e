package dev.flan4j.data.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.data.Instance;
import dev.flan4j.data.MalformedDataException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * Fuzzes the user-data readers (Flan Collection, Flan 2021, P3 JSONL; Super-NaturalInstructions JSON): any file either
 * reads or fails with {@link MalformedDataException} (naming the file) or an {@link UncheckedIOException} from
 * {@code JsonLines.cannotRead}; never another exception, and never silently (invalid UTF-8 is an error).
 */
class ReadersFuzzTest {
    private static final List<String> FORMATS = List.of("flan-collection", "flan2021", "p3");

    static List<Instance> readOnlyDocumentedErrors(String format, byte[] bytes, String suffix) throws IOException {
        Path f = Files.createTempFile("fuzz", suffix);
        try {
            Files.write(f, bytes);
            return InstanceReader.forFormat(format).read(f);
        } catch (MalformedDataException e) {
            assertTrue(e.getMessage().startsWith(f.toString()), e.getMessage());
            return null;
        } catch (UncheckedIOException e) {
            assertTrue(e.getMessage().startsWith("cannot read " + f + ": "), e.getMessage());
            return null;
        } catch (RuntimeException | Error e) {
            throw new AssertionError("undocumented " + e + " reading " + format + ": "
                    + new String(bytes, StandardCharsets.UTF_8), e);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Property(tries = 300)
    void jsonlRecords(@ForAll("jsonl") String text, @ForAll("formats") String format) throws IOException {
        readOnlyDocumentedErrors(format, text.getBytes(StandardCharsets.UTF_8), ".jsonl");
    }

    @Property(tries = 200)
    void arbitraryBytes(@ForAll @Size(max = 200) byte[] bytes, @ForAll("allFormats") String format) throws IOException {
        readOnlyDocumentedErrors(format, bytes, ".jsonl");
        readOnlyDocumentedErrors(format, bytes, ".json.gz");
    }

    @Property(tries = 200)
    void invalidUtf8IsAnErrorNotReplaced(@ForAll("formats") String format, @ForAll("bad") byte[] bad) throws IOException {
        byte[] head = "{\"inputs\": \"a".getBytes(StandardCharsets.UTF_8);
        byte[] tail = "\", \"targets\": \"b\", \"inputs_pretokenized\": \"a\", \"targets_pretokenized\": \"b\", \"task_name\": \"t\", \"template_type\": \"zsopt\"}\n"
                .getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + bad.length + tail.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(bad, 0, all, head.length, bad.length);
        System.arraycopy(tail, 0, all, head.length + bad.length, tail.length);
        assertEquals(null, readOnlyDocumentedErrors(format, all, ".jsonl"), "invalid UTF-8 must not be read");
    }

    @Property(tries = 300)
    void naturalInstructionsTasks(@ForAll("sni") String json) throws IOException {
        readOnlyDocumentedErrors("sni", json.getBytes(StandardCharsets.UTF_8), ".json");
    }

    @Provide
    Arbitrary<String> formats() {
        return Arbitraries.of(FORMATS);
    }

    @Provide
    Arbitrary<String> allFormats() {
        return Arbitraries.of("flan-collection", "flan2021", "p3", "sni");
    }

    /** Byte sequences that are not UTF-8: lone continuation bytes, truncated sequences, overlongs, surrogates. */
    @Provide
    Arbitrary<byte[]> bad() {
        return Arbitraries.of(new byte[]{(byte) 0x80}, new byte[]{(byte) 0xff}, new byte[]{(byte) 0xc3},
                new byte[]{(byte) 0xe2, (byte) 0x82}, new byte[]{(byte) 0xc0, (byte) 0xaf},
                new byte[]{(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[]{(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80});
    }

    private static Arbitrary<String> jsonValue() {
        Arbitrary<String> text = Arbitraries.strings().ofMaxLength(12).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"")
                .replaceAll("\\p{Cntrl}", " ") + "\"");
        return Arbitraries.oneOf(text, Arbitraries.of("\"OPTIONS:\\n- yes\\n- no\"", "\"a\\nOPTIONS:\\n-\"", "\"zsopt\"",
                "\"fsnoopt\"", "\"zs\"", "1", "-1.5", "null", "true", "[]", "[\"a\", \"b\"]", "[1, null]", "{}", "{\"input\": \"x\"}"));
    }

    @Provide
    Arbitrary<String> jsonl() {
        Arbitrary<String> key = Arbitraries.of("inputs", "targets", "task_name", "template_type", "task_source", "task",
                "inputs_pretokenized", "targets_pretokenized", "answer_choices", "other");
        Arbitrary<String> entry = Combinators.combine(key, jsonValue()).as((k, v) -> "\"" + k + "\": " + v);
        Arbitrary<String> object = entry.list().ofMaxSize(7).map(l -> "{" + String.join(", ", l) + "}");
        Arbitrary<String> line = Arbitraries.oneOf(object, object, object.map(o -> o.substring(0, o.length() / 2)),
                Arbitraries.of("", "   ", "[]", "3", "\"s\"", "{", "}{"));
        return line.list().ofMaxSize(5).map(l -> String.join("\n", l));
    }

    @Provide
    Arbitrary<String> sni() {
        Arbitrary<String> example = Combinators.combine(jsonValue(), jsonValue())
                .as((i, o) -> "{\"input\": " + i + ", \"output\": " + o + "}");
        Arbitrary<String> list = Arbitraries.oneOf(example.list().ofMaxSize(3).map(l -> "[" + String.join(", ", l) + "]"), jsonValue());
        Arbitrary<String> key = Arbitraries.of("Definition", "Positive Examples", "Instances", "Negative Examples", "x");
        Arbitrary<String> entry = Combinators.combine(key, Arbitraries.oneOf(list, jsonValue())).as((k, v) -> "\"" + k + "\": " + v);
        Arbitrary<String> object = entry.list().ofMaxSize(5).map(l -> "{" + String.join(", ", l) + "}");
        return Arbitraries.oneOf(object, object, object.map(o -> o.substring(0, o.length() / 2)), Arbitraries.of("", "[]", "7"));
    }
}
