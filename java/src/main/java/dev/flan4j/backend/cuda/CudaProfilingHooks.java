package dev.flan4j.backend.cuda;

import dev.flan4j.backend.ProfilingHooks;
import dev.flan4j.backend.Timer;
import jcuda.runtime.JCuda;

/** The profiler's hooks on a CUDA device: CUDA-event timing on the backend's stream, the L2 size, the GPU's name. */
final class CudaProfilingHooks implements ProfilingHooks {
    private final CudaDevice d;
    private final boolean tf32;

    CudaProfilingHooks(CudaDevice d, boolean tf32) {
        this.d = d;
        this.tf32 = tf32;
    }

    /** CUDA events recorded on the backend's stream. */
    @Override
    public Timer newTimer() {
        d.synchronize();   // also fails fast when the backend is closed
        JCudaInterop.Event start = new JCudaInterop.Event(), stop = new JCudaInterop.Event();
        JCuda.cudaEventCreate(start);
        JCuda.cudaEventCreate(stop);
        return new Timer() {
            private boolean closed;

            @Override
            public void start() {
                JCuda.cudaEventRecord(start, d.stream());
            }

            @Override
            public double stopMillis() {
                JCuda.cudaEventRecord(stop, d.stream());
                JCuda.cudaEventSynchronize(stop);
                float[] ms = new float[1];
                JCuda.cudaEventElapsedTime(ms, start, stop);
                return ms[0];
            }

            @Override
            public String description() {
                return "CUDA events (cudaEventRecord on the backend's stream, cudaEventElapsedTime)";
            }

            @Override
            public void close() {
                if (!closed) {
                    closed = true;
                    JCuda.cudaEventDestroy(start);
                    JCuda.cudaEventDestroy(stop);
                }
            }
        };
    }

    /** cudaDeviceProp.l2CacheSize. */
    @Override
    public long l2CacheBytes() {
        return Math.max(0, d.l2Bytes);
    }

    @Override
    public String noFlushReason() {
        return "the device reports no L2 size";
    }

    @Override
    public String gpuName() {
        return d.name;
    }

    @Override
    public String implementation(String family) {
        return switch (family) {
            case "matmul" -> "cuBLAS (" + d.blasLibrary + ")" + (tf32 ? ", TF32" : ", fp32");
            case "attention" -> "flan4j fused attention for HD 32/64/128, else one warp per (token, head)";
            default -> null;
        };
    }
}
