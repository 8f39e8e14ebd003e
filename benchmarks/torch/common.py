"""Shared pieces of the PyTorch side-by-side benchmarks.

Timing, L2 flush, analytic FLOP/byte formulas, device peaks and the output schema all mirror
dev.flan4j.profile (Flops, Bytes, DevicePeaks, ReportWriter) so that compare.py can join the two result files on
(op, direction, dtype, shape). Keep the two in sync when either changes.
"""
import csv
import datetime
import io
import json
import math
import os
import subprocess
import tempfile

SCHEMA = "flan4j-profile/1"
COLUMNS = ["label", "op", "direction", "dtype", "shape", "runs", "median_ms", "min_ms", "p90_ms", "flops", "bytes",
           "tflops", "gbps", "peak_pct", "peak_basis", "tokens_per_s", "launch"]

# GptConfig.PRESETS: (vocab V, block size T, layers L, heads NH, channels C)
PRESETS = {
    "tiny": (4096, 256, 2, 4, 64),
    "1m": (4096, 256, 4, 4, 128),
    "3m": (4096, 256, 6, 6, 192),
    "10m": (4096, 512, 8, 8, 320),
    "30m": (4096, 512, 8, 8, 512),
    "gpt2": (50257, 1024, 12, 12, 768),
}

# DevicePeaks: name -> (bf16 TFLOP/s, tf32 TFLOP/s, fp32 TFLOP/s, HBM GB/s), dense
PEAKS = {
    "H100 SXM": (989.4, 494.7, 66.9, 3350),
    "H100 PCIe": (756.0, 378.0, 51.2, 2000),
    "H200": (989.4, 494.7, 66.9, 4800),
    "A100 80GB SXM": (312.0, 156.0, 19.5, 2039),
    "A100 40GB": (312.0, 156.0, 19.5, 1555),
}
WIDTH = {"fp32": 4, "bf16": 2}
COMPUTE_BOUND = {"matmul", "attention", "step"}


def lookup_peak(gpu_name):
    n = (gpu_name or "").upper()
    if "H200" in n:
        return "H200"
    if "H100" in n:
        return "H100 PCIe" if "PCIE" in n else "H100 SXM"
    if "A100" in n:
        return "A100 40GB" if "40GB" in n else "A100 80GB SXM"
    return None


def padded_vocab(v):
    return (v + 63) // 64 * 64


def param_count(V, T, L, NH, C):
    """GptConfig.parameterCount(): padded token table, position table, L blocks, final layer norm."""
    return padded_vocab(V) * C + T * C + L * (12 * C * C + 13 * C) + 2 * C


# ------------------------------------------------------------------ formulas (Flops.java / Bytes.java)

def flops_matmul(M, N, K, direction):
    f = 2.0 * M * N * K
    return {"fwd": f, "bwd": 2 * f, "fwd+bwd": 3 * f}[direction]


def flops_attention(B, NH, T, HD, causal, direction):
    f = 4.0 * B * NH * T * T * HD
    if causal:
        f /= 2
    return {"fwd": f, "bwd": 2.5 * f, "fwd+bwd": 3.5 * f}[direction]


def flops_step(V, T_block, L, NH, C, B, T, direction):
    n = param_count(V, T_block, L, NH, C) - T_block * C  # without the position table (nanoGPT convention)
    per_token = 6.0 * n + 12.0 * L * NH * (C // NH) * T
    if direction == "fwd":
        per_token /= 3
    return per_token * B * T


def flops_flce(N, C, Vp):
    """Fused LM head + cross-entropy (Op.FLCE): logits, dx and dW, three GEMMs of N x Vp x C."""
    return 3 * flops_matmul(N, Vp, C, "fwd")


def bytes_layernorm(N, C, direction, dtype):
    w = WIDTH[dtype]
    if direction == "fwd":
        return 2 * N * C * w + 4 * (2 * C) + 4 * (2 * N)
    return 4 * N * C * w + 4 * (C + 2 * N + 4 * C)


def bytes_cross_entropy(N, V, Vp, direction, dtype):
    w = WIDTH[dtype]
    f = N * V * w + 4 * N + 4 * N
    return f if direction == "fwd" else f + N * Vp * w


def bytes_gelu(n, direction, dtype):
    return (2 if direction == "fwd" else 3) * n * WIDTH[dtype]


def bytes_matmul(M, N, K, direction, dtype):
    f = (M * K + K * N + M * N) * WIDTH[dtype]
    return f if direction == "fwd" else 2 * f


def bytes_attention(N, NH, HD, direction, dtype):
    C, w = NH * HD, WIDTH[dtype]
    if direction == "fwd":
        return (3 * N * C + N * C) * w + 4 * N * NH
    return (3 * N * C + N * C + N * C + 3 * N * C) * w + 4 * N * NH


# ------------------------------------------------------------------ shapes (Shape.describe)

def shape_matmul(M, N, K):
    return "M=%d,N=%d,K=%d" % (M, N, K)


def shape_btc(B, T, C):
    return "B=%d,T=%d,C=%d" % (B, T, C)


def shape_attention(B, T, NH, HD):
    return "B=%d,T=%d,NH=%d,HD=%d" % (B, T, NH, HD)


def shape_cross_entropy(B, T, V):
    return "B=%d,T=%d,V=%d,Vp=%d" % (B, T, V, padded_vocab(V))


def shape_flce(B, T, C, V, M):
    return "B=%d,T=%d,C=%d,V=%d,Vp=%d,M=%d" % (B, T, C, V, padded_vocab(V), min(M, B * T))


def flce_chunked(torch, x, w, targets, V, M):
    """The LM head + cross-entropy as flan4j's FusedHead runs it, M token rows at a time: logits of the chunk,
    the mean loss's dlogits (softmax minus one-hot, / N; padded columns zero), dx = dlogits w, dW += dlogits^T x.
    Returns (loss, dx, dw); only a chunk's logits exist at once. fp32 softmax whatever the inputs' dtype."""
    N = x.shape[0]
    dx, dw = torch.empty_like(x), torch.zeros_like(w, dtype=torch.float32)
    loss = torch.zeros((), dtype=torch.float32, device=x.device)
    for s in range(0, N, M):
        xs, t = x[s:s + M], targets[s:s + M]
        z = (xs @ w.t()).float()
        z[:, V:] = float("-inf")
        lse = torch.logsumexp(z, dim=1)
        rows = torch.arange(z.shape[0], device=x.device)
        loss += (lse - z[rows, t]).sum() / N
        g = torch.exp(z - lse[:, None])
        g[rows, t] -= 1
        g = (g / N).to(x.dtype)
        dx[s:s + M] = g @ w
        dw += (g.t() @ xs).float()
    return loss, dx, dw.to(w.dtype)


def shape_step(B, T, L, NH, C, V):
    return "B=%d,T=%d,L=%d,NH=%d,C=%d,V=%d" % (B, T, L, NH, C, V)


# ------------------------------------------------------------------ timing

def stats(samples):
    s = sorted(samples)
    n = len(s)
    median = s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2
    p90 = s[max(int(math.ceil(0.9 * n)), 1) - 1]
    return median, s[0], p90


class CudaTimer:
    """CUDA-event timing with an L2 flush (2 x L2 bytes zeroed) before every run, like flan4j's profiler."""

    def __init__(self, torch, warmup, runs):
        self.torch, self.warmup, self.runs = torch, warmup, runs
        props = torch.cuda.get_device_properties(torch.cuda.current_device())
        l2 = getattr(props, "L2_cache_size", 0) or 0
        self.l2_known = l2 > 0
        if not self.l2_known:
            l2 = 64 << 20  # fallback when this torch does not report the L2 size
        self.flush_buf = torch.empty(2 * l2, dtype=torch.int8, device="cuda")
        self.flush_desc = "L2 flush: %.1f MiB buffer (2 x L2%s) zeroed before each run" % (
            2 * l2 / 1048576.0, "" if self.l2_known else ", L2 size unknown: assumed 64 MiB")
        self.description = "CUDA events (torch.cuda.Event) around each run"

    def time(self, fn, prepare=None):
        torch = self.torch
        for _ in range(self.warmup):
            if prepare:
                prepare()
            self.flush_buf.zero_()
            fn()
        torch.cuda.synchronize()
        starts = [torch.cuda.Event(enable_timing=True) for _ in range(self.runs)]
        ends = [torch.cuda.Event(enable_timing=True) for _ in range(self.runs)]
        for i in range(self.runs):
            if prepare:
                prepare()
            self.flush_buf.zero_()
            starts[i].record()
            fn()
            ends[i].record()
        torch.cuda.synchronize()
        return [s.elapsed_time(e) for s, e in zip(starts, ends)]


def result(label, op, direction, dtype, shape, times_ms, flops=None, nbytes=None, gpu_name=None,
           tokens=None, launch=None):
    """One row of the schema, with throughput and % of the device peak computed as Profiler.result does."""
    median, lo, p90 = stats(times_ms)
    sec = median / 1e3
    tflops = flops / sec / 1e12 if flops is not None and sec > 0 else None
    gbps = nbytes / sec / 1e9 if nbytes is not None and sec > 0 else None
    peak_name = lookup_peak(gpu_name)
    pct, basis = None, "unknown"
    if peak_name:
        bf16, _tf32, fp32, hbm = PEAKS[peak_name]
        if op in COMPUTE_BOUND:
            peak = bf16 if dtype == "bf16" else fp32
            basis = "%s TFLOP/s %s" % (_fmt(peak), dtype)
            pct = 100 * tflops / peak if tflops is not None else None
        else:
            basis = "%s GB/s" % _fmt(hbm)
            pct = 100 * gbps / hbm if gbps is not None else None
    return {"label": label, "op": op, "direction": direction, "dtype": dtype, "shape": shape,
            "runs": len(times_ms), "median_ms": median, "min_ms": lo, "p90_ms": p90, "flops": flops,
            "bytes": nbytes, "tflops": tflops, "gbps": gbps, "peak_pct": pct, "peak_basis": basis,
            "tokens_per_s": tokens / sec if tokens is not None and sec > 0 else None, "launch": launch}


def _fmt(v):
    return str(int(v)) if v == int(v) else "%.1f" % v


# ------------------------------------------------------------------ environment and output

def _run(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=20, check=True).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None


def header(torch, timer, runs, warmup, **extra):
    smi = _run(["nvidia-smi", "--query-gpu=name,driver_version", "--format=csv,noheader"])
    driver = smi.split("\n")[0].split(",")[-1].strip() if smi else None
    gpu = torch.cuda.get_device_name()
    h = {"tool": "torch", "backend": "cuda", "device": gpu, "gpu": gpu, "driver": driver,
         "torch": torch.__version__, "cuda": torch.version.cuda, "timer": timer.description,
         "l2_flush": timer.flush_desc, "runs": runs, "warmup": warmup,
         "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
         "commit": os.environ.get("FLAN4J_COMMIT") or _run(["git", "rev-parse", "HEAD"])}
    h.update(extra)
    return h


def render(hdr, results, fmt):
    if fmt == "json":
        return json.dumps({"schema": SCHEMA, "header": hdr, "results": results}, indent=2) + "\n"
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["tool", "backend", "device"] + COLUMNS)
        for r in results:
            w.writerow([hdr["tool"], hdr["backend"], hdr["device"]] + ["" if r[c] is None else r[c] for c in COLUMNS])
        return buf.getvalue()
    lines = ["# %s: %s" % (k, v) for k, v in hdr.items() if v is not None]
    lines.append("%-18s %-8s %-5s %-34s %10s %10s %8s %8s" % ("label", "dir", "dtype", "shape", "median_ms", "TFLOP/s",
                                                             "GB/s", "%peak"))
    for r in results:
        lines.append("%-18s %-8s %-5s %-34s %10.4f %10s %8s %8s" % (
            r["label"], r["direction"], r["dtype"], r["shape"], r["median_ms"],
            "-" if r["tflops"] is None else "%.2f" % r["tflops"], "-" if r["gbps"] is None else "%.1f" % r["gbps"],
            "n/a" if r["peak_pct"] is None else "%.1f" % r["peak_pct"]))
    return "\n".join(lines) + "\n"


def write(text, out):
    """Prints, or writes atomically (temp file in the same folder, then rename)."""
    if not out:
        print(text, end="")
        return
    d = os.path.dirname(os.path.abspath(out))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=d, prefix="." + os.path.basename(out) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    print("wrote %s" % out)


def add_common_args(p):
    p.add_argument("--preset", default="gpt2", choices=sorted(PRESETS))
    p.add_argument("--B", type=int, default=8)
    p.add_argument("--T", type=int, default=None, help="default: the preset's block size")
    p.add_argument("--dtype", default="bf16", choices=["bf16", "fp32"])
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=3)
    p.add_argument("--format", default="table", choices=["table", "json", "csv"])
    p.add_argument("--out", default=None)
    p.add_argument("--chunk", type=int, default=None, help="flce: token rows per chunk (default B*T = one chunk)")
