#!/usr/bin/env python3
"""PyTorch counterparts of `flan4j profile suite`: the same ops at the same shapes, CUDA-event timing with an L2
flush before every run, output in flan4j's schema (--format json|csv|table).

  python3 benchmarks/torch/bench_ops.py --preset gpt2 --B 8 --dtype bf16 --format json --out torch_ops.json

Ops: the model's five GEMMs (fwd, and bwd as the two GEMMs dA = dOut @ B^T, dB = A^T @ dOut),
F.layer_norm fwd/bwd (weights in the same dtype), F.scaled_dot_product_attention (causal) fwd/bwd, F.gelu (tanh) fwd/bwd over B*T*4C,
F.cross_entropy loss + gradient in one timed region, and the fused LM head + cross-entropy (flce: logits, loss,
dx and dW, --chunk token rows at a time as flan4j's FusedHead does; default one chunk). Needs a CUDA GPU.
"""
import argparse
import sys

import common


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_common_args(p)
    p.add_argument("--only", default=None, help="comma-separated ops: matmul,layernorm,attention,gelu,cross_entropy,flce")
    a = p.parse_args(argv)
    import torch
    import torch.nn.functional as F

    if not torch.cuda.is_available():
        sys.exit("error: no CUDA device (these benchmarks run on a GPU host)")
    V, T_block, L, NH, C = common.PRESETS[a.preset]
    B, T = a.B, a.T or T_block
    HD, N, Vp = C // NH, a.B * (a.T or T_block), common.padded_vocab(V)
    dt = {"bf16": torch.bfloat16, "fp32": torch.float32}[a.dtype]
    only = set(a.only.split(",")) if a.only else None
    timer = common.CudaTimer(torch, a.warmup, a.runs)
    gpu = torch.cuda.get_device_name()
    torch.manual_seed(0)
    results = []

    def rnd(*shape, grad=False):
        return torch.randn(*shape, device="cuda", dtype=dt, requires_grad=grad)

    def want(op):
        return only is None or op in only

    if want("matmul"):
        for label, n, k in [("matmul.qkv", 3 * C, C), ("matmul.attn_proj", C, C), ("matmul.fc", 4 * C, C),
                            ("matmul.fc_proj", C, 4 * C), ("matmul.lm_head", Vp, C)]:
            A, Bm, dO = rnd(N, k), rnd(k, n), rnd(N, n)
            shape = common.shape_matmul(N, n, k)
            for d, fn in [("fwd", lambda: A @ Bm), ("bwd", lambda: (dO @ Bm.t(), A.t() @ dO))]:
                ms = timer.time(fn)
                results.append(common.result(label, "matmul", d, a.dtype, shape, ms,
                                             common.flops_matmul(N, n, k, d), common.bytes_matmul(N, n, k, d, a.dtype), gpu))

    if want("layernorm"):
        x, w, b, dy = rnd(N, C, grad=True), rnd(C, grad=True), rnd(C, grad=True), rnd(N, C)
        y = F.layer_norm(x, (C,), w, b, 1e-5)
        shape = common.shape_btc(B, T, C)
        for d, fn in [("fwd", lambda: F.layer_norm(x, (C,), w, b, 1e-5)),
                      ("bwd", lambda: torch.autograd.grad(y, (x, w, b), dy, retain_graph=True))]:
            ms = timer.time(fn)
            results.append(common.result("layernorm", "layernorm", d, a.dtype, shape, ms, None,
                                         common.bytes_layernorm(N, C, d, a.dtype), gpu))

    if want("attention"):
        q, k, v, do = rnd(B, NH, T, HD, grad=True), rnd(B, NH, T, HD, grad=True), rnd(B, NH, T, HD, grad=True), \
            rnd(B, NH, T, HD)
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True)
        shape = common.shape_attention(B, T, NH, HD)
        for d, fn in [("fwd", lambda: F.scaled_dot_product_attention(q, k, v, is_causal=True)),
                      ("bwd", lambda: torch.autograd.grad(o, (q, k, v), do, retain_graph=True))]:
            ms = timer.time(fn)
            results.append(common.result("attention", "attention", d, a.dtype, shape, ms,
                                         common.flops_attention(B, NH, T, HD, True, d),
                                         common.bytes_attention(N, NH, HD, d, a.dtype), gpu))

    if want("gelu"):
        n = N * 4 * C
        x, dy = rnd(n, grad=True), rnd(n)
        y = F.gelu(x, approximate="tanh")
        shape = common.shape_btc(B, T, C)
        for d, fn in [("fwd", lambda: F.gelu(x, approximate="tanh")),
                      ("bwd", lambda: torch.autograd.grad(y, (x,), dy, retain_graph=True))]:
            ms = timer.time(fn)
            results.append(common.result("gelu", "gelu", d, a.dtype, shape, ms, None,
                                         common.bytes_gelu(n, d, a.dtype), gpu))

    if want("cross_entropy"):
        logits = rnd(N, V, grad=True)
        targets = torch.randint(0, V, (N,), device="cuda")

        def ce():
            loss = F.cross_entropy(logits, targets)
            return torch.autograd.grad(loss, (logits,))

        ms = timer.time(ce)
        results.append(common.result("cross_entropy", "cross_entropy", "fwd+bwd", a.dtype,
                                     common.shape_cross_entropy(B, T, V), ms, None,
                                     common.bytes_cross_entropy(N, V, Vp, "fwd+bwd", a.dtype), gpu))

    if want("flce"):
        M = min(a.chunk or N, N)
        x, w = rnd(N, C), rnd(Vp, C)
        targets = torch.randint(0, V, (N,), device="cuda")
        ms = timer.time(lambda: common.flce_chunked(torch, x, w, targets, V, M))
        results.append(common.result("flce", "flce", "fwd+bwd", a.dtype, common.shape_flce(B, T, C, V, M), ms,
                                     common.flops_flce(N, C, Vp), None, gpu))

    hdr = common.header(torch, timer, a.runs, a.warmup, preset=a.preset, mode="torch ops")
    common.write(common.render(hdr, results, a.format), a.out)


if __name__ == "__main__":
    main()
