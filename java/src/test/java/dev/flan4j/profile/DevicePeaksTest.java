package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.kernels.KernelDType;
import org.junit.jupiter.api.Test;

class DevicePeaksTest {
    @Test
    void lookupByNvidiaSmiName() {
        assertEquals(DevicePeaks.H100_SXM, DevicePeaks.lookup("NVIDIA H100 80GB HBM3").orElseThrow());
        assertEquals(DevicePeaks.H100_PCIE, DevicePeaks.lookup("NVIDIA H100 PCIe").orElseThrow());
        assertEquals(DevicePeaks.H200, DevicePeaks.lookup("NVIDIA H200").orElseThrow());
        assertEquals(DevicePeaks.A100_80GB, DevicePeaks.lookup("NVIDIA A100-SXM4-80GB").orElseThrow());
        assertEquals(DevicePeaks.A100_40GB, DevicePeaks.lookup("NVIDIA A100-PCIE-40GB").orElseThrow());
        assertTrue(DevicePeaks.lookup("NVIDIA GeForce RTX 4090").isEmpty());
        assertTrue(DevicePeaks.lookup(null).isEmpty());
        assertEquals(989.4e12, DevicePeaks.H100_SXM.flopsPerSecond(KernelDType.BF16), 1);
        assertEquals(66.9e12, DevicePeaks.H100_SXM.flopsPerSecond(KernelDType.F32), 1);
        assertEquals(3.35e12, DevicePeaks.H100_SXM.bytesPerSecond(), 1);
    }
}
