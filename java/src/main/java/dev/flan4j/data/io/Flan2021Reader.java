package dev.flan4j.data.io;

import dev.flan4j.data.Instance;
import dev.flan4j.data.JsonLines;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Flan 2021 per-task exports: JSONL with {@code inputs} and {@code targets}; the task name comes from a
 * {@code task} or {@code task_name} field, else from the file name. Options are recovered from a trailing OPTIONS
 * block of {@code inputs}.
 */
public final class Flan2021Reader implements InstanceReader {
    @Override
    public List<Instance> read(Path file) {
        String fromFile = InstanceReader.taskNameOf(file);
        List<Instance> out = new ArrayList<>();
        JsonLines.forEach(file, r -> {
            String inputs = r.text("inputs");
            String targets = r.text("targets");
            String task = r.has("task") ? r.text("task") : r.has("task_name") ? r.text("task_name") : fromFile;
            out.add(new Instance(task, inputs, targets, OptionsBlock.options(inputs, targets)));
        });
        return out;
    }
}
