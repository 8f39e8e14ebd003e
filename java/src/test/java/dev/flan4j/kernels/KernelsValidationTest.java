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
}
