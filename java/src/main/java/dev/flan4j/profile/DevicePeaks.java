package dev.flan4j.profile;

import dev.flan4j.kernels.KernelDType;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Published dense peaks (no sparsity) of the GPUs flan4j is measured on: TFLOP/s for bf16 and tf32 tensor cores
 * and for fp32 on CUDA cores, and HBM bandwidth in GB/s (NVIDIA data sheets).
 */
public final class DevicePeaks {
    private DevicePeaks() {}

    /** One device's peaks. */
    public record Peak(String name, double bf16Tflops, double tf32Tflops, double fp32Tflops, double hbmGBps) {
        /** FLOP/s of a dtype: fp32 on CUDA cores (the fp32 reference path uses no TF32), else the bf16/fp16 tensor cores. */
        public double flopsPerSecond(KernelDType d) {
            return (d == KernelDType.F32 ? fp32Tflops : bf16Tflops) * 1e12;
        }

        public double bytesPerSecond() { return hbmGBps * 1e9; }
    }

    public static final Peak H100_SXM = new Peak("H100 SXM", 989.4, 494.7, 66.9, 3350);
    public static final Peak H100_PCIE = new Peak("H100 PCIe", 756.0, 378.0, 51.2, 2000);
    public static final Peak H200 = new Peak("H200", 989.4, 494.7, 66.9, 4800);
    public static final Peak A100_80GB = new Peak("A100 80GB SXM", 312.0, 156.0, 19.5, 2039);
    public static final Peak A100_40GB = new Peak("A100 40GB", 312.0, 156.0, 19.5, 1555);

    public static final List<Peak> ALL = List.of(H100_SXM, H100_PCIE, H200, A100_80GB, A100_40GB);

    /** The peaks of a GPU by its reported name (e.g. "NVIDIA H100 80GB HBM3", "NVIDIA A100-SXM4-40GB"). */
    public static Optional<Peak> lookup(String gpuName) {
        if (gpuName == null) return Optional.empty();
        String n = gpuName.toUpperCase(Locale.ROOT);
        if (n.contains("H200")) return Optional.of(H200);
        if (n.contains("H100")) return Optional.of(n.contains("PCIE") ? H100_PCIE : H100_SXM);
        if (n.contains("A100")) return Optional.of(n.contains("40GB") ? A100_40GB : A100_80GB);
        return Optional.empty();
    }
}
