package dev.flan4j.data;

import java.util.List;

/**
 * How an example becomes a prompt: FLAN instructions (the default) and the paper's ablations.
 */
public enum PromptFormat {
    /** FLAN instruction templates, all of them (turned-around ones included), with the OPTIONS suffix. */
    FLAN,
    /**
     * No template: the values of the dataset's {@link #inputFields input fields} joined by a space, no instruction;
     * for classification the options follow plainly, one per line after a newline. Fields that only targets or
     * turned-around templates use (answers, references, metadata) never appear: joining every field would leak
     * labels.
     */
    NO_TEMPLATE,
    /**
     * FLAN instruction templates without the OPTIONS suffix ({@code {options_}} renders empty), to score a tuned
     * model with the answer choices left out of the prompt; rank classification still ranks the options.
     */
    FLAN_NO_OPTIONS,
    /** Like {@link #NO_TEMPLATE}, prefixed by {@code [dataset_name]}. */
    DATASET_NAME,
    /**
     * GPT-3 style continuation prompt for the untuned baseline: a non-turned-around template rendered without the
     * OPTIONS suffix ({@code {options_}} renders empty).
     */
    GPT3_CONTINUATION;

    /** Whether this format uses a template ({@link #FLAN}: all; others: only those not turned around). */
    public boolean allows(Template t) {
        return this == FLAN || !t.turnedAround();
    }

    /** The dataset's templates this format uses, in order. */
    public List<Template> templates(Dataset d) {
        return d.templates().stream().filter(this::allows).toList();
    }

    /**
     * Renders an example. The instance's options are the example's options for classification with a
     * non-turned-around template, else empty.
     *
     * @throws IllegalArgumentException when the format does not use the template, or a slot has no value
     */
    public Instance render(Dataset d, Example e, Template t) {
        if (!allows(t)) throw new IllegalArgumentException(this + " does not use turned-around template " + t.name());
        List<String> options = t.turnedAround() ? List.of() : d.optionsFor(e);
        return switch (this) {
            case FLAN -> new Instance(d.name(), t.renderInput(e, options), t.renderTarget(e), options);
            case GPT3_CONTINUATION, FLAN_NO_OPTIONS -> new Instance(d.name(), t.renderInput(e, null), t.renderTarget(e), options);
            case NO_TEMPLATE -> new Instance(d.name(), raw(d, e, options), e.answer(), options);
            case DATASET_NAME -> new Instance(d.name(), "[" + d.name() + "] " + raw(d, e, options), e.answer(), options);
        };
    }

    /**
     * The fields a template-free prompt may show: those the inputs of the dataset's scorable (not turned-around)
     * templates use, in order of first use, without the {@code options_} and {@code answer} slots. Since an
     * instruction prompt shows exactly these, the ablation formats see the same information as FLAN's templates.
     */
    public static List<String> inputFields(Dataset d) {
        java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
        for (Template t : d.templates()) {
            if (!t.turnedAround()) out.addAll(t.inputSlots());
        }
        out.remove(Template.OPTIONS_SLOT);
        out.remove(Template.ANSWER_SLOT);
        return List.copyOf(out);
    }

    private static String raw(Dataset d, Example e, List<String> options) {
        List<String> values = new java.util.ArrayList<>();
        for (String f : inputFields(d)) {
            String v = e.fields().get(f);
            if (v == null) throw new IllegalArgumentException("dataset " + d.name() + " example " + e.id() + " has no input field " + f);
            values.add(v);
        }
        if (values.isEmpty()) throw new IllegalArgumentException("dataset " + d.name() + " has no scorable template to take input fields from");
        String fields = String.join(" ", values);
        return options.isEmpty() ? fields : fields + "\n" + String.join("\n", options);
    }
}
