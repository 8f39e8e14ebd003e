#!/usr/bin/env bash
# flan4j's CPU training step against PyTorch's, side by side in one run (see benchmarks/torch/cpu_vs_torch.py).
#   benchmarks/cpu-vs-torch.sh                           all three configs, results under benchmarks/results/
#   benchmarks/cpu-vs-torch.sh --configs small --rounds 3
# Needs python3 with venv (Debian: apt-get install python3-venv), a JDK 17 and Maven. PyTorch (CPU) is installed
# with pip from the machine's configured index into a venv under the cache folder ($FLAN4J_CACHE, default
# ~/.cache/flan4j); set TORCH_SPEC to pin it (e.g. TORCH_SPEC="torch==2.13.0"). Not run by CI.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="${FLAN4J_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/flan4j}"
venv="$cache/torch-cpu-venv"
if ! "$venv/bin/python" -c "import torch" 2>/dev/null; then
  echo "cpu-vs-torch: installing ${TORCH_SPEC:-torch} into $venv ..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "${TORCH_SPEC:-torch}" numpy
fi
echo "cpu-vs-torch: building benchmarks/target/benchmarks.jar ..." >&2
(cd "$root" && mvn -B -q -DskipTests -Dflan4j.nvcc=none -pl benchmarks -am package) >&2
out="$root/benchmarks/results/$(date -u +%F)-cpu-$(nproc)core"
args=("$@")
has_out=0
for a in "$@"; do [ "$a" = "--out" ] && has_out=1; done
[ "$has_out" = 1 ] || args+=(--out "$out")
cd "$root"
export FLAN4J_COMMIT="${FLAN4J_COMMIT:-$(git -C "$root" rev-parse HEAD 2>/dev/null || true)}"
exec "$venv/bin/python" "$root/benchmarks/torch/cpu_vs_torch.py" --jar "$root/benchmarks/target/benchmarks.jar" "${args[@]}"
