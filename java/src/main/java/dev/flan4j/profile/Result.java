package dev.flan4j.profile;

/**
 * One profiled op. Times in milliseconds; {@code flops}/{@code bytes} from {@link Flops}/{@link Bytes} (null where
 * undefined); {@code tflops} and {@code gbps} use the median time; {@code peakPct} is the share of the device's peak
 * for the op's bound (FLOP/s for compute-bound ops, including the MFU of a step; bandwidth otherwise), null when the
 * peak is unknown. {@code tokensPerS} is set for whole steps.
 */
public record Result(String label, String op, String direction, String dtype, String shape, int runs,
                     double medianMs, double minMs, double p90Ms, Double flops, Long bytes, Double tflops,
                     Double gbps, Double peakPct, String peakBasis, Double tokensPerS, String launch) {

    /** Column names, in order, shared by the CSV and JSON outputs and the torch scripts. */
    public static final String[] COLUMNS = {"label", "op", "direction", "dtype", "shape", "runs", "median_ms",
            "min_ms", "p90_ms", "flops", "bytes", "tflops", "gbps", "peak_pct", "peak_basis", "tokens_per_s", "launch"};

    /** The values in {@link #COLUMNS} order. */
    public Object[] values() {
        return new Object[]{label, op, direction, dtype, shape, runs, medianMs, minMs, p90Ms, flops, bytes, tflops,
                gbps, peakPct, peakBasis, tokensPerS, launch};
    }
}
