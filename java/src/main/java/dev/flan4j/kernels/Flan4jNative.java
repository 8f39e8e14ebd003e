package dev.flan4j.kernels;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Raw JavaCPP binding to {@code native/include/flan4j/flan4j.h} (libflan4j.so).
 *
 * <p>Device pointers are raw addresses passed as {@code long} (e.g. a JCuda allocation's
 * native pointer plus byte offset); 0 means NULL. A stream is a raw {@code cudaStream_t}/CUstream
 * handle as {@code long}; 0 is the legacy default stream. Every function returns a status
 * (0 = ok); on error {@link #flan4j_last_error()} (same thread) gives the message.
 *
 * <p>Do not use this class directly: go through {@link Kernels}, which loads the library once,
 * records whether it loaded, validates arguments and turns statuses into {@link KernelException}.
 * The static initializer throws {@link UnsatisfiedLinkError} on the first use when the native
 * library is missing (a CPU-only build) and {@link NoClassDefFoundError} afterwards.
 */
@Platform(include = "flan4j/flan4j.h", link = "flan4j")
public final class Flan4jNative {
    static {
        Loader.load();
    }

    private Flan4jNative() {}

    // ------------------------------------------------------------------ general

    public static native @Cast("const char*") String flan4j_last_error();

    public static native int flan4j_version(int[] major, int[] minor, int[] patch);

    public static native @Cast("const char*") String flan4j_build_info();

    public static native int flan4j_device_count(int[] n);

    // ------------------------------------------------------------------ layer norm

    public static native int flan4j_layernorm_forward(int dtype, @Cast("void*") long out,
            @Cast("float*") long mean, @Cast("float*") long rstd, @Cast("const void*") long inp,
            @Cast("const float*") long weight, @Cast("const float*") long bias,
            int B, int T, int C, float eps, @Cast("void*") long stream);

    public static native int flan4j_layernorm_backward(int dtype, @Cast("void*") long dinp,
            @Cast("float*") long dweight, @Cast("float*") long dbias, @Cast("const void*") long dout,
            @Cast("const void*") long inp, @Cast("const float*") long weight,
            @Cast("const float*") long mean, @Cast("const float*") long rstd,
            int B, int T, int C, int accumulate_dinp, @Cast("void*") long stream);

    public static native int flan4j_residual_layernorm_forward(int dtype, @Cast("void*") long residual,
            @Cast("void*") long out, @Cast("float*") long mean, @Cast("float*") long rstd,
            @Cast("const void*") long x, @Cast("const void*") long r, @Cast("const float*") long weight,
            @Cast("const float*") long bias, int B, int T, int C, float eps, @Cast("void*") long stream);

    public static native int flan4j_rmsnorm_forward(int dtype, @Cast("void*") long out, @Cast("float*") long rstd,
            @Cast("const void*") long inp, @Cast("const float*") long weight, int B, int T, int C, float eps,
            @Cast("void*") long stream);

    public static native int flan4j_rmsnorm_backward(int dtype, @Cast("void*") long dinp,
            @Cast("float*") long dweight, @Cast("const void*") long dout, @Cast("const void*") long inp,
            @Cast("const float*") long weight, @Cast("const float*") long rstd, int B, int T, int C,
            int accumulate_dinp, @Cast("void*") long stream);

    // ------------------------------------------------------------------ RoPE, SwiGLU

    public static native int flan4j_rope_forward(int dtype, @Cast("void*") long x, @Cast("const float*") long cos,
            @Cast("const float*") long sin, @Cast("const int*") long positions, int N, int row_width, int n_heads,
            int head_dim, int t_max, @Cast("void*") long stream);

    public static native int flan4j_rope_backward(int dtype, @Cast("void*") long dx, @Cast("const float*") long cos,
            @Cast("const float*") long sin, @Cast("const int*") long positions, int N, int row_width, int n_heads,
            int head_dim, int t_max, @Cast("void*") long stream);

    public static native int flan4j_swiglu_forward(int dtype, @Cast("void*") long out, @Cast("const void*") long inp,
            int N, int I, @Cast("void*") long stream);

    public static native int flan4j_swiglu_backward(int dtype, @Cast("void*") long dinp,
            @Cast("const void*") long dout, @Cast("const void*") long inp, int N, int I, @Cast("void*") long stream);

    // ------------------------------------------------------------------ cross-entropy

    public static native int flan4j_cross_entropy(int dtype, @Cast("void*") long logits, @Cast("float*") long losses,
            @Cast("float*") long reduced, @Cast("const int*") long targets, int B, int T, int V, int Vp,
            int ignore_index, int reduction, float label_smoothing, float z_loss, float grad_scale,
            int compute_grad, @Cast("void*") long stream);

    // ------------------------------------------------------------------ attention

    /** {@code flan4j_attention_params}: pointers as raw addresses, strides in elements (0 = dense default). */
    @Name("flan4j_attention_params")
    public static class AttentionParams extends Pointer {
        static {
            Loader.load();
        }

        /** Allocates a zeroed native struct (free with {@link #close()}). */
        public AttentionParams() {
            super((Pointer) null);
            allocate();
            zero();
        }

        private native void allocate();

        /** memset(0) of the struct (so unset fields are NULL / 0 = default). */
        public AttentionParams zero() {
            Pointer.memset(this, 0, sizeof());
            return this;
        }

        public native int dtype(); public native AttentionParams dtype(int v);
        public native @Cast("const void*") long q(); public native AttentionParams q(@Cast("const void*") long v);
        public native @Cast("const void*") long k(); public native AttentionParams k(@Cast("const void*") long v);
        public native @Cast("const void*") long v(); public native AttentionParams v(@Cast("const void*") long v);
        public native @Cast("void*") long o(); public native AttentionParams o(@Cast("void*") long v);
        public native @Cast("float*") long lse(); public native AttentionParams lse(@Cast("float*") long v);
        public native @Cast("const void*") long dout(); public native AttentionParams dout(@Cast("const void*") long v);
        public native @Cast("void*") long dq(); public native AttentionParams dq(@Cast("void*") long v);
        public native @Cast("void*") long dk(); public native AttentionParams dk(@Cast("void*") long v);
        public native @Cast("void*") long dv(); public native AttentionParams dv(@Cast("void*") long v);
        public native @Cast("float*") long delta(); public native AttentionParams delta(@Cast("float*") long v);
        public native @Cast("const int*") long cu_seqlens(); public native AttentionParams cu_seqlens(@Cast("const int*") long v);
        public native long q_row_stride(); public native AttentionParams q_row_stride(long v);
        public native long q_head_stride(); public native AttentionParams q_head_stride(long v);
        public native long k_row_stride(); public native AttentionParams k_row_stride(long v);
        public native long k_head_stride(); public native AttentionParams k_head_stride(long v);
        public native long v_row_stride(); public native AttentionParams v_row_stride(long v);
        public native long v_head_stride(); public native AttentionParams v_head_stride(long v);
        public native long o_row_stride(); public native AttentionParams o_row_stride(long v);
        public native long o_head_stride(); public native AttentionParams o_head_stride(long v);
        public native long do_row_stride(); public native AttentionParams do_row_stride(long v);
        public native long do_head_stride(); public native AttentionParams do_head_stride(long v);
        public native long dq_row_stride(); public native AttentionParams dq_row_stride(long v);
        public native long dq_head_stride(); public native AttentionParams dq_head_stride(long v);
        public native long dk_row_stride(); public native AttentionParams dk_row_stride(long v);
        public native long dk_head_stride(); public native AttentionParams dk_head_stride(long v);
        public native long dv_row_stride(); public native AttentionParams dv_row_stride(long v);
        public native long dv_head_stride(); public native AttentionParams dv_head_stride(long v);
        public native int B(); public native AttentionParams B(int v);
        public native int T(); public native AttentionParams T(int v);
        public native int NH(); public native AttentionParams NH(int v);
        public native int NH_kv(); public native AttentionParams NH_kv(int v);
        public native int HD(); public native AttentionParams HD(int v);
        public native int total_tokens(); public native AttentionParams total_tokens(int v);
        public native float softmax_scale(); public native AttentionParams softmax_scale(float v);
        public native int causal(); public native AttentionParams causal(int v);
    }

    public static native int flan4j_attention_forward(@Const AttentionParams params, @Cast("void*") long stream);

    public static native int flan4j_attention_backward(@Const AttentionParams params, @Cast("void*") long stream);

    // ------------------------------------------------------------------ small ops

    public static native int flan4j_gelu_forward(int dtype, @Cast("void*") long out, @Cast("const void*") long inp,
            long N, @Cast("void*") long stream);

    public static native int flan4j_gelu_backward(int dtype, @Cast("void*") long dinp, @Cast("const void*") long inp,
            @Cast("const void*") long dout, long N, @Cast("void*") long stream);

    public static native int flan4j_embedding_forward(int dtype, @Cast("void*") long out,
            @Cast("const int*") long tokens, @Cast("const int*") long positions, @Cast("const float*") long wte,
            @Cast("const float*") long wpe, int B, int T, int C, int V, int maxT, @Cast("void*") long stream);

    public static native int flan4j_embedding_backward(int dtype, @Cast("float*") long dwte, @Cast("float*") long dwpe,
            @Cast("const void*") long dout, @Cast("const int*") long tokens, @Cast("const int*") long positions,
            int B, int T, int C, int V, int maxT, @Cast("void*") long stream);

    public static native int flan4j_add(int dtype, @Cast("void*") long out, @Cast("const void*") long a,
            @Cast("const void*") long b, long N, @Cast("void*") long stream);

    public static native int flan4j_scale(int dtype, @Cast("void*") long x, float alpha, long N,
            @Cast("void*") long stream);

    public static native int flan4j_bias_add(int dtype, @Cast("void*") long out, @Cast("const float*") long bias,
            long N, int OC, @Cast("void*") long stream);

    public static native int flan4j_bias_backward(int dtype, @Cast("float*") long dbias,
            @Cast("const void*") long dout, long N, int OC, @Cast("void*") long stream);

    public static native int flan4j_cast(int dst_dtype, @Cast("void*") long dst, int src_dtype,
            @Cast("const void*") long src, long N, @Cast("void*") long stream);

    public static native int flan4j_sum_squares(int dtype, @Cast("float*") long out, @Cast("const void*") long x,
            long N, @Cast("void*") long stream);

    public static native int flan4j_reduce_sum(int dtype, @Cast("float*") long out, @Cast("float*") long workspace,
            @Cast("const void*") long x, long N, int square, @Cast("void*") long stream);

    public static native int flan4j_clip_factor(@Cast("float*") long factor, @Cast("const float*") long norm_sq,
            double max_norm, @Cast("void*") long stream);

    public static native int flan4j_scale_by(int dtype, @Cast("void*") long x, @Cast("const float*") long factor,
            long N, @Cast("void*") long stream);

    public static native int flan4j_adamw(@Cast("float*") long param, @Cast("const float*") long grad,
            @Cast("float*") long m, @Cast("float*") long v, long N, float lr, float beta1, float beta2, float eps,
            float weight_decay, int step, float grad_scale, @Cast("void*") long stream);

    public static native int flan4j_adafactor(@Cast("float*") long param, @Cast("const float*") long grad,
            @Cast("float*") long row, @Cast("float*") long col, @Cast("float*") long v, int rows, int cols, float lr,
            float decay, float weight_decay, float clip, float eps1, @Cast("float*") long workspace,
            @Cast("void*") long stream);

    public static native int flan4j_adafactor_workspace(int rows, int cols, int factored, long[] floats);

    // ------------------------------------------------------------------ GEMM

    public static native int flan4j_gemm(int dtype_ab, int dtype_c, int trans_a, int trans_b, int M, int N, int K,
            float alpha, @Cast("const void*") long A, int lda, long stride_a, @Cast("const void*") long B, int ldb,
            long stride_b, float beta, @Cast("void*") long C, int ldc, long stride_c, int batch, int flags,
            @Cast("void*") long stream);

    public static native int flan4j_blas_load();

    public static native @Cast("const char*") String flan4j_blas_library();

    public static native int flan4j_release_thread_resources();

    // ------------------------------------------------------------------ attention for any head dim, decode, helpers

    public static native int flan4j_attention_generic_forward(@Cast("const float*") long qkv, @Cast("float*") long out,
            @Cast("float*") long lse, @Cast("const int*") long doc_bounds, int N, int NH, int HD, float scale,
            @Cast("void*") long stream);

    public static native int flan4j_attention_generic_backward(@Cast("float*") long dqkv, @Cast("float*") long delta,
            @Cast("const float*") long dout, @Cast("const float*") long qkv, @Cast("const float*") long out,
            @Cast("const float*") long lse, @Cast("const int*") long doc_bounds, int N, int NH, int HD, float scale,
            @Cast("void*") long stream);

    public static native int flan4j_attention_decode(@Cast("float*") long out, @Cast("const float*") long qkv_new,
            @Cast("float*") long k_cache, @Cast("float*") long v_cache, int start, int n, int t_max, int NH, int HD,
            float scale, @Cast("void*") long stream);

    public static native int flan4j_fill(@Cast("float*") long x, float value, long N, @Cast("void*") long stream);

    public static native int flan4j_transpose(@Cast("float*") long dst, @Cast("const float*") long src, int rows,
            int cols, @Cast("void*") long stream);
}
