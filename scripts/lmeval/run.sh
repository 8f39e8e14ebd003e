#!/usr/bin/env bash
# External checks of flan4j's scorer and BLEU against lm-evaluation-harness and sacreBLEU (a script, not CI).
#
# 1. builds flan4j and trains a tiny model on CPU (pretrain on the built-in corpus, instruction-tune with nli held out),
#    exporting it in the Hugging Face GPT-2 layout (tune --export-hf) with the mini-bpe tokenizer beside it;
# 2. FlanScores.java: flan4j's rank classification of wordnet_nli test examples (first template) and greedy outputs
#    on translation_en_es, read from the exported folder;
# 3. compare.py: lm-evaluation-harness on the same examples (tasks/flan4j_wordnet_nli.yaml) and sacreBLEU on the same
#    outputs; results/ receives comparison.json, the inputs of both sides and the log.
#
# Needs a Python venv with lm-eval, torch (CPU), transformers and sacrebleu: VENV (default /tmp/lmeval-venv), e.g.
#   python3 -m venv /tmp/lmeval-venv && /tmp/lmeval-venv/bin/pip install lm-eval torch transformers sacrebleu
# Steps: PRETRAIN_STEPS (300), TUNE_STEPS (300); examples: N_RANK (200), N_GEN (100).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${VENV:-/tmp/lmeval-venv}"
out="$here/results"
work="$(mktemp -d /tmp/flan4j-lmeval.XXXXXX)"
mkdir -p "$out"
log="$out/run.log"
: > "$log"
say() { echo "$@" | tee -a "$log"; }

(cd "$root" && nice -n 5 mvn -B -q -o -Dflan4j.nvcc=none -Dmaven.test.skip=true -pl app -am package)
jar=$(ls "$root"/app/target/flan4j-app-*-all.jar | head -n 1)
J="nice -n 5 java -Xmx3g"
say "flan4j $(cd "$root" && git rev-parse --short HEAD), work folder $work"
$J -jar "$jar" pretrain --preset tiny --out "$work/pretrain" --steps "${PRETRAIN_STEPS:-300}" --batch 8 --seq-len 128 \
    --no-progress 2>&1 | tail -n 2 | tee -a "$log"
$J -jar "$jar" tune --from "$work/pretrain" --held-out nli --out "$work/tune" --steps "${TUNE_STEPS:-300}" --batch 8 \
    --seq-len 128 --export-hf "$work/hf" --no-progress 2>&1 | tail -n 3 | tee -a "$log"
"$venv/bin/python" "$here/make_hf_tokenizer.py" "$work/hf" | tee -a "$log"
$J -cp "$jar" "$here/FlanScores.java" "$work/hf" "$work" wordnet_nli "${N_RANK:-200}" translation_en_es "${N_GEN:-100}" \
    2>&1 | grep -v " INFO " | tee -a "$log"
cp "$here"/tasks/*.yaml "$work/"
set +e
(cd "$work" && HF_DATASETS_OFFLINE=1 HF_HUB_OFFLINE=1 "$venv/bin/python" "$here/compare.py" "$work/hf" "$work" "$work") 2>&1 \
    | grep -vE "^(INFO|WARNING|DEBUG)|it/s\]|s/it\]" | tee -a "$log"
rc=${PIPESTATUS[0]}
set -e
cp "$work"/comparison.json "$work"/flan4j_rank.json "$work"/flan4j_generation.json "$work"/docs.jsonl "$out/" 2>/dev/null || true
"$venv/bin/pip" freeze 2>/dev/null | grep -iE "^(lm.eval|torch|transformers|tokenizers|sacrebleu|datasets)==" > "$out/versions.txt"
java -version 2>&1 | head -n 1 >> "$out/versions.txt"
say "results in $out (exit $rc)"
exit "$rc"
