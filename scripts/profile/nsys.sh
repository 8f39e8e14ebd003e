#!/usr/bin/env bash
# Nsight Systems timeline of a `flan4j profile` run, with the NVTX ranges the native library puts around each launch.
#
#   scripts/profile/nsys.sh [-o OUT] -- profile attention --backend cuda --B 8 --T 1024 --NH 12 --HD 64 --runs 5
#
# Writes OUT.nsys-rep (default benchmarks/results/nsys/<op>-<date>) and prints the per-kernel and per-NVTX-range
# summaries (nsys stats). Open the report in the Nsight Systems GUI for the timeline.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -o|--output) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[[ $# -gt 0 ]] || { echo "usage: $0 [-o OUT] -- profile <op> [options]" >&2; exit 2; }
command -v nsys >/dev/null || { echo "error: nsys (Nsight Systems) is not on PATH" >&2; exit 1; }
op="${2:-run}"
out="${out:-$here/../../benchmarks/results/nsys/${op}-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$(dirname "$out")"
# cuda + nvtx tracing; no CPU sampling or context-switch tracing (the JVM has many threads and they add noise).
nsys profile --trace=cuda,nvtx --sample=none --cpuctxsw=none --force-overwrite=true -o "$out" \
  "$here/flan4j.sh" "$@"
nsys stats --report cuda_gpu_kern_sum,nvtx_sum --format table "$out.nsys-rep"
