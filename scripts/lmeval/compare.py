#!/usr/bin/env python3
"""Compare flan4j's scorer and BLEU with lm-evaluation-harness and sacreBLEU on the same model and examples.

Inputs (written by FlanScores.java into WORK): docs.jsonl (the examples as an lm-eval task reads them),
flan4j_rank.json (flan4j's per-option log-likelihoods and acc / acc_norm / acc_bytes), flan4j_generation.json
(flan4j's greedy outputs, references and corpus BLEU). HF_DIR is the exported model with the mini-bpe tokenizer.

Checks, each printed with its numbers:
  1. the Hugging Face tokenizer gives flan4j's prompt token ids;
  2. lm-eval's per-option log-likelihoods are within 1e-4 of flan4j's;
  3. per example, lm-eval's acc and acc_norm equal flan4j's, and so do the means;
  4. sacreBLEU's corpus BLEU on flan4j's outputs equals flan4j's to the printed precision (2 decimals), and to 1e-9.

  python3 compare.py HF_DIR WORK TASK_YAML_DIR
"""
import json
import math
import pathlib
import sys


def main():
    hf, work, task_dir = map(pathlib.Path, sys.argv[1:4])
    rank = json.loads((work / "flan4j_rank.json").read_text())
    gen = json.loads((work / "flan4j_generation.json").read_text())
    ok = True
    report = {}

    import importlib.metadata as md
    report["versions"] = {p: md.version(p) for p in ["lm_eval", "torch", "transformers", "tokenizers", "sacrebleu", "datasets"]}

    # 1. tokenizer agreement
    from transformers import AutoTokenizer
    tok = AutoTokenizer.from_pretrained(str(hf))
    mism = [ex["id"] for ex in rank["examples"] if tok(ex["prompt"])["input_ids"] != ex["prompt_tokens"]]
    report["tokenizer_mismatches"] = len(mism)
    print(f"tokenizer: {len(rank['examples']) - len(mism)} of {len(rank['examples'])} prompts encode to flan4j's ids")
    ok &= not mism

    # 2-3. lm-eval on the same examples
    import lm_eval
    from lm_eval.tasks import TaskManager
    res = lm_eval.simple_evaluate(
        model="hf", model_args=f"pretrained={hf},tokenizer={hf},dtype=float32,device=cpu",
        tasks=["flan4j_" + rank["dataset"]], task_manager=TaskManager(include_path=str(task_dir)),
        batch_size=1, log_samples=True, num_fewshot=0, random_seed=0, numpy_random_seed=0, torch_random_seed=0)
    name = "flan4j_" + rank["dataset"]
    samples = sorted(res["samples"][name], key=lambda s: s["doc_id"])
    by_id = {ex["id"]: ex for ex in rank["examples"]}
    worst, acc_diff, norm_diff = 0.0, 0, 0
    for s in samples:
        ex = by_id[s["doc"]["id"]]
        ll = [r[0] for r in s["filtered_resps"]]
        worst = max(worst, max(abs(a - b) for a, b in zip(ll, ex["loglikelihoods"])))
        acc_diff += int(s["acc"] != ex["acc"])
        norm_diff += int(s["acc_norm"] != ex["acc_norm"])
    m = res["results"][name]
    report["rank"] = {"dataset": rank["dataset"], "template": rank["template"], "n": len(samples),
                      "max_abs_loglikelihood_diff": worst,
                      "per_example_acc_disagreements": acc_diff, "per_example_acc_norm_disagreements": norm_diff,
                      "flan4j": {"acc": rank["acc"], "acc_norm": rank["acc_norm"], "acc_bytes": rank["acc_bytes"]},
                      "lm_eval": {"acc": m["acc,none"], "acc_norm": m["acc_norm,none"]}}
    print(f"lm-eval {name}: {len(samples)} examples, max |loglik diff| {worst:.3g}; "
          f"acc {m['acc,none']:.4f} vs flan4j {rank['acc']:.4f}; acc_norm {m['acc_norm,none']:.4f} vs flan4j {rank['acc_norm']:.4f}; "
          f"per-example disagreements: acc {acc_diff}, acc_norm {norm_diff}")
    ok &= worst <= 1e-4 and acc_diff == 0 and norm_diff == 0 and len(samples) == rank["n"]
    ok &= abs(m["acc,none"] - rank["acc"]) < 1e-12 and abs(m["acc_norm,none"] - rank["acc_norm"]) < 1e-12

    # 4. sacreBLEU on flan4j's generations
    import sacrebleu
    bleu = sacrebleu.BLEU()
    sb = bleu.corpus_score(gen["predictions"], [gen["references"]])
    flan = gen["bleu"]
    report["bleu"] = {"dataset": gen["dataset"], "template": gen["template"], "segments": len(gen["predictions"]),
                      "sacrebleu": sb.score, "sacrebleu_signature": str(bleu.get_signature()), "sacrebleu_full": str(sb),
                      "flan4j": flan}
    print(f"BLEU {gen['dataset']} ({len(gen['predictions'])} segments): sacreBLEU {sb.score:.2f} vs flan4j {flan:.2f} "
          f"(|diff| {abs(sb.score - flan):.2g}; {bleu.get_signature()})")
    ok &= f"{sb.score:.2f}" == f"{flan:.2f}" and math.isclose(sb.score, flan, abs_tol=1e-9)
    (work / "comparison.json").write_text(json.dumps(report, indent=2) + "\n")
    print("ALL CHECKS PASS" if ok else "SOME CHECKS FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
