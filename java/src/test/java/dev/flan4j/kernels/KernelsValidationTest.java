package dev.flan4j.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Argument validation. The C side validates before any CUDA call, so these run without a GPU (and are
 * safe with one: the fake pointers are never dereferenced because validation fails first).
 */
class KernelsValidationTest {
    static final long P = 0x10000L; // fake, non-null device address; never dereferenced
    static final long S = 0L;       // default stream

    /** Calls the raw binding and asserts INVALID_ARGUMENT with a message naming the argument and value. */
    static void assertNativeRejects(int status, String... fragments) {
        KernelException e = assertThrows(KernelException.class, () -> Kernels.check(status));
        assertEquals(KernelStatus.INVALID_ARGUMENT, e.status(), e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    static void assertJavaRejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "message '" + e.getMessage() + "' lacks '" + f + "'");
        }
    }

    @BeforeEach
    void needNative(org.junit.jupiter.api.TestInfo info) {
        if (info.getTags().contains("java-only")) {
            return;
        }
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

    // ------------------------------------------------------------------ Java-side validation (no native needed)

    @Test
    @org.junit.jupiter.api.Tag("java-only")
    void javaWrapperValidatesFirst() {
        assertJavaRejects(() -> Kernels.layerNormForward(KernelDType.F32, P, P, P, P, P, 0, 2, 3, -1, 1e-5f, S),
                "layerNormForward", "'C'", "-1");
        assertJavaRejects(() -> Kernels.layerNormForward(KernelDType.F32, P, P, P, 0L, P, 0, 2, 3, 4, 1e-5f, S),
                "'inp'", "0");
        assertJavaRejects(() -> Kernels.layerNormForward(KernelDType.F16, P, P, P, P, P, 0, 2, 3, 4, 1e-5f, S),
                "'dtype'", "F16");
        assertJavaRejects(() -> Kernels.layerNormBackward(KernelDType.F32, P, P, 0, P, P, P, P, P, 1, 0, 4, false, S),
                "layerNormBackward", "'T'", "0");
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
    void attentionBf16IsUnsupportedNotInvalid() {
        try (Flan4jNative.AttentionParams p = new Flan4jNative.AttentionParams()) {
            p.dtype(1).q(P).k(P).v(P).o(P).lse(P).B(1).T(1).NH(1).NH_kv(1).HD(64).softmax_scale(0.125f);
            KernelException e = assertThrows(KernelException.class,
                    () -> Kernels.check(Flan4jNative.flan4j_attention_forward(p, S)));
            assertEquals(KernelStatus.UNSUPPORTED, e.status(), e.getMessage());
            assertTrue(e.getMessage().contains("BF16"), e.getMessage());
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
                -100, Kernels.Reduction.MEAN, 0f, 0f, 1f, true, S));
        assertTrue(e.isNoDevice(), e.getMessage());
    }

    @Test
    @org.junit.jupiter.api.Tag("java-only")
    void javaWrappersValidatePhase2() {
        assertJavaRejects(() -> Kernels.crossEntropy(KernelDType.F32, P, P, P, P, 1, 2, 10, 9, -100,
                Kernels.Reduction.MEAN, 0f, 0f, 1f, true, S), "crossEntropy", "'Vp'", "9");
        AttentionArgs a = AttentionArgs.dense(1, 4, 6, 4, 64);
        a.q = a.k = a.v = a.o = a.lse = P;
        assertJavaRejects(() -> Kernels.attentionForward(a, S), "attentionForward", "'NHkv'", "4", "6");
        AttentionArgs b = AttentionArgs.dense(1, 4, 2, 2, 96);
        assertJavaRejects(() -> Kernels.attentionForward(b, S), "'HD'", "96");
        assertJavaRejects(() -> Kernels.gemm(KernelDType.F32, KernelDType.F32, false, false, 4, 5, 6, 1f, P, 5, 0, P, 5,
                0, 0f, P, 5, 0, 1, 0, S), "gemm", "'lda'", "5");
        assertJavaRejects(() -> Kernels.adamw(P, P, P, P, 10, 1e-3f, 0.9f, 0.99f, 0f, 0f, 1, 1f, S), "'eps'");
    }
}
