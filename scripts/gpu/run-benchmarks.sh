#!/usr/bin/env bash
# flan4j profile suite on the GPU, then the PyTorch side-by-side scripts when python3 with torch is present.
#   PRESET=gpt2 B=8 DTYPES="fp32 bf16" RUNS=20 ./run-benchmarks.sh
# Writes to $OUT (default ./bench-results): meta.json, flan4j-<dtype>.json, torch-*.json, ratios-<dtype>.csv,
# compare-<dtype>.txt (the layout of scripts/profile/compare_torch.sh; copy it to benchmarks/results/ and commit).
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${OUT:-$here/bench-results}"
preset="${PRESET:-gpt2}" B="${B:-8}" T="${T:-}" dtypes="${DTYPES:-fp32 bf16}" runs="${RUNS:-20}" warmup="${WARMUP:-3}"
modes="${MODES:-eager,compile}" py="${PYTHON:-python3}"
java="$here/jre/bin/java"
mkdir -p "$out"
commit="$(sed -n 's/^commit=//p' "$here/MANIFEST.txt" 2>/dev/null)"
export FLAN4J_COMMIT="${commit:-unknown}"
{
  echo "{"
  echo "  \"gpu\": \"$(nvidia-smi --query-gpu=name --format=csv,noheader 2>/dev/null | head -1)\","
  echo "  \"driver\": \"$(nvidia-smi --query-gpu=driver_version --format=csv,noheader 2>/dev/null | head -1)\","
  echo "  \"date\": \"$(date -u +%FT%TZ)\", \"commit\": \"${commit:-unknown}\","
  echo "  \"preset\": \"$preset\", \"B\": $B, \"T\": \"${T}\", \"dtypes\": \"$dtypes\", \"runs\": $runs, \"warmup\": $warmup"
  echo "}"
} > "$out/meta.json"
shape=(--preset "$preset" --B "$B" ${T:+--T "$T"} --runs "$runs" --warmup "$warmup")
# fp32 runs without TF32, as PyTorch's default for matmuls (bench_step.py, bench_ops.py); bf16 is mixed precision
# on both sides (flan4j --precision bf16, torch.autocast with fp32 parameters)
status=0
have_torch=0
[ -d "$here/benchmarks/torch" ] && "$py" -c "import torch; assert torch.cuda.is_available()" 2>/dev/null && have_torch=1
[ $have_torch = 1 ] || echo "torch comparison skipped: benchmarks/torch missing or python3 has no CUDA torch"
for dt in $dtypes; do
  f="$out/flan4j-$dt.json"
  tf32=(); [ "$dt" = fp32 ] && tf32=(--no-tf32)
  if ! "$java" -Xmx8g -jar "$here/lib/flan4j-all.jar" profile suite --backend cuda --dtype "$dt" "${tf32[@]}" --format json \
       --out "$f" "${shape[@]}"; then
    echo "flan4j suite failed for $dt" >&2; status=1; continue
  fi
  [ $have_torch = 1 ] || continue
  "$py" "$here/benchmarks/torch/bench_ops.py" --dtype "$dt" --format json --out "$out/torch-ops-$dt.json" "${shape[@]}" || status=1
  "$py" "$here/benchmarks/torch/bench_step.py" --dtype "$dt" --modes "$modes" --format json \
    --out "$out/torch-step-$dt.json" "${shape[@]}" || status=1
  "$py" "$here/benchmarks/torch/compare.py" --flan4j "$f" --torch "$out/torch-ops-$dt.json" "$out/torch-step-$dt.json" \
    --out "$out/ratios-$dt.csv" --plot "$out/ratios-$dt.png" | tee "$out/compare-$dt.txt" || status=1
done
echo "results in $out"
exit $status
