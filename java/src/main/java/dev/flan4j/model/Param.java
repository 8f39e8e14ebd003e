package dev.flan4j.model;

import dev.flan4j.tensor.Shapes;

/**
 * A named parameter of a {@link CausalLm}: its shape, whether weight decay applies to it (2-D weights yes; biases,
 * norms and GPT-2's position table no) and its offset in the model's flat parameter (and gradient) allocation.
 */
public record Param(String name, int[] shape, boolean decay, long offset) {
    public long size() { return Shapes.size(shape); }
}
