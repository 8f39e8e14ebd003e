package dev.flan4j.train;

/** The loss or gradient norm became NaN or infinite; the run stopped without writing a checkpoint of that state. */
public final class TrainingDivergedException extends RuntimeException {
    private final int step;

    public TrainingDivergedException(int step, String message) {
        super(message);
        this.step = step;
    }

    /** The 0-based step at which the non-finite value appeared. */
    public int step() { return step; }
}
