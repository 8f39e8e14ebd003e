#!/usr/bin/env python3
"""Generate flan4j's golden GPT-2 fixture from real PyTorch + transformers.

Writes java/src/test/resources/hf/tiny-gpt2/ (relative to the repository root, or --out):
  config.json, generation_config.json, model.safetensors   GPT2LMHeadModel.save_pretrained(safe_serialization=True)
  golden.json   {"input_ids": [T], "logits": [T][V], "loss": float, ...}, computed by transformers in float32 on CPU

HfGpt2GoldenTest loads the folder with HfGpt2.load and asserts |logits - golden| <= 1e-4 and |loss - golden| <= 1e-5;
it skips while the folder is absent. Needs: torch, transformers, safetensors (pip install torch transformers safetensors).
The model is small (2 layers, 64 channels, 4 heads, vocab 1000, 64 positions: ~170k parameters, ~0.7 MB) and every
parameter, biases and layer norms included, is random so a wrong orientation or a swapped tensor cannot hide.
"""
import argparse
import json
import pathlib
import sys

import torch
import transformers
from transformers import GPT2Config, GPT2LMHeadModel

SEED = 20240607
T = 16
REPO = pathlib.Path(__file__).resolve().parents[2]


def build_model() -> GPT2LMHeadModel:
    cfg = GPT2Config(
        vocab_size=1000,          # not a multiple of 64: exercises flan4j's padded embedding rows
        n_positions=64,
        n_embd=64,
        n_layer=2,
        n_head=4,
        activation_function="gelu_new",
        layer_norm_epsilon=1e-5,
        bos_token_id=999,
        eos_token_id=999,
    )
    torch.manual_seed(SEED)
    try:  # eager attention: the plainest reference (sdpa gives the same numbers up to float rounding)
        model = GPT2LMHeadModel._from_config(cfg, attn_implementation="eager")
    except TypeError:
        model = GPT2LMHeadModel(cfg)
    model = model.to(device="cpu", dtype=torch.float32).eval()
    g = torch.Generator().manual_seed(SEED)
    with torch.no_grad():
        for name, p in model.named_parameters():   # lm_head.weight is tied to wte and not listed separately
            noise = torch.randn(p.shape, generator=g, dtype=torch.float32)
            if ".ln_" in name or name.startswith("transformer.ln_f"):
                p.copy_((1.0 if name.endswith(".weight") else 0.0) + 0.2 * noise)
            elif name.endswith("wte.weight") or name.endswith("wpe.weight"):
                p.copy_(0.3 * noise)
            else:
                p.copy_(0.2 * noise)
    assert model.lm_head.weight.data_ptr() == model.transformer.wte.weight.data_ptr(), "LM head must stay tied"
    return model


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=pathlib.Path, default=REPO / "java/src/test/resources/hf/tiny-gpt2")
    args = ap.parse_args()
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)

    model = build_model()
    g = torch.Generator().manual_seed(SEED + 1)
    ids = torch.randint(0, model.config.vocab_size, (1, T), generator=g)
    with torch.no_grad():
        out = model(input_ids=ids, labels=ids)   # transformers shifts labels: loss over positions 0..T-2
    logits = out.logits[0].to(torch.float32)

    args.out.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(args.out, safe_serialization=True)

    # Self-check: the saved folder reloads to the same logits.
    again = GPT2LMHeadModel.from_pretrained(args.out).eval()
    with torch.no_grad():
        diff = (again(input_ids=ids).logits[0] - logits).abs().max().item()
    assert diff == 0.0, f"reloaded model differs by {diff}"

    golden = {
        "input_ids": ids[0].tolist(),
        "logits": [[float(v) for v in row] for row in logits.tolist()],
        "loss": float(out.loss.item()),
        "seed": SEED,
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__,
        "note": "logits [T, V] of GPT2LMHeadModel in float32 on CPU; loss = mean cross-entropy for labels = input_ids",
    }
    (args.out / "golden.json").write_text(json.dumps(golden) + "\n")
    files = sorted(p.name for p in args.out.iterdir())
    print(f"wrote {args.out}: {files}; loss {golden['loss']:.6f}; |logits| max {logits.abs().max().item():.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
