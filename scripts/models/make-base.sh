#!/usr/bin/env bash
# Pretrains a shipped base model with flan4j's own CLI and packs it into the built-in data (flan4j-data):
# an HF GPT-2 folder in F16, card.json (parameters, tokens seen, held-out loss, wall time, machine, command, commit),
# the run's metrics.jsonl and the held-out loss of every kept checkpoint (held_out.csv).
#   scripts/models/make-base.sh            # flan4j-base-1m: block 256, 16 x 256 rows (the demo's base)
#   BLOCK=512 scripts/models/make-base.sh  # flan4j-base-1m-512: block 512, 8 x 512 rows (cpu-mini's base)
# Either is 2,000 steps, 8.2M tokens: about 20-30 minutes of two idle CPU cores.
# The run folder resumes if interrupted (rerun the script). Set RUN to put it elsewhere.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
block=${BLOCK:-256}
case "$block" in
  256) name=flan4j-base-1m; rows=16; extra=() ;;
  512) name=flan4j-base-1m-512; rows=8; extra=(--block-size 512) ;;
  *) echo "make-base.sh: BLOCK must be 256 or 512, got $block" >&2; exit 2 ;;
esac
run=${RUN:-runs/$name}
cmd=(./flan4j pretrain --backend cpu --preset 1m "${extra[@]}" --tokenizer mini-bpe --seq-len "$block" --batch "$rows"
     --steps 2000 --lr 2e-3 --warmup 100 --schedule cosine --seed 1234 --checkpoint-every 100 --keep 21 --no-progress
     --out "$run")
commit=${COMMIT:-$(git rev-parse HEAD)}
"${cmd[@]}"
machine="$(nproc) x $(lscpu | sed -n 's/^Model name: *//p' | head -1), $(free -g | awk '/Mem:/ {print $2}') GiB"
./flan4j models pack --backend cpu --run "$run" --name "$name" --dtype F16 --commit "$commit" --machine "$machine" \
  --command "${cmd[*]}" \
  --summary "GPT-2 architecture, 1.35M parameters, block $block, mini-bpe; pretrained on the built-in public-domain corpus"
