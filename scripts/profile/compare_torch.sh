#!/usr/bin/env bash
# flan4j vs PyTorch on this GPU, same shapes, same timing method (CUDA events, L2 flushed before every run).
#
#   PRESET=gpt2 B=8 DTYPES="fp32 bf16" RUNS=20 scripts/profile/compare_torch.sh
#
# Writes benchmarks/results/<UTC date>-<gpu>/: meta.json (gpu, driver, CUDA, date, commit, dirty tree, settings),
# flan4j-<dtype>.json, torch-ops-<dtype>.json, torch-step-<dtype>.json, ratios-<dtype>.csv, compare-<dtype>.txt and
# ratios-<dtype>.png (when matplotlib is installed). Commit that folder as it is; never edit numbers by hand.
# Env: PRESET (gpt2), B (8), T (the preset's block size), DTYPES ("fp32 bf16"), RUNS (20), WARMUP (3),
#      MODES (torch step modes, "eager,compile"), PYTHON (python3).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
preset="${PRESET:-gpt2}" B="${B:-8}" T="${T:-}" dtypes="${DTYPES:-fp32 bf16}" runs="${RUNS:-20}" warmup="${WARMUP:-3}"
modes="${MODES:-eager,compile}" py="${PYTHON:-python3}"
command -v nvidia-smi >/dev/null || { echo "error: nvidia-smi not found: this comparison needs a GPU host" >&2; exit 1; }

gpu="$(nvidia-smi --query-gpu=name --format=csv,noheader | head -1)"
driver="$(nvidia-smi --query-gpu=driver_version --format=csv,noheader | head -1)"
cuda="$(nvidia-smi | sed -n 's/.*CUDA Version: *\([0-9.]*\).*/\1/p' | head -1)"
slug="$(echo "$gpu" | tr '[:upper:]' '[:lower:]' | sed 's/^nvidia //; s/[^a-z0-9]\+/-/g; s/^-//; s/-$//')"
commit="$(git -C "$root" rev-parse HEAD)"
dirty="$(git -C "$root" status --porcelain | wc -l | tr -d ' ')"
dir="$root/benchmarks/results/$(date -u +%F)-$slug"
mkdir -p "$dir"
GPU="$gpu" DRIVER="$driver" CUDA="$cuda" COMMIT="$commit" DIRTY="$dirty" PRESET="$preset" B="$B" T="$T" \
DTYPES="$dtypes" RUNS="$runs" WARMUP="$warmup" "$py" - "$dir/meta.json" <<'PY'
import datetime, json, os, sys
e = os.environ
meta = {"gpu": e["GPU"], "driver": e["DRIVER"], "cuda_driver_api": e["CUDA"],
        "date": datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0).isoformat(),
        "commit": e["COMMIT"], "uncommitted_changes": int(e["DIRTY"]), "preset": e["PRESET"], "B": int(e["B"]),
        "T": int(e["T"]) if e["T"] else None, "dtypes": e["DTYPES"].split(), "runs": int(e["RUNS"]),
        "warmup": int(e["WARMUP"])}
with open(sys.argv[1], "w") as f:
    json.dump(meta, f, indent=2)
    f.write("\n")
PY
echo "results -> $dir"
export FLAN4J_COMMIT="$commit"
shape=(--preset "$preset" --B "$B" ${T:+--T "$T"} --runs "$runs" --warmup "$warmup")
for dt in $dtypes; do
  f="$dir/flan4j-$dt.json"
  if ! "$here/flan4j.sh" profile suite --backend cuda --dtype "$dt" --format json --out "$f" "${shape[@]}"; then
    echo "flan4j suite failed for $dt; skipping its comparison" >&2
    continue
  fi
  "$py" "$root/benchmarks/torch/bench_ops.py" --dtype "$dt" --format json --out "$dir/torch-ops-$dt.json" "${shape[@]}"
  "$py" "$root/benchmarks/torch/bench_step.py" --dtype "$dt" --modes "$modes" --format json \
    --out "$dir/torch-step-$dt.json" "${shape[@]}"
  "$py" "$root/benchmarks/torch/compare.py" --flan4j "$f" \
    --torch "$dir/torch-ops-$dt.json" "$dir/torch-step-$dt.json" \
    --out "$dir/ratios-$dt.csv" --plot "$dir/ratios-$dt.png" | tee "$dir/compare-$dt.txt"
done
