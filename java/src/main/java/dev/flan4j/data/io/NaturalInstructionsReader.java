package dev.flan4j.data.io;

import dev.flan4j.data.Instance;
import dev.flan4j.data.JsonLines;
import dev.flan4j.data.JsonRecord;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/**
 * A Super-NaturalInstructions task file ({@code taskNNN_name.json}): {@code Definition}, {@code Positive Examples}
 * ({@code input}, {@code output}) and {@code Instances} ({@code input}, {@code output} list). Each instance becomes
 * one generation instance in the benchmark's "definition + k positive examples" prompt:
 * <pre>
 * Definition: ...
 *
 * Positive Example 1 -
 * Input: ...
 * Output: ...
 *
 * Now complete the following example -
 * Input: ...
 * Output:
 * </pre>
 * The target is the first reference output. The task name is the file name.
 */
public final class NaturalInstructionsReader implements InstanceReader {
    private final int positiveExamples;

    /** Definition only (zero-shot). */
    public NaturalInstructionsReader() {
        this(0);
    }

    /** Definition plus up to {@code positiveExamples} positive examples (the benchmark's default is 2). */
    public NaturalInstructionsReader(int positiveExamples) {
        this.positiveExamples = positiveExamples;
    }

    @Override
    public List<Instance> read(Path file) {
        JsonRecord root;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            root = JsonLines.readObject(in, file.toString());
        } catch (IOException e) {
            throw JsonLines.cannotRead(file, e);
        }
        String task = InstanceReader.taskNameOf(file);
        String definition = root.node().path("Definition").isArray()
                ? String.join(" ", root.textList("Definition")) : root.text("Definition");
        StringBuilder prefix = new StringBuilder("Definition: ").append(definition.strip()).append("\n\n");
        List<JsonRecord> positives = root.has("Positive Examples") ? root.objects("Positive Examples") : List.of();
        for (int i = 0; i < Math.min(positiveExamples, positives.size()); i++) {
            JsonRecord p = positives.get(i);
            prefix.append("Positive Example ").append(i + 1).append(" -\nInput: ").append(p.text("input").strip())
                    .append("\nOutput: ").append(p.text("output").strip()).append("\n\n");
        }
        prefix.append("Now complete the following example -\nInput: ");
        List<Instance> out = new ArrayList<>();
        for (JsonRecord inst : root.objects("Instances")) {
            String input = inst.text("input");
            List<String> outputs = inst.node().path("output").isTextual() ? List.of(inst.text("output")) : inst.textList("output");
            if (outputs.isEmpty()) throw inst.fail("output", "no reference output");
            out.add(new Instance(task, prefix + input.strip() + "\nOutput:", outputs.get(0), List.of()));
        }
        return out;
    }
}
