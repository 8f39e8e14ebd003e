package dev.flan4j.profile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.CpuBackend;
import dev.flan4j.backend.ProfilingHooks;
import dev.flan4j.backend.Timer;
import dev.flan4j.kernels.KernelDType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProfilerTest {
    private static final Shape TINY = Shape.resolve(
            Map.of("B", 2L, "T", 8L, "C", 16L, "NH", 2L, "V", 70L, "L", 1L, "M", 8L, "N", 12L, "K", 4L, "P", 100L), null);

    @Test
    void everyOpAndDirectionRunsOnTheCpu() {
        try (Backend be = new CpuBackend();
             Profiler p = new Profiler(be, 1, 2, null, null)) {
            for (Op op : Op.values()) {
                for (Direction d : op.directions()) {
                    Result r = p.run(new OpSpec(op, d, KernelDType.F32, TINY));
                    assertEquals(op.cliName(), r.op());
                    assertEquals(d.label(), r.direction());
                    assertEquals(2, r.runs());
                    assertTrue(r.medianMs() >= 0 && r.minMs() <= r.medianMs() && r.medianMs() <= r.p90Ms(), r.toString());
                    assertNull(r.peakPct(), "CPU peak is unknown");
                    assertEquals("unknown", r.peakBasis());
                    assertNotNull(r.launch());
                    assertEquals(op == Op.STEP, r.tokensPerS() != null);
                }
            }
            assertTrue(p.flushDescription().contains("skipped (CPU backend)"), p.flushDescription());
            assertTrue(p.peakDescription().contains("peak unknown on CPU"), p.peakDescription());
        }
    }

    /**
     * A backend in bf16 mode (here the CPU backend behind a proxy that reports BF16, since the CUDA backend cannot run
     * without a GPU) profiles as bf16 exactly the ops that compute in bf16 there, and names why the others are not.
     */
    @Test
    void bf16ModeProfilesOnlyTheOpsThatComputeInBf16() {
        try (CpuBackend cpu = new CpuBackend()) {
            Backend bf16 = (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(),
                    new Class<?>[] {Backend.class}, (proxy, m, args) -> m.getName().equals("precision")
                            ? dev.flan4j.backend.Precision.BF16 : m.invoke(cpu, args));
            assertEquals(KernelDType.BF16, Profiler.dtypeOf(bf16));
            Shape hd64 = Shape.resolve(Map.of("B", 1L, "T", 8L, "C", 128L, "NH", 2L, "V", 70L, "L", 1L), null);
            try (Profiler p = new Profiler(bf16, ProfilingHooks.host(bf16), L2Flush.none("test"), 0, 1, null, null)) {
                for (Op op : List.of(Op.MATMUL, Op.FLCE, Op.STEP, Op.ATTENTION, Op.GELU)) {
                    assertNull(p.unsupported(new OpSpec(op, op.defaultDirection(), KernelDType.BF16, hd64)), op.cliName());
                }
                assertEquals("op gelu bwd computes in fp32 in bf16 mode (profile it with --dtype fp32)",
                        p.unsupported(new OpSpec(Op.GELU, Direction.BWD, KernelDType.BF16, hd64)));
                assertEquals("op attention at HD 8 computes in fp32 in bf16 mode (profile it with --dtype fp32)",
                        p.unsupported(new OpSpec(Op.ATTENTION, Direction.FWD, KernelDType.BF16, TINY)));
                for (Op op : List.of(Op.LAYERNORM, Op.CROSS_ENTROPY, Op.ADAMW, Op.ADAFACTOR)) {
                    assertEquals("op " + op + " computes in fp32 in bf16 mode (profile it with --dtype fp32)",
                            p.unsupported(new OpSpec(op, op.defaultDirection(), KernelDType.BF16, hd64)));
                }
                assertTrue(p.unsupported(new OpSpec(Op.MATMUL, Direction.FWD, KernelDType.F32, hd64))
                        .startsWith("dtype fp32 is not supported by the cpu backend"));
                Result r = p.run(new OpSpec(Op.MATMUL, Direction.FWD, KernelDType.BF16, hd64));
                assertEquals("bf16", r.dtype());
            }
        }
    }

    @Test
    void bf16IsRefusedOnTheCpuWithAClearMessage() {
        try (Backend be = new CpuBackend(); Profiler p = new Profiler(be, 0, 1, null, null)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.run(new OpSpec(Op.LAYERNORM, Direction.FWD, KernelDType.BF16, TINY)));
            assertEquals("dtype bf16 is not supported by the cpu backend for op layernorm (this backend computes in fp32;"
                    + " bf16 needs --backend cuda --precision bf16)", e.getMessage());
        }
    }

    @Test
    void percentOfPeakFromTheDeviceTableAndTheFlushHook() {
        List<String> events = new ArrayList<>();
        try (Backend be = new CpuBackend();
             Profiler p = new Profiler(be, new FakeGpu(events), FakeGpu.flush(events), 1, 3, null, null)) {
            // matmul fwd M=8, N=12, K=4: 768 FLOPs in exactly 2 ms -> 3.84e5 FLOP/s; H100 SXM fp32 peak 66.9 TFLOP/s
            Result r = p.run(new OpSpec(Op.MATMUL, Direction.FWD, KernelDType.F32, TINY));
            assertEquals(2.0, r.medianMs());
            assertEquals(768.0, r.flops());
            assertEquals(768 / 0.002 / 1e12, r.tflops(), 1e-18);
            assertEquals(100 * (768 / 0.002) / 66.9e12, r.peakPct(), 1e-15);
            assertEquals("66.9 TFLOP/s fp32", r.peakBasis());
            assertEquals("grid=(1,1,1) block=(128,1,1)", r.launch());
            // gelu fwd is memory-bound: bytes = 2 * (2*8*64) * 4 = 8192 in 2 ms vs 3350 GB/s
            Result g = p.run(new OpSpec(Op.GELU, Direction.FWD, KernelDType.F32, TINY));
            assertEquals(8192L, g.bytes());
            assertEquals(100 * (8192 / 0.002) / 3350e9, g.peakPct(), 1e-15);
            assertEquals("3350 GB/s", g.peakBasis());
        }
        // warmup and each timed run: flush first, then (timed runs) start/stop around the body
        assertEquals(List.of("flush", "flush", "start", "stop", "flush", "start", "stop", "flush", "start", "stop"),
                events.subList(0, 10));
    }

    @Test
    void peakOverridesApplyOnTheCpu() {
        try (Backend be = new CpuBackend(); Profiler p = new Profiler(be, 0, 1, 100.0, 10.0)) {
            Result r = p.result(new OpSpec(Op.MATMUL, Direction.FWD, KernelDType.F32, TINY), new Stats(1.0, 1.0, 1.0, 1), null);
            // 768 FLOPs in 1 ms = 7.68e5 FLOP/s of 1e11
            assertEquals(100 * 7.68e5 / 1e11, r.peakPct(), 1e-15);
            assertEquals("0.1 TFLOP/s fp32", r.peakBasis());
            Result a = p.result(new OpSpec(Op.ADAMW, null, KernelDType.F32, TINY), new Stats(1.0, 1.0, 1.0, 1), null);
            // 100 * 28 bytes in 1 ms = 2.8e6 B/s of 1e10
            assertEquals(100 * 2.8e6 / 1e10, a.peakPct(), 1e-15);
        }
        assertThrows(IllegalArgumentException.class, () -> new Profiler(new CpuBackend(), 0, 0, null, null));
    }

    /** A pretend H100 whose timer always reads 2 ms, recording the order of flushes and timer calls. */
    private record FakeGpu(List<String> events) implements ProfilingHooks {
        @Override
        public Timer newTimer() {
            return new Timer() {
                @Override public void start() { events.add("start"); }
                @Override public double stopMillis() { events.add("stop"); return 2.0; }
                @Override public String description() { return "fake"; }
            };
        }

        static L2Flush flush(List<String> events) {
            return new L2Flush() {
                @Override public void flush() { events.add("flush"); }
                @Override public String description() { return "fake flush"; }
            };
        }

        @Override public long l2CacheBytes() { return 50L << 20; }
        @Override public String implementation(String family) { return "grid=(1,1,1) block=(128,1,1)"; }
        @Override public String gpuName() { return "NVIDIA H100 80GB HBM3"; }
    }
}
