// attention_generic.cu - attention for any head dim (1..256) over a packed qkv [N, 3C] buffer, the KV-cache decode
// op, and two helpers the Java CUDA backend needs (fill with a value, fp32 transpose).
//
// These kernels favour being obviously correct over speed: one warp per (token, head), keys visited one at a time
// with an online softmax. The fused FlashAttention-style kernels (attention.cu) stay the fast path for head dims
// 32/64/128; the Java backend uses these for the other head dims (e.g. 16 in the tiny preset, 40 in "10m") and for
// decoding. Arguments are validated in api.cu; this file holds the kernels and their launchers.
#include <cmath>

#include "launchers.cuh"

namespace flan4j {
namespace {

constexpr int kMaxRegs = 8;  // HD <= 32 * kMaxRegs = 256

// ====================================================================== kernels

struct GenericFwd {
    const float* q;        // row t, head h at q + t*q_row + h*HD
    const float* k;        // key row j, head h at k + j*kv_row + h*HD (v alike)
    const float* v;
    float* o;              // query row i, head h at o + i*o_row + h*HD
    float* lse;            // [rows, NH] or NULL
    const int* key_lo;     // per query: first key row (NULL: 0)
    long long q_row, kv_row, o_row;
    int key_hi_offset;     // last key row of query i = key_hi_offset + i
    int NH, HD;
    float scale;
};

// grid (queries, NH), block 32.
__global__ void generic_attention_forward_kernel(GenericFwd p) {
    const int i = blockIdx.x, h = blockIdx.y, lane = threadIdx.x, HD = p.HD;
    const float* q = p.q + (long long)i * p.q_row + (long long)h * HD;
    float qr[kMaxRegs], acc[kMaxRegs];
#pragma unroll
    for (int r = 0; r < kMaxRegs; r++) {
        const int d = lane + 32 * r;
        qr[r] = d < HD ? q[d] * p.scale : 0.0f;
        acc[r] = 0.0f;
    }
    const int lo = p.key_lo ? p.key_lo[i] : 0;
    const int hi = p.key_hi_offset + i;
    float m = -INFINITY, l = 0.0f;
    for (int j = lo; j <= hi; j++) {
        const float* kj = p.k + (long long)j * p.kv_row + (long long)h * HD;
        const float* vj = p.v + (long long)j * p.kv_row + (long long)h * HD;
        float s = 0.0f;
#pragma unroll
        for (int r = 0; r < kMaxRegs; r++) {
            const int d = lane + 32 * r;
            if (d < HD) s += qr[r] * kj[d];
        }
        s = warp_sum(s);
        const float mn = fmaxf(m, s);
        const float c = expf(m - mn);  // 0 on the first key (m = -inf)
        const float e = expf(s - mn);
        l = l * c + e;
#pragma unroll
        for (int r = 0; r < kMaxRegs; r++) {
            const int d = lane + 32 * r;
            if (d < HD) acc[r] = acc[r] * c + e * vj[d];
        }
        m = mn;
    }
    float* o = p.o + (long long)i * p.o_row + (long long)h * HD;
    const float inv = 1.0f / l;
#pragma unroll
    for (int r = 0; r < kMaxRegs; r++) {
        const int d = lane + 32 * r;
        if (d < HD) o[d] = acc[r] * inv;
    }
    if (p.lse != nullptr && lane == 0) p.lse[(long long)i * p.NH + h] = m + logf(l);
}

struct GenericBwd {
    const float* qkv;      // [N, 3C]
    const float* out;      // [N, C]
    const float* dout;     // [N, C]
    const float* lse;      // [N, NH]
    float* delta;          // [N, NH] workspace: rowsum(dO * O)
    float* dqkv;           // [N, 3C]
    const int* doc_start;  // [N] first row of the token's document
    const int* doc_end;    // [N] one past its last row
    int NH, HD;
    float scale;
};

// Pass 1, grid (N, NH), block 32: delta_i and dq_i = scale * sum_j P_ij (dP_ij - delta_i) k_j over keys j <= i.
__global__ void generic_attention_dq_kernel(GenericBwd p) {
    const int i = blockIdx.x, h = blockIdx.y, lane = threadIdx.x, HD = p.HD, C = p.NH * HD;
    const long long row3 = 3LL * C;
    const float* q = p.qkv + i * row3 + (long long)h * HD;
    const float* o = p.out + (long long)i * C + (long long)h * HD;
    const float* dO = p.dout + (long long)i * C + (long long)h * HD;
    float qr[kMaxRegs], dor[kMaxRegs], dq[kMaxRegs];
    float delta = 0.0f;
#pragma unroll
    for (int r = 0; r < kMaxRegs; r++) {
        const int d = lane + 32 * r;
        qr[r] = d < HD ? q[d] : 0.0f;
        dor[r] = d < HD ? dO[d] : 0.0f;
        if (d < HD) delta += dor[r] * o[d];
        dq[r] = 0.0f;
    }
    delta = warp_sum(delta);
    const float lse = p.lse[(long long)i * p.NH + h];
    for (int j = p.doc_start[i]; j <= i; j++) {
        const float* kj = p.qkv + j * row3 + C + (long long)h * HD;
        const float* vj = kj + C;
        float s = 0.0f, dp = 0.0f;
#pragma unroll
        for (int r = 0; r < kMaxRegs; r++) {
            const int d = lane + 32 * r;
            if (d < HD) {
                s += qr[r] * kj[d];
                dp += dor[r] * vj[d];
            }
        }
        s = warp_sum(s);
        dp = warp_sum(dp);
        const float pij = expf(s * p.scale - lse);
        const float ds = pij * (dp - delta) * p.scale;
#pragma unroll
        for (int r = 0; r < kMaxRegs; r++) {
            const int d = lane + 32 * r;
            if (d < HD) dq[r] += ds * kj[d];
        }
    }
    float* dqo = p.dqkv + i * row3 + (long long)h * HD;
#pragma unroll
    for (int r = 0; r < kMaxRegs; r++) {
        const int d = lane + 32 * r;
        if (d < HD) dqo[d] = dq[r];
    }
    if (lane == 0) p.delta[(long long)i * p.NH + h] = delta;
}

// Pass 2, grid (N, NH), block 32: for key j, dv_j = sum_i P_ij dO_i and dk_j = scale * sum_i P_ij (dP_ij - delta_i) q_i
// over queries i in [j, end of its document).
__global__ void generic_attention_dkdv_kernel(GenericBwd p) {
    const int j = blockIdx.x, h = blockIdx.y, lane = threadIdx.x, HD = p.HD, C = p.NH * HD;
    const long long row3 = 3LL * C;
    const float* kj = p.qkv + j * row3 + C + (long long)h * HD;
    const float* vj = kj + C;
    float kr[kMaxRegs], vr[kMaxRegs], dk[kMaxRegs], dv[kMaxRegs];
#pragma unroll
    for (int r = 0; r < kMaxRegs; r++) {
        const int d = lane + 32 * r;
        kr[r] = d < HD ? kj[d] : 0.0f;
        vr[r] = d < HD ? vj[d] : 0.0f;
        dk[r] = 0.0f;
        dv[r] = 0.0f;
    }
    const int end = p.doc_end[j];
    for (int i = j; i < end; i++) {
        const float* q = p.qkv + i * row3 + (long long)h * HD;
        const float* dO = p.dout + (long long)i * C + (long long)h * HD;
        float s = 0.0f, dp = 0.0f;
#pragma unroll
        for (int r = 0; r < kMaxRegs; r++) {
            const int d = lane + 32 * r;
            if (d < HD) {
                s += q[d] * kr[r];
                dp += dO[d] * vr[r];
            }
        }
        s = warp_sum(s);
        dp = warp_sum(dp);
        const float pij = expf(s * p.scale - p.lse[(long long)i * p.NH + h]);
        const float ds = pij * (dp - p.delta[(long long)i * p.NH + h]) * p.scale;
#pragma unroll
        for (int r = 0; r < kMaxRegs; r++) {
            const int d = lane + 32 * r;
            if (d < HD) {
                dv[r] += pij * dO[d];
                dk[r] += ds * q[d];
            }
        }
    }
    float* dko = p.dqkv + j * row3 + C + (long long)h * HD;
    float* dvo = dko + C;
#pragma unroll
    for (int r = 0; r < kMaxRegs; r++) {
        const int d = lane + 32 * r;
        if (d < HD) {
            dko[d] = dk[r];
            dvo[d] = dv[r];
        }
    }
}

// k_cache[start+i, c] = qkv[i, C + c]; v_cache[start+i, c] = qkv[i, 2C + c].
__global__ void kv_append_kernel(float* kc, float* vc, const float* qkv, int start, int n, int C) {
    const long long total = (long long)n * C;
    for (long long x = (long long)blockIdx.x * blockDim.x + threadIdx.x; x < total;
         x += (long long)gridDim.x * blockDim.x) {
        const long long i = x / C, c = x % C;
        kc[(start + i) * C + c] = qkv[i * 3 * C + C + c];
        vc[(start + i) * C + c] = qkv[i * 3 * C + 2 * C + c];
    }
}

__global__ void fill_kernel(float* x, float value, long long N) {
    for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < N; i += (long long)gridDim.x * blockDim.x)
        x[i] = value;
}

// dst [cols, rows] = src [rows, cols]^T, 32x32 tiles through shared memory.
__global__ void transpose_kernel(float* dst, const float* src, int rows, int cols) {
    __shared__ float tile[32][33];
    const int c0 = blockIdx.x * 32, r0 = blockIdx.y * 32;
    for (int y = threadIdx.y; y < 32; y += blockDim.y) {
        const int r = r0 + y, c = c0 + threadIdx.x;
        if (r < rows && c < cols) tile[y][threadIdx.x] = src[(long long)r * cols + c];
    }
    __syncthreads();
    for (int y = threadIdx.y; y < 32; y += blockDim.y) {
        const int c = c0 + y, r = r0 + threadIdx.x;
        if (r < rows && c < cols) dst[(long long)c * rows + r] = tile[threadIdx.x][y];
    }
}

unsigned grid_1d(long long n) {
    long long g = (n + 255) / 256;
    if (g < 1) g = 1;
    if (g > 65535LL * 8) g = 65535LL * 8;
    return (unsigned)g;
}

}  // namespace

// ====================================================================== launchers (arguments validated in api.cu)

static_assert(32 * kMaxRegs == FLAN4J_ATTENTION_GENERIC_MAX_HD, "one register per lane per 32 dims");

int launch_attention_generic_forward(const float* qkv, float* out, float* lse, const int* doc_bounds, int N, int NH,
                                     int HD, float scale, cudaStream_t s) {
    NvtxRange range("flan4j_attention_generic_forward");
    const long long C = (long long)NH * HD;
    GenericFwd p{};
    p.q = qkv;
    p.k = qkv + C;
    p.v = qkv + 2 * C;
    p.o = out;
    p.lse = lse;
    p.key_lo = doc_bounds;
    p.q_row = 3 * C;
    p.kv_row = 3 * C;
    p.o_row = C;
    p.key_hi_offset = 0;
    p.NH = NH;
    p.HD = HD;
    p.scale = scale;
    generic_attention_forward_kernel<<<dim3((unsigned)N, (unsigned)NH), 32, 0, s>>>(p);
    return check_launch("flan4j_attention_generic_forward");
}

int launch_attention_generic_backward(float* dqkv, float* delta, const float* dout, const float* qkv,
                                      const float* out, const float* lse, const int* doc_bounds, int N, int NH,
                                      int HD, float scale, cudaStream_t s) {
    static const char* fn = "flan4j_attention_generic_backward";
    NvtxRange range(fn);
    GenericBwd p{};
    p.qkv = qkv;
    p.out = out;
    p.dout = dout;
    p.lse = lse;
    p.delta = delta;
    p.dqkv = dqkv;
    p.doc_start = doc_bounds;
    p.doc_end = doc_bounds + N;
    p.NH = NH;
    p.HD = HD;
    p.scale = scale;
    const dim3 grid((unsigned)N, (unsigned)NH);
    generic_attention_dq_kernel<<<grid, 32, 0, s>>>(p);
    int st = check_launch(fn);
    if (st != FLAN4J_OK) return st;
    generic_attention_dkdv_kernel<<<grid, 32, 0, s>>>(p);
    return check_launch(fn);
}

int launch_attention_decode(float* out, const float* qkv_new, float* k_cache, float* v_cache, int start, int n,
                            int NH, int HD, float scale, cudaStream_t s) {
    static const char* fn = "flan4j_attention_decode";
    NvtxRange range(fn);
    const int C = NH * HD;
    kv_append_kernel<<<grid_1d((long long)n * C), 256, 0, s>>>(k_cache, v_cache, qkv_new, start, n, C);
    int st = check_launch(fn);
    if (st != FLAN4J_OK) return st;
    GenericFwd p{};
    p.q = qkv_new;
    p.k = k_cache;
    p.v = v_cache;
    p.o = out;
    p.lse = nullptr;
    p.key_lo = nullptr;
    p.q_row = 3LL * C;
    p.kv_row = C;
    p.o_row = C;
    p.key_hi_offset = start;
    p.NH = NH;
    p.HD = HD;
    p.scale = scale;
    generic_attention_forward_kernel<<<dim3((unsigned)n, (unsigned)NH), 32, 0, s>>>(p);
    return check_launch(fn);
}

int launch_fill(float* x, float value, long long N, cudaStream_t s) {
    NvtxRange range("flan4j_fill");
    fill_kernel<<<grid_1d(N), 256, 0, s>>>(x, value, N);
    return check_launch("flan4j_fill");
}

int launch_transpose(float* dst, const float* src, int rows, int cols, cudaStream_t s) {
    NvtxRange range("flan4j_transpose");
    const dim3 grid((unsigned)((cols + 31) / 32), (unsigned)((rows + 31) / 32));
    transpose_kernel<<<grid, dim3(32, 8), 0, s>>>(dst, src, rows, cols);
    return check_launch("flan4j_transpose");
}

}  // namespace flan4j
