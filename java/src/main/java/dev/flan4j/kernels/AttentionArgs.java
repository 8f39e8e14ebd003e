package dev.flan4j.kernels;

/**
 * Arguments of the fused attention kernels, mirroring {@code flan4j_attention_params} in flan4j.h.
 *
 * <p>Pointers are raw device addresses (0 = NULL). Element (token t, head h, dim d) of a tensor X is at
 * {@code X + (t*xRowStride + h*xHeadStride + d) * elementSize}; a stride of 0 means the dense default
 * (row stride NH*HD for q/o/dout/dq, NH_kv*HD for k/v/dk/dv; head stride HD). Tokens are the packed rows
 * of all sequences: without {@code cuSeqlens} sequence b is rows [b*T, (b+1)*T); with it (device int[B+1])
 * sequence b is rows [cu[b], cu[b+1]), T is the longest sequence and {@code totalTokens} = cu[B].
 * {@code lse} and {@code delta} are fp32 [NH, totalTokens].
 *
 * <p>For a packed qkv [B, T, 3C] buffer: {@code q = qkv, k = qkv + C*4, v = qkv + 2*C*4} (bytes, fp32) and all
 * three row strides {@code 3*C}.
 */
public final class AttentionArgs {
    public KernelDType dtype = KernelDType.F32;
    public long q, k, v, o, lse;
    public long dout, dq, dk, dv, delta;
    public long cuSeqlens;
    public long qRowStride, qHeadStride, kRowStride, kHeadStride, vRowStride, vHeadStride;
    public long oRowStride, oHeadStride, doRowStride, doHeadStride;
    public long dqRowStride, dqHeadStride, dkRowStride, dkHeadStride, dvRowStride, dvHeadStride;
    public int B, T, NH, NHkv, HD;
    /** Total packed rows; 0 = B*T (only without cuSeqlens). */
    public int totalTokens;
    /** Usually 1/sqrt(HD); NaN (the default) means exactly that. */
    public float softmaxScale = Float.NaN;
    public boolean causal = true;

    /** Dense [B*T, NH, HD] layout for q/o and [B*T, NHkv, HD] for k/v; causal; scale 1/sqrt(HD). */
    public static AttentionArgs dense(int B, int T, int NH, int NHkv, int HD) {
        AttentionArgs a = new AttentionArgs();
        a.B = B;
        a.T = T;
        a.NH = NH;
        a.NHkv = NHkv;
        a.HD = HD;
        return a;
    }

    /** The effective softmax scale. */
    public float scale() {
        return Float.isNaN(softmaxScale) ? (float) (1.0 / Math.sqrt(HD)) : softmaxScale;
    }

    /** Rows of q/o/lse: totalTokens, or B*T when it is 0. */
    public long tokens() {
        return totalTokens != 0 ? totalTokens : (long) B * T;
    }

    /** Copies these arguments into a native struct (caller closes it). */
    Flan4jNative.AttentionParams toNative() {
        Flan4jNative.AttentionParams p = new Flan4jNative.AttentionParams();
        p.dtype(KernelDType.codeOf(dtype)).q(q).k(k).v(v).o(o).lse(lse).dout(dout).dq(dq).dk(dk).dv(dv).delta(delta)
                .cu_seqlens(cuSeqlens)
                .q_row_stride(qRowStride).q_head_stride(qHeadStride)
                .k_row_stride(kRowStride).k_head_stride(kHeadStride)
                .v_row_stride(vRowStride).v_head_stride(vHeadStride)
                .o_row_stride(oRowStride).o_head_stride(oHeadStride)
                .do_row_stride(doRowStride).do_head_stride(doHeadStride)
                .dq_row_stride(dqRowStride).dq_head_stride(dqHeadStride)
                .dk_row_stride(dkRowStride).dk_head_stride(dkHeadStride)
                .dv_row_stride(dvRowStride).dv_head_stride(dvHeadStride)
                .B(B).T(T).NH(NH).NH_kv(NHkv).HD(HD).total_tokens(totalTokens)
                .softmax_scale(scale()).causal(causal ? 1 : 0);
        return p;
    }
}
