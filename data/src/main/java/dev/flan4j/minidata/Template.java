package dev.flan4j.minidata;

/** An instruction template: input and target patterns with {slot} names. */
public record Template(String input, String target, boolean turnedAround) {
    public static Template t(String input, String target) {
        return new Template(input, target, false);
    }

    public static Template turned(String input, String target) {
        return new Template(input, target, true);
    }
}
