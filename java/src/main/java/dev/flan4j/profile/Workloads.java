package dev.flan4j.profile;

import dev.flan4j.backend.Backend;
import dev.flan4j.backend.Reduction;
import dev.flan4j.model.Batch;
import dev.flan4j.model.FusedHead;
import dev.flan4j.model.Gpt;
import dev.flan4j.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** The fp32 bodies of the ops in {@link Op}, over the {@link Backend} ops, with random inputs (fixed seed). */
public final class Workloads {
    private Workloads() {}

    /**
     * The body of {@code spec} on {@code be} (its op's row in {@link Op}). The Backend ops take fp32 tensors, so the
     * dtype must be the backend's precision ({@link Profiler#dtypeOf}): fp32, or bf16 on a CUDA backend in bf16 mode.
     */
    public static Workload create(Backend be, OpSpec spec) {
        if (spec.dtype() != Profiler.dtypeOf(be)) {
            throw new IllegalArgumentException("the " + spec.op() + " workload runs in the backend's precision ("
                    + be.precision().label() + "), got dtype " + spec.dtype());
        }
        return spec.op().workload(be, spec.shape(), spec.direction());
    }

    static Workload matmul(Backend be, Tensors ts, Shape s, Direction d) {
        int M = s.M(), N = s.N(), K = s.K();
        Tensor a = ts.random(M, K), b = ts.random(K, N);
        if (d == Direction.FWD) {
            Tensor out = ts.zeros(M, N);
            return ts.workload(() -> be.matmul(out, a, b, 1, M, N, K, false, false, 1f, 0f));
        }
        Tensor dout = ts.random(M, N), da = ts.zeros(M, K), db = ts.zeros(K, N);
        return ts.workload(() -> {
            be.matmul(da, dout, b, 1, M, K, N, false, true, 1f, 0f);   // dA [M,K] = dOut [M,N] @ B^T
            be.matmul(db, a, dout, 1, K, N, M, true, false, 1f, 0f);   // dB [K,N] = A^T @ dOut
        });
    }

    static Workload layerNorm(Backend be, Tensors ts, Shape s, Direction d) {
        int N = s.tokens(), C = s.C();
        Tensor x = ts.random(N, C), w = ts.random(C), bias = ts.random(C);
        Tensor out = ts.zeros(N, C), mean = ts.zeros(N), rstd = ts.zeros(N);
        if (d == Direction.FWD) {
            return ts.workload(() -> be.layerNormForward(out, mean, rstd, x, w, bias, N, C, 1e-5f));
        }
        be.layerNormForward(out, mean, rstd, x, w, bias, N, C, 1e-5f);
        Tensor dout = ts.random(N, C), dx = ts.zeros(N, C), dw = ts.zeros(C), db = ts.zeros(C);
        return ts.workload(() -> be.layerNormBackward(dx, dw, db, dout, x, w, mean, rstd, N, C));
    }

    static Workload attention(Backend be, Tensors ts, Shape s, Direction d) {
        int N = s.tokens(), NH = s.NH(), HD = s.HD(), C = s.C();
        int[] cu = new int[s.B() + 1];
        for (int i = 1; i <= s.B(); i++) cu[i] = i * s.T();
        float scale = (float) (1 / Math.sqrt(HD));
        // qkv and out in activation storage, as the models keep them (bf16 on CUDA in bf16 mode)
        Tensor qkv = ts.randomActivations(N, 3 * C), out = ts.activations(N, C), lse = ts.zeros(N, NH);
        if (d == Direction.FWD) {
            return ts.workload(() -> be.attentionForward(out, lse, qkv, cu, N, NH, HD, scale));
        }
        be.attentionForward(out, lse, qkv, cu, N, NH, HD, scale);
        Tensor dout = ts.random(N, C), dqkv = ts.zeros(N, 3 * C);
        return ts.workload(() -> be.attentionBackward(dqkv, dout, qkv, out, lse, cu, N, NH, HD, scale));
    }

    static Workload crossEntropy(Backend be, Tensors ts, Shape s, Direction d) {
        int N = s.tokens(), V = s.V(), Vp = s.Vp();
        Tensor saved = ts.random(N, Vp), logits = ts.zeros(N, Vp), losses = ts.zeros(N);
        be.copy(logits, saved);
        int[] targets = new SplittableRandom(3).ints(N, 0, V).toArray();
        boolean grad = d == Direction.FWD_BWD;
        float dscale = grad ? 1f / N : 0f;
        return ts.workload(() -> be.crossEntropy(losses, logits, targets, N, V, Vp, Batch.IGNORE, Reduction.MEAN, dscale),
                grad ? () -> be.copy(logits, saved) : null);
    }

    static Workload flce(Backend be, Tensors ts, Shape s, Direction d) {
        int N = s.tokens(), C = s.C(), V = s.V(), Vp = s.Vp(), chunk = Math.min(s.M(), N);
        Tensor x = ts.random(N, C), w = ts.random(Vp, C), dx = ts.zeros(N, C), dw = ts.zeros(Vp, C);
        Tensor scratch = ts.zeros(chunk, Vp), losses = ts.zeros(N), lossSum = ts.zeros(1);
        SplittableRandom r = new SplittableRandom(3);
        Batch batch = Batch.rows(s.B(), s.T(), r.ints(N, 0, V).toArray(), r.ints(N, 0, V).toArray());
        float gradScale = 1f / N;
        // as the trainer runs it: the loss summed into a device scalar, nothing read back
        return ts.workload(() -> FusedHead.lossAndBackward(be, scratch, losses, x, w, dx, dw, batch, C, V, Vp, chunk,
                gradScale, lossSum));
    }

    static Workload gelu(Backend be, Tensors ts, Shape s, Direction d) {
        long n = Bytes.geluElements(s);
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("gelu over B*T*4C=" + n + " elements is too large");
        int ni = (int) n;
        // x (and the forward's out) in activation storage, as the models keep the MLP's hidden layers
        Tensor x = ts.randomActivations(ni);
        if (d == Direction.FWD) {
            Tensor out = ts.activations(ni);
            return ts.workload(() -> be.geluForward(out, x, ni));
        }
        Tensor dx = ts.zeros(ni), dout = ts.random(ni);
        return ts.workload(() -> be.geluBackward(dx, x, dout, ni));
    }

    static Workload adamW(Backend be, Tensors ts, Shape s, Direction d) {
        long P = s.P();
        if (P > Integer.MAX_VALUE) throw new IllegalArgumentException("adamw over P=" + P + " elements is too large");
        int n = (int) P;
        Tensor p = ts.random(n), g = ts.random(n), m = ts.zeros(n), v = ts.zeros(n);
        int[] t = {0};
        return ts.workload(() -> be.adamW(p, g, m, v, n, 1e-4f, 0.9f, 0.95f, 1e-8f, 0.1f, ++t[0]));
    }

    static Workload adafactor(Backend be, Tensors ts, Shape s, Direction d) {
        int R = s.N(), C = s.K();
        if ((long) R * C > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("adafactor over N*K=" + (long) R * C + " elements is too large");
        }
        Tensor p = ts.random(R, C), g = ts.random(R, C), row = ts.zeros(R), col = ts.zeros(C);
        int[] t = {0};
        return ts.workload(() -> be.adafactor(p, g, row, col, null, R, C, 1e-4f, 1 - Math.pow(++t[0], -0.8), 0.1f,
                1.0, 1e-30));
    }

    static Workload step(Backend be, Tensors ts, Shape s, Direction d) {
        Gpt model = Gpt.initialized(s.config(), be, 1);
        SplittableRandom r = new SplittableRandom(2);
        int n = s.tokens();
        int[] tok = r.ints(n, 0, s.V()).toArray(), tgt = r.ints(n, 0, s.V()).toArray();
        Batch batch = Batch.rows(s.B(), s.T(), tok, tgt);
        float gradScale = 1f / batch.targetCount();
        Tensor lossSum = be.zeros(1);   // the trainer's form: the loss stays on the device, no readback per step
        return new Workload() {
            @Override
            public void run() {
                if (d == Direction.FWD) {
                    model.forward(batch);
                } else {
                    model.zeroGrad();
                    model.forwardBackward(batch, gradScale, lossSum);
                }
            }

            @Override
            public void close() {
                lossSum.close();
                model.close();
            }
        };
    }

    /** Owns the tensors of one workload. */
    static final class Tensors implements AutoCloseable {
        private final Backend be;
        private final List<Tensor> all = new ArrayList<>();
        private final SplittableRandom rnd = new SplittableRandom(1);

        Tensors(Backend be) { this.be = be; }

        Tensor zeros(int... shape) {
            Tensor t = be.zeros(shape);
            all.add(t);
            return t;
        }

        /** Zeros in the backend's activation storage ({@link Backend#activations}). */
        Tensor activations(int... shape) {
            Tensor t = be.activations(shape);
            all.add(t);
            return t;
        }

        /** {@link #random} values in activation storage (rounded to it). */
        Tensor randomActivations(int... shape) {
            Tensor t = activations(shape);
            be.copy(t, random(shape));
            return t;
        }

        /** Uniform in [-1, 1). */
        Tensor random(int... shape) {
            long n = 1;
            for (int x : shape) n = Math.multiplyExact(n, x);
            if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("tensor of " + n + " elements is too large");
            float[] a = new float[(int) n];
            for (int i = 0; i < a.length; i++) a[i] = (float) (rnd.nextDouble() * 2 - 1);
            Tensor t = be.fromArray(a, shape);
            all.add(t);
            return t;
        }

        Workload workload(Runnable body) { return workload(body, null); }

        Workload workload(Runnable body, Runnable prepare) {
            return new Workload() {
                @Override public void prepare() { if (prepare != null) prepare.run(); }
                @Override public void run() { body.run(); }
                @Override public void close() { Tensors.this.close(); }
            };
        }

        @Override
        public void close() {
            for (Tensor t : all) t.close();
            all.clear();
        }
    }
}
