#!/usr/bin/env python3
"""One GPT-2 training step (forward + backward, no optimizer: what `flan4j profile step` times) in PyTorch, eager and
torch.compile, at a flan4j preset's config. Reports tokens/s and MFU (FLOPs as Flops.step: 6*N + 12*L*C*T per
token) in flan4j's schema.

  python3 benchmarks/torch/bench_step.py --preset gpt2 --B 8 --dtype bf16 --modes eager,compile --format json

bf16 runs under torch.autocast with fp32 parameters (mixed precision); fp32 leaves TF32 off (PyTorch's default for
matmuls), matching flan4j's fp32 path. Needs a CUDA GPU.
"""
import argparse
import sys

import common


def build_model(torch, V, T, L, NH, C):
    nn, F = torch.nn, torch.nn.functional
    Vp = common.padded_vocab(V)

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1, self.ln2 = nn.LayerNorm(C), nn.LayerNorm(C)
            self.qkv, self.proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
            self.fc, self.fc_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)

        def forward(self, x):
            b, t, _ = x.shape
            q, k, v = self.qkv(self.ln1(x)).view(b, t, 3, NH, C // NH).permute(2, 0, 3, 1, 4)
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True)
            x = x + self.proj(y.transpose(1, 2).reshape(b, t, C))
            return x + self.fc_proj(F.gelu(self.fc(self.ln2(x)), approximate="tanh"))

    class Gpt(nn.Module):
        """Same parameters as flan4j's Gpt: padded token table tied to the LM head, learned positions, pre-LN."""

        def __init__(self):
            super().__init__()
            self.wte, self.wpe = nn.Embedding(Vp, C), nn.Embedding(T, C)
            self.blocks = nn.ModuleList(Block() for _ in range(L))
            self.ln_f = nn.LayerNorm(C)
            for p in self.parameters():
                if p.dim() == 2:
                    nn.init.normal_(p, std=0.02)

        def forward(self, idx, targets):
            pos = torch.arange(idx.shape[1], device=idx.device)
            x = self.wte(idx) + self.wpe(pos)
            for blk in self.blocks:
                x = blk(x)
            logits = self.ln_f(x) @ self.wte.weight.t()
            return F.cross_entropy(logits[..., :V].reshape(-1, V).float(), targets.reshape(-1))

    return Gpt()


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_common_args(p)
    p.add_argument("--modes", default="eager,compile", help="comma-separated: eager, compile")
    a = p.parse_args(argv)
    import torch

    if not torch.cuda.is_available():
        sys.exit("error: no CUDA device (these benchmarks run on a GPU host)")
    V, T_block, L, NH, C = common.PRESETS[a.preset]
    B, T = a.B, a.T or T_block
    timer = common.CudaTimer(torch, max(a.warmup, 2), a.runs)  # >= 2 warmups so compilation is never timed
    gpu = torch.cuda.get_device_name()
    torch.manual_seed(0)
    idx = torch.randint(0, V, (B, T), device="cuda")
    tgt = torch.randint(0, V, (B, T), device="cuda")
    n_params = common.param_count(V, T, L, NH, C)
    results = []
    for mode in a.modes.split(","):
        model = build_model(torch, V, T, L, NH, C).cuda()
        assert sum(q.numel() for q in model.parameters()) == n_params, "parameter count differs from GptConfig"
        fwd = torch.compile(model) if mode == "compile" else model

        def step():
            model.zero_grad(set_to_none=True)
            with torch.autocast("cuda", dtype=torch.bfloat16, enabled=a.dtype == "bf16"):
                loss = fwd(idx, tgt)
            loss.backward()

        ms = timer.time(step)
        results.append(common.result("step." + mode, "step", "fwd+bwd", a.dtype,
                                     common.shape_step(B, T, L, NH, C, V), ms,
                                     common.flops_step(V, T, L, NH, C, B, T, "fwd+bwd"), None, gpu, tokens=B * T,
                                     launch="torch.compile" if mode == "compile" else "eager"))
        del model, fwd
        torch.cuda.empty_cache()
    hdr = common.header(torch, timer, a.runs, timer.warmup, preset=a.preset, mode="torch step",
                        params=n_params, autocast=a.dtype == "bf16")
    common.write(common.render(hdr, results, a.format), a.out)


if __name__ == "__main__":
    main()
