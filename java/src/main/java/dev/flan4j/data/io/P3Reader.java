package dev.flan4j.data.io;

import dev.flan4j.data.Instance;
import dev.flan4j.data.JsonLines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * P3 / promptsource records as JSONL: {@code inputs_pretokenized}, {@code targets_pretokenized} and optional
 * {@code answer_choices} (a list of strings: the options for rank classification). Texts are kept as they are. The task
 * name comes from a {@code task_name} field, else from the file name.
 */
public final class P3Reader implements InstanceReader {
    @Override
    public List<Instance> read(Path file) {
        String fromFile = InstanceReader.taskNameOf(file);
        List<Instance> out = new ArrayList<>();
        JsonLines.forEach(file, r -> {
            String inputs = r.text("inputs_pretokenized");
            String targets = r.text("targets_pretokenized");
            List<String> choices = r.optTextList("answer_choices");
            String task = r.has("task_name") ? r.text("task_name") : fromFile;
            out.add(new Instance(task, inputs, targets, choices));
        });
        return out;
    }
}
