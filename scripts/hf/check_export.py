#!/usr/bin/env python3
"""Check that a folder written by flan4j's HfGpt2.export is what transformers expects.

Always (numpy only): parses config.json and model.safetensors by the format's rules and checks every tensor's name,
dtype and shape against the GPT2Config (Conv1D weights [in, out], wte [vocab_size, n_embd], no lm_head.weight).
With torch + transformers installed: opens it with GPT2LMHeadModel.from_pretrained, fails on missing/unexpected keys,
and, given --golden golden.json (a fixture of java/src/test/resources/hf/fixtures/, made by transformers; its first case
is compared: HfGpt2GoldenTest leaves its export of hf-gpt2-tiny in java/target/hf-golden-export), compares logits (1e-4) and
loss (1e-5). A --golden is also checked against a numpy float64 forward
pass written from GPT2LMHeadModel's definition, which runs without torch.

  python3 scripts/hf/check_export.py java/target/hf-golden-export --golden java/src/test/resources/hf/fixtures/hf-gpt2-tiny/golden.json
"""
import argparse
import json
import pathlib
import struct
import sys

import numpy as np

DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64}


def read_safetensors(path: pathlib.Path):
    raw = path.read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    meta = header.pop("__metadata__", {})
    data = memoryview(raw)[8 + n:]
    out, end = {}, 0
    for name, t in header.items():
        b, e = t["data_offsets"]
        assert 0 <= b <= e <= len(data), f"{name}: offsets {b}..{e} outside {len(data)} bytes"
        arr = np.frombuffer(data[b:e], dtype=np.dtype(DTYPES[t["dtype"]]).newbyteorder("<")).reshape(t["shape"])
        out[name] = arr
        end = max(end, e)
    assert end == len(data), f"{len(data) - end} trailing bytes"
    return meta, out


def expected_shapes(cfg):
    C, V, P, L = cfg["n_embd"], cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"]
    s = {"wte.weight": (V, C), "wpe.weight": (P, C), "ln_f.weight": (C,), "ln_f.bias": (C,)}
    for l in range(L):
        h = f"h.{l}."
        s.update({h + "ln_1.weight": (C,), h + "ln_1.bias": (C,), h + "attn.c_attn.weight": (C, 3 * C),
                  h + "attn.c_attn.bias": (3 * C,), h + "attn.c_proj.weight": (C, C), h + "attn.c_proj.bias": (C,),
                  h + "ln_2.weight": (C,), h + "ln_2.bias": (C,), h + "mlp.c_fc.weight": (C, 4 * C),
                  h + "mlp.c_fc.bias": (4 * C,), h + "mlp.c_proj.weight": (4 * C, C), h + "mlp.c_proj.bias": (C,)})
    return s


def numpy_forward(cfg, w, ids):
    """GPT2LMHeadModel's forward in float64 numpy (Conv1D y = x @ W + b; gelu_new; tied head): logits [T, V], loss."""
    C, NH = cfg["n_embd"], cfg["n_head"]
    HD, T = C // NH, len(ids)
    w = {k[len("transformer."):] if k.startswith("transformer.") else k: v.astype(np.float64) for k, v in w.items()}

    def ln(x, p):
        mu, var = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
        return (x - mu) / np.sqrt(var + cfg.get("layer_norm_epsilon", 1e-5)) * w[p + ".weight"] + w[p + ".bias"]

    def conv1d(x, p):
        return x @ w[p + ".weight"] + w[p + ".bias"]

    x = w["wte.weight"][ids] + w["wpe.weight"][:T]
    mask = np.triu(np.ones((T, T), dtype=bool), 1)
    for l in range(cfg["n_layer"]):
        h = f"h.{l}."
        q, k, v = np.split(conv1d(ln(x, h + "ln_1"), h + "attn.c_attn"), 3, axis=-1)
        q, k, v = (a.reshape(T, NH, HD).transpose(1, 0, 2) for a in (q, k, v))
        s = q @ k.transpose(0, 2, 1) / np.sqrt(HD)
        s[:, mask] = -np.inf
        p = np.exp(s - s.max(-1, keepdims=True))
        y = (p / p.sum(-1, keepdims=True)) @ v
        x = x + conv1d(y.transpose(1, 0, 2).reshape(T, C), h + "attn.c_proj")
        f = conv1d(ln(x, h + "ln_2"), h + "mlp.c_fc")
        f = 0.5 * f * (1 + np.tanh(np.sqrt(2 / np.pi) * (f + 0.044715 * f ** 3)))
        x = x + conv1d(f, h + "mlp.c_proj")
    logits = ln(x, "ln_f") @ w["wte.weight"].T
    z = logits[:-1] - logits[:-1].max(-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(-1, keepdims=True))
    loss = -logp[np.arange(T - 1), ids[1:]].mean()
    return logits, loss


def compare(logits, loss, g, who):
    d = float(np.abs(np.asarray(logits, dtype=np.float64) - np.asarray(g["logits"], dtype=np.float64)).max())
    dl = abs(float(loss) - g["loss"])
    print(f"{who}: max |logit diff| {d:.3g}, |loss diff| {dl:.3g}")
    assert d <= 1e-4 and dl <= 1e-5, "outside tolerance (1e-4 logits, 1e-5 loss)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dir", type=pathlib.Path)
    ap.add_argument("--golden", type=pathlib.Path)
    args = ap.parse_args()

    cfg = json.loads((args.dir / "config.json").read_text())
    assert cfg["model_type"] == "gpt2" and cfg["architectures"] == ["GPT2LMHeadModel"], cfg
    meta, tensors = read_safetensors(args.dir / "model.safetensors")
    assert meta.get("format") == "pt", f"metadata {meta}: transformers requires format=pt"
    want = {"transformer." + k: v for k, v in expected_shapes(cfg).items()}
    assert set(tensors) == set(want), f"missing {set(want) - set(tensors)}, unexpected {set(tensors) - set(want)}"
    for k, v in tensors.items():
        assert tuple(v.shape) == want[k], f"{k}: {v.shape} != {want[k]}"
    print(f"format OK: {len(tensors)} tensors, config {({k: cfg[k] for k in ('vocab_size', 'n_positions', 'n_embd', 'n_layer', 'n_head')})}")

    g = json.loads(args.golden.read_text()) if args.golden else None
    if g and "cases" in g:  # the fixtures' schema: the first case has the logits of every position
        c = g["cases"][0]
        assert c["logit_positions"] == list(range(c["length"])), c["name"]
        g = {"input_ids": c["input_ids"], "logits": c["logits"], "loss": c["loss"]}
    if g:
        compare(*numpy_forward(cfg, tensors, np.array(g["input_ids"])), g, "numpy reference")
    try:
        import torch
        from transformers import GPT2LMHeadModel
    except ImportError:
        print("torch/transformers not installed: skipped the from_pretrained check")
        return 0
    model, info = GPT2LMHeadModel.from_pretrained(args.dir, output_loading_info=True)
    bad = {k: v for k, v in info.items() if v}
    assert not bad, f"from_pretrained loading info: {bad}"
    model.eval()
    print("from_pretrained OK")
    if g:
        ids = torch.tensor([g["input_ids"]])
        with torch.no_grad():
            out = model(input_ids=ids, labels=ids)
        compare(out.logits[0].double().numpy(), out.loss.item(), g, "transformers")
    return 0


if __name__ == "__main__":
    sys.exit(main())
