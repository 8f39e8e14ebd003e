#!/usr/bin/env bash
# Pretrains the shipped base model flan4j-base-1m (preset 1m with a 512-token block) with flan4j's own CLI and packs
# it into the built-in data (flan4j-data): an HF GPT-2 folder in F16, card.json (parameters, tokens seen, held-out
# loss, wall time, machine, command, commit), the run's metrics.jsonl and the held-out loss of every kept checkpoint
# (held_out.csv).
#   scripts/models/make-base.sh            # 2,000 steps of 8 x 512 tokens (8.2M): about 15 minutes of two idle cores
# The run folder resumes if interrupted (rerun the script). Set RUN to put it elsewhere.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
name=flan4j-base-1m
run=${RUN:-runs/$name}
cmd=(./flan4j pretrain --backend cpu --preset 1m --block-size 512 --tokenizer mini-bpe --seq-len 512 --batch 8
     --steps 2000 --lr 2e-3 --warmup 100 --schedule cosine --seed 1234 --checkpoint-every 100 --keep 21 --no-progress
     --out "$run")
commit=${COMMIT:-$(git rev-parse HEAD)}
"${cmd[@]}"
machine="$(nproc) x $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/Mem:/ {print $2}') GiB"
./flan4j models pack --backend cpu --run "$run" --name "$name" --dtype F16 --commit "$commit" --machine "$machine" \
  --command "${cmd[*]}" \
  --summary "GPT-2 architecture, 1.38M parameters, block 512, mini-bpe; pretrained on the built-in public-domain corpus"
