package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.flan4j.backend.Reduction;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Argument validation. The C entry points (api.cu) are the only checkers and validate before any CUDA call, so
 * these run without a GPU (and are safe with one: the fake pointers are never dereferenced because validation
 * fails first). The {@link Kernels} wrappers surface INVALID_ARGUMENT as {@link KernelArgumentException}.
 */
class KernelsValidationTest {
    static final long P = 0x10000L; // fake, non-null device address; never dereferenced
    static final long S = 0L;       // default stream

    /** Calls the raw binding and asserts INVALID_ARGUMENT with a message naming the argument and value. */
    static void assertNativeRejects(int status, String... fragments) {
        KernelArgumentException e = assertThrows(KernelArgumentException.class, () -> Kernels.check(status));
        assertEquals(KernelStatus.INVALID_ARGUMENT, e.status(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    /** A {@link Kernels} wrapper: the native INVALID_ARGUMENT arrives as an IllegalArgumentException subclass. */
    static void assertWrapperRejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e instanceof KernelArgumentException, e.getClass() + ": " + e.getMessage());
        assertEquals(KernelStatus.INVALID_ARGUMENT, ((KernelArgumentException) e).status());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @BeforeEach
    void needNative() {
        assumeTrue(Kernels.isLoaded(), "native library not loaded (CPU-only build)");
    }

    // ------------------------------------------------------------------ C-side validation

    @Test
    void layerNormForwardNegativeC() {
        assertNativeRejects(Flan4jNative.flan4j_layernorm_forward(0, P, P, P, P + 64, P, P, 2, 3, -7, 1e-5f, S),
                "flan4j_layernorm_forward", "'C'", "-7");
    }

    @Test
    void layerNormForwardNullInput() {
        assertNativeRejects(Flan4jNative.flan4j_layernorm_forward(0, P, P, P, 0L, P, P, 2, 3, 4, 1e-5f, S),
                "'inp'", "NULL");
    }

    @Test
    void layerNormForwardBadDtype() {
        assertNativeRejects(Flan4jNative.flan4j_layernorm_forward(9, P, P, P, P + 64, P, P, 2, 3, 4, 1e-5f, S),
                "'dtype'", "9");
    }

    @Test
    void layerNormForwardZeroBatch() {
        assertNativeRejects(Flan4jNative.flan4j_layernorm_forward(0, P, P, P, P + 64, P, P, 0, 3, 4, 1e-5f, S),
                "'B'", "got 0");
    }

    @Test
    void layerNormForwardNegativeEps() {
        assertNativeRejects(Flan4jNative.flan4j_layernorm_forward(0, P, P, P, P + 64, P, P, 1, 3, 4, -1f, S),
                "'eps'", "-1");
    }

    @Test
    void layerNormBackwardNullRstd() {
        assertNativeRejects(Flan4jNative.flan4j_layernorm_backward(0, P, P, P, P + 8, P, P, P, 0L, 2, 3, 4, 0, S),
                "flan4j_layernorm_backward", "'rstd'", "NULL");
    }

    @Test
    void layerNormBackwardNegativeT() {
        assertNativeRejects(Flan4jNative.flan4j_layernorm_backward(0, P, P, P, P + 8, P, P, P, P, 2, -3, 4, 0, S),
                "'T'", "-3");
    }

    @Test
    void errorMessageIsThreadLocal() throws Exception {
        Kernels.check(Flan4jNative.flan4j_version(null, null, null)); // ok call does not clear, just succeeds
        int st = Flan4jNative.flan4j_layernorm_forward(0, P, P, P, P + 64, P, P, 2, 3, -5, 1e-5f, S);
        String[] other = new String[1];
        Thread t = new Thread(() -> other[0] = Flan4jNative.flan4j_last_error());
        t.start();
        t.join();
        assertEquals("", other[0], "another thread must not see this thread's error");
        assertNativeRejects(st, "'C'", "-5");
    }

    // ------------------------------------------------------------------ through the Java wrappers

    @Test
    void wrappersReportTheNativeChecks() {
        assertWrapperRejects(() -> Kernels.layerNormForward(KernelDType.F32, P, P, P, P, P, 0, 2, 3, -1, 1e-5f, S),
                "flan4j_layernorm_forward", "'C'", "-1");
        assertWrapperRejects(() -> Kernels.layerNormForward(KernelDType.F32, P, P, P, 0L, P, 0, 2, 3, 4, 1e-5f, S),
                "'inp'", "NULL");
        assertWrapperRejects(() -> Kernels.layerNormBackward(KernelDType.F32, P, P, 0, P, P, P, P, P, 1, 0, 4, false,
                S), "flan4j_layernorm_backward", "'T'", "0");
        assertWrapperRejects(() -> Kernels.layerNormForward(null, P, P, P, P, P, 0, 2, 3, 4, 1e-5f, S),
                "'dtype'", "-1");
        assertWrapperRejects(() -> Kernels.layerNormForward(KernelDType.F32, P, P, P, P + 64, P, 0, 2, 3, 4,
                Float.POSITIVE_INFINITY, S), "'eps'", "inf");
    }

    @Test
    void wrapperUnsupportedDtypeIsKernelException() {
        KernelException e = assertThrows(KernelException.class,
                () -> Kernels.layerNormForward(KernelDType.F16, P, P, P, P, P, 0, 2, 3, 4, 1e-5f, S));
        assertEquals(KernelStatus.UNSUPPORTED, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("'dtype'") && e.getMessage().contains("F16"), e.getMessage());
    }

    // ------------------------------------------------------------------ phase-2 ops, C side

    @Test
    void crossEntropyVpSmallerThanV() {
        assertNativeRejects(Flan4jNative.flan4j_cross_entropy(0, P, P, P, P, 2, 3, 100, 99, -100, 2, 0f, 0f, 1f, 1, S),
                "flan4j_cross_entropy", "'Vp'", "99");
    }

    @Test
    void crossEntropyMeanNeedsReduced() {
        assertNativeRejects(Flan4jNative.flan4j_cross_entropy(0, P, P, 0L, P, 2, 3, 100, 128, -100, 2, 0f, 0f, 1f, 1, S),
                "'reduced'", "NULL");
        assertNativeRejects(Flan4jNative.flan4j_cross_entropy(0, P, P, P, P, 2, 3, 100, 128, -100, 7, 0f, 0f, 1f, 1, S),
                "'reduction'", "7");
        assertNativeRejects(Flan4jNative.flan4j_cross_entropy(0, P, P, P, P, 2, 3, 100, 128, -100, 2, 1.5f, 0f, 1f, 1, S),
                "'label_smoothing'", "1.5");
    }

    @Test
    void normsRejectBadArguments() {
        assertNativeRejects(Flan4jNative.flan4j_rmsnorm_forward(0, P, P, P, P, 2, 3, 0, 1e-5f, S), "'C'", "got 0");
        assertNativeRejects(Flan4jNative.flan4j_rmsnorm_backward(1, P, 0L, P, P, P, P, 2, 3, 4, 0, S), "'dweight'");
        assertNativeRejects(Flan4jNative.flan4j_residual_layernorm_forward(0, P, P + 8, P, P, 0L, P, P, P, 1, 1, 4,
                1e-5f, S), "'x'", "NULL");
    }

    @Test
    void ropeAndSwigluRejectBadArguments() {
        assertNativeRejects(Flan4jNative.flan4j_rope_forward(0, P, P, P, P, 4, 48, 2, 7, 16, S),
                "flan4j_rope_forward", "'head_dim'", "even", "7");
        assertNativeRejects(Flan4jNative.flan4j_rope_backward(0, P, P, P, P, 4, 47, 3, 16, 16, S),
                "flan4j_rope_backward", "'row_width'", "48", "47");
        assertNativeRejects(Flan4jNative.flan4j_rope_forward(0, P, P, P, 0L, 4, 48, 2, 8, 16, S), "'positions'", "NULL");
        assertNativeRejects(Flan4jNative.flan4j_rope_forward(1, P, P, P, P, 4, 48, 2, 8, 0, S), "'t_max'", "got 0");
        assertNativeRejects(Flan4jNative.flan4j_swiglu_forward(0, P, P, 3, 8, S), "flan4j_swiglu_forward", "'out'",
                "alias");
        assertNativeRejects(Flan4jNative.flan4j_swiglu_backward(0, P, P, P + 64, 3, 8, S), "'dinp'", "'dout'");
        assertNativeRejects(Flan4jNative.flan4j_swiglu_backward(1, P, P + 64, P + 128, 3, -8, S), "'I'", "-8");
        assertWrapperRejects(() -> Kernels.swigluForward(KernelDType.F32, P, P + 64, 0, 8, S), "flan4j_swiglu_forward",
                "'N'", "0");
        assertWrapperRejects(() -> Kernels.ropeForward(KernelDType.F32, P, 0L, P, P, 4, 48, 2, 8, 16, S), "'cos'");
        KernelException e = assertThrows(KernelException.class,
                () -> Kernels.swigluForward(KernelDType.F16, P, P + 64, 3, 8, S));
        assertEquals(KernelStatus.UNSUPPORTED, e.status(), e.getMessage());
        e = assertThrows(KernelException.class,
                () -> Kernels.ropeBackward(KernelDType.F16, P, P, P, P, 4, 48, 2, 8, 16, S));
        assertEquals(KernelStatus.UNSUPPORTED, e.status(), e.getMessage());
    }

    @Test
    void smallOpsRejectBadArguments() {
        assertNativeRejects(Flan4jNative.flan4j_gelu_forward(0, P, P, -3L, S), "flan4j_gelu_forward", "'N'", "-3");
        assertNativeRejects(Flan4jNative.flan4j_embedding_forward(0, P, P, 0L, P, P, 2, 40, 8, 10, 32, S),
                "'T'", "40", "maxT");
        assertNativeRejects(Flan4jNative.flan4j_bias_backward(0, P, P, 10L, -1, S), "'OC'", "-1");
        assertNativeRejects(Flan4jNative.flan4j_cast(0, P, 5, P, 10L, S), "'src_dtype'", "5");
        assertNativeRejects(Flan4jNative.flan4j_adamw(P, P, P, P, 10L, 1e-3f, 0.9f, 1.0f, 1e-8f, 0f, 1, 1f, S),
                "'beta2'", "1");
        assertNativeRejects(Flan4jNative.flan4j_adamw(P, P, P, P, 10L, 1e-3f, 0.9f, 0.99f, 1e-8f, 0f, 0, 1f, S),
                "'step'", "got 0");
        assertNativeRejects(Flan4jNative.flan4j_sum_squares(0, 0L, P, 10L, S), "'out'", "NULL");
    }

    @Test
    void deviceScalarOpsRejectBadArguments() {
        long W = 0x100000L;   // a fake workspace far from P
        assertNativeRejects(Flan4jNative.flan4j_reduce_sum(0, 0L, W, P, 10L, 0, S), "flan4j_reduce_sum", "'out'", "NULL");
        assertNativeRejects(Flan4jNative.flan4j_reduce_sum(0, P, 0L, P + 64, 10L, 0, S), "'workspace'", "NULL");
        assertNativeRejects(Flan4jNative.flan4j_reduce_sum(0, P, W, P + 64, 0L, 1, S), "'N'", "got 0");
        assertNativeRejects(Flan4jNative.flan4j_reduce_sum(0, P, W, P + 64, 10L, 2, S), "'square'", "got 2");
        assertNativeRejects(Flan4jNative.flan4j_reduce_sum(0, P, P - 8, P + 64, 10L, 0, S), "'workspace'", "'out'");
        // the workspace (1024 floats) would cover x's first elements
        assertNativeRejects(Flan4jNative.flan4j_reduce_sum(0, P, W, W + 4L * (Kernels.REDUCE_WORKSPACE_FLOATS - 1),
                10L, 0, S), "'workspace'", "'x'");
        assertNativeRejects(Flan4jNative.flan4j_clip_factor(0L, P, 1.0, S), "flan4j_clip_factor", "'factor'", "NULL");
        assertNativeRejects(Flan4jNative.flan4j_clip_factor(P, P + 4, Double.NaN, S), "'max_norm'", "nan");
        assertNativeRejects(Flan4jNative.flan4j_clip_factor(P, P + 4, Double.POSITIVE_INFINITY, S), "'max_norm'", "inf");
        assertNativeRejects(Flan4jNative.flan4j_scale_by(0, P, 0L, 10L, S), "flan4j_scale_by", "'factor'", "NULL");
        assertNativeRejects(Flan4jNative.flan4j_scale_by(0, P, P + 36, 10L, S), "'factor'", "inside 'x'");
        assertNativeRejects(Flan4jNative.flan4j_scale_by(0, P, P + 64, -1L, S), "'N'", "-1");
        assertWrapperRejects(() -> Kernels.scaleBy(KernelDType.F32, P, P, 4L, S), "'factor'");
        KernelException e = assertThrows(KernelException.class,
                () -> Kernels.reduceSum(KernelDType.F16, P, W, P + 64, 10L, false, S));
        assertEquals(KernelStatus.UNSUPPORTED, e.status(), e.getMessage());
    }

    @Test
    void adafactorRejectsBadArguments() {
        long G = P + 0x1000, R = P + 0x2000, C = P + 0x3000, V = P + 0x4000, W = P + 0x8000;   // fake, far apart
        assertNativeRejects(Flan4jNative.flan4j_adafactor(0L, G, R, C, 0L, 2, 3, 0.1f, 0.5f, 0f, 1f, 1e-30f, W, S),
                "flan4j_adafactor", "'param'", "NULL");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, C, 0L, 2, 3, 0.1f, 0.5f, 0f, 1f, 1e-30f, 0L, S),
                "'workspace'", "NULL");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, 0L, 0L, 2, 3, 0.1f, 0.5f, 0f, 1f, 1e-30f, W, S),
                "'row' and 'col' must not be NULL when 'v' is NULL");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, 0L, V, 2, 3, 0.1f, 0.5f, 0f, 1f, 1e-30f, W, S),
                "'row' and 'col' must be NULL when 'v' is given");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, C, 0L, 0, 3, 0.1f, 0.5f, 0f, 1f, 1e-30f, W, S),
                "'rows'", "got 0");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, C, 0L, 2, -3, 0.1f, 0.5f, 0f, 1f, 1e-30f, W, S),
                "'cols'", "got -3");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, C, 0L, 2, 3, Float.NaN, 0.5f, 0f, 1f, 1e-30f, W, S),
                "'lr'", "nan");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, C, 0L, 2, 3, 0.1f, 1f, 0f, 1f, 1e-30f, W, S),
                "'decay'", "[0, 1)", "got 1");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, C, 0L, 2, 3, 0.1f, 0.5f, -1f, 1f, 1e-30f, W, S),
                "'weight_decay'", "got -1");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, C, 0L, 2, 3, 0.1f, 0.5f, 0f, 0f, 1e-30f, W, S),
                "'clip'", "got 0");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, 0L, 0L, V, 1, 6, 0.1f, 0.5f, 0f, 1f, Float.NaN, W, S),
                "'eps1'", "nan");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, P + 8, R, C, 0L, 2, 3, 0.1f, 0.5f, 0f, 1f, 1e-30f, W, S),
                "'param' overlaps 'grad'");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, C, 0L, 2, 3, 0.1f, 0.5f, 0f, 1f, 1e-30f, P + 16, S),
                "'workspace' overlaps 'param'");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, R, R + 4, 0L, 2, 3, 0.1f, 0.5f, 0f, 1f, 1e-30f, W, S),
                "'row' overlaps 'col'");
        assertNativeRejects(Flan4jNative.flan4j_adafactor(P, G, 0L, 0L, W - 8, 1, 6, 0.1f, 0.5f, 0f, 1f, 1e-30f, W, S),
                "'workspace' overlaps 'v'");
        assertWrapperRejects(() -> Kernels.adafactor(P, G, R, C, 0L, 2, 3, 0.1f, 0.5f, 0f, Float.POSITIVE_INFINITY,
                1e-30f, W, S), "flan4j_adafactor", "'clip'", "inf");

        assertWrapperRejects(() -> Kernels.adafactorWorkspace(0, 3, true), "flan4j_adafactor_workspace", "'rows'", "got 0");
        assertNativeRejects(Flan4jNative.flan4j_adafactor_workspace(2, 3, 2, new long[1]), "'factored'", "got 2");
        // 2 scalars, then the larger of the column slabs' partials (ceil(R / 32) * C) and the u^2 block partials
        assertEquals(2 + 3, Kernels.adafactorWorkspace(2, 3, true));
        assertEquals(2 + 1, Kernels.adafactorWorkspace(2, 3, false));
        assertEquals(2 + 32 * 17, Kernels.adafactorWorkspace(1000, 17, true));
        assertEquals(2 + 1024, Kernels.adafactorWorkspace(1, 1024 * 2048 + 333, false));
    }

    @Test
    void gemmRejectsBadLeadingDimension() {
        assertNativeRejects(Flan4jNative.flan4j_gemm(0, 0, 0, 0, 4, 5, 6, 1f, P, 5, 0L, P, 5, 0L, 0f, P, 5, 0L, 1, 0, S),
                "flan4j_gemm", "'lda'", ">= 6", "got 5");
        assertNativeRejects(Flan4jNative.flan4j_gemm(0, 1, 0, 0, 4, 5, 6, 1f, P, 6, 0L, P, 5, 0L, 0f, P, 5, 0L, 1, 0, S),
                "'dtype_c'");
        assertNativeRejects(Flan4jNative.flan4j_gemm(0, 0, 0, 0, 4, 5, 6, 1f, P, 6, 0L, P, 5, 0L, 0f, P, 5, 0L, 2, 0, S),
                "'stride_c'");
    }

    @Test
    void attentionStructFieldsReachC() {
        try (Flan4jNative.AttentionParams p = new Flan4jNative.AttentionParams()) {
            // zeroed on allocation
            assertEquals(0L, p.q());
            assertEquals(0, p.HD());
            p.q(P).k(P + 16).v(P + 32).o(P + 48).lse(P + 64).B(2).T(17).NH(6).NH_kv(4).HD(64).softmax_scale(0.125f)
                    .causal(1).q_row_stride(3L * 384);
            assertEquals(P + 16, p.k());
            assertEquals(1152L, p.q_row_stride());
            assertEquals(0.125f, p.softmax_scale());
            assertNativeRejects(Flan4jNative.flan4j_attention_forward(p, S), "flan4j_attention_forward",
                    "'params.NH_kv'", "(4)", "(6)");
            p.NH_kv(3).HD(48);
            assertNativeRejects(Flan4jNative.flan4j_attention_forward(p, S), "'params.HD'", "48");
            p.HD(64).o(0L);
            assertNativeRejects(Flan4jNative.flan4j_attention_forward(p, S), "'params.o'", "NULL");
            p.o(P + 48);
            assertNativeRejects(Flan4jNative.flan4j_attention_backward(p, S), "flan4j_attention_backward",
                    "'params.dout'", "NULL");
            p.cu_seqlens(P + 80).total_tokens(0);
            assertNativeRejects(Flan4jNative.flan4j_attention_forward(p, S), "'params.total_tokens'", "got 0");
            p.cu_seqlens(0L).total_tokens(0).k_head_stride(-2);
            assertNativeRejects(Flan4jNative.flan4j_attention_forward(p, S), "'params.k_head_stride'", "-2");
        }
    }

    @Test
    void attention16BitChecksHeadDimAndAlignmentBeforeAnyCudaCall() {
        try (Flan4jNative.AttentionParams p = new Flan4jNative.AttentionParams()) {
            p.dtype(1).q(P).k(P).v(P).o(P).lse(P).B(1).T(1).NH(1).NH_kv(1).HD(32).softmax_scale(0.125f);
            KernelException e = assertThrows(KernelException.class,
                    () -> Kernels.check(Flan4jNative.flan4j_attention_forward(p, S)));
            assertEquals(KernelStatus.UNSUPPORTED, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("params.HD") && e.getMessage().contains("32"), e.getMessage());
            p.dtype(2).HD(64).q(P + 2);
            assertNativeRejects(Flan4jNative.flan4j_attention_forward(p, S), "'params.q'", "16-byte");
            p.q(P).k_row_stride(68);
            assertNativeRejects(Flan4jNative.flan4j_attention_forward(p, S), "'params.k_row_stride'", "68");
        }
    }

    @Test
    void blasLoadNamesBothLibrariesWhenMissing() {
        int st = Flan4jNative.flan4j_blas_load();
        if (st == 0) {
            String lib = Flan4jNative.flan4j_blas_library();
            assertTrue(lib.startsWith("libcublas.so.1"), lib);
            return;
        }
        KernelException e = assertThrows(KernelException.class, () -> Kernels.check(st));
        assertEquals(KernelStatus.LIBRARY_NOT_FOUND, e.status(), e.getMessage());
        assertTrue(e.getMessage().contains("libcublas.so.13") && e.getMessage().contains("libcublas.so.12"),
                e.getMessage());
        assertEquals("", Flan4jNative.flan4j_blas_library());
    }

    @Test
    void noDevicePathForEveryFamily() {
        assumeTrue(Kernels.deviceCount() == 0, "a CUDA device is present: the no-device path is not testable here");
        // valid arguments, fake pointers: without a device every launch fails before touching memory
        KernelException e = assertThrows(KernelException.class,
                () -> Kernels.geluForward(KernelDType.F32, P, P + 64, 16, S));
        assertTrue(e.isNoDevice(), e.getMessage());
        AttentionArgs a = AttentionArgs.dense(1, 4, 2, 1, 32);
        a.q = a.k = a.v = a.o = a.lse = P;
        e = assertThrows(KernelException.class, () -> Kernels.attentionForward(a, S));
        assertTrue(e.isNoDevice(), e.getMessage());
        e = assertThrows(KernelException.class, () -> Kernels.crossEntropy(KernelDType.F32, P, P, P, P, 1, 2, 10, 16,
                -100, Reduction.MEAN, 0f, 0f, 1f, true, S));
        assertTrue(e.isNoDevice(), e.getMessage());
        e = assertThrows(KernelException.class, () -> Kernels.ropeForward(KernelDType.F32, P, P, P, P, 4, 48, 2, 8, 16,
                S));
        assertTrue(e.isNoDevice(), e.getMessage());
        e = assertThrows(KernelException.class, () -> Kernels.swigluBackward(KernelDType.BF16, P, P + 64, P + 128, 3,
                8, S));
        assertTrue(e.isNoDevice(), e.getMessage());
    }

    @Test
    void wrappersReportTheNativeChecksPhase2() {
        assertWrapperRejects(() -> Kernels.crossEntropy(KernelDType.F32, P, P, P, P, 1, 2, 10, 9, -100,
                Reduction.MEAN, 0f, 0f, 1f, true, S), "flan4j_cross_entropy", "'Vp'", "9");
        assertWrapperRejects(() -> Kernels.crossEntropy(KernelDType.F32, P, P, P, P, 1, 2, 10, 16, -100,
                null, 0f, 0f, 1f, true, S), "'reduction'", "-1");
        AttentionArgs a = AttentionArgs.dense(1, 4, 6, 4, 64);
        a.q = a.k = a.v = a.o = a.lse = P;
        assertWrapperRejects(() -> Kernels.attentionForward(a, S), "flan4j_attention_forward", "'params.NH_kv'", "4",
                "6");
        AttentionArgs b = AttentionArgs.dense(1, 4, 2, 2, 96);
        assertWrapperRejects(() -> Kernels.attentionForward(b, S), "'params.HD'", "96");
        assertWrapperRejects(() -> Kernels.attentionBackward(null, S), "'params'", "NULL");
        assertWrapperRejects(() -> Kernels.gemm(KernelDType.F32, KernelDType.F32, false, false, 4, 5, 6, 1f, P, 5, 0, P,
                5, 0, 0f, P, 5, 0, 1, 0, S), "flan4j_gemm", "'lda'", "5");
        assertWrapperRejects(() -> Kernels.adamw(P, P, P, P, 10, 1e-3f, 0.9f, 0.99f, 0f, 0f, 1, 1f, S), "'eps'");
    }

    @Test
    void genericAttentionAndHelpersRejectBadArguments() {
        assertWrapperRejects(() -> Kernels.attentionGenericForward(P, P, P, P, 4, 2, 300, 0.1f, S),
                "flan4j_attention_generic_forward", "'HD'", "300");
        assertWrapperRejects(() -> Kernels.attentionGenericBackward(P, P, P, P, P, 0L, P, 4, 2, 16, 0.25f, S),
                "flan4j_attention_generic_backward", "'lse'", "NULL");
        assertWrapperRejects(() -> Kernels.attentionGenericForward(P, P, P, P, 4, 2, 16, Float.NaN, S),
                "'scale'", "nan");
        assertWrapperRejects(() -> Kernels.attentionDecode(P, P, P, P, 6, 3, 8, 2, 16, 0.25f, S),
                "flan4j_attention_decode", "start (6)", "n (3)", "t_max (8)");
        assertWrapperRejects(() -> Kernels.attentionDecode(P, P, P, P, 0, 0, 8, 2, 16, 0.25f, S), "'n'", "got 0");
        assertWrapperRejects(() -> Kernels.fill(P, 1f, 0L, S), "flan4j_fill", "'N'", "got 0");
        assertWrapperRejects(() -> Kernels.transpose(P, P, 4, 4, S), "flan4j_transpose", "'dst'", "'src'");
        assertWrapperRejects(() -> Kernels.transpose(P, P + 64, 4, -2, S), "'cols'", "-2");
    }
}
