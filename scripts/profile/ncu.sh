#!/usr/bin/env bash
# Nsight Compute report of one kernel launched by a `flan4j profile` run.
#
#   scripts/profile/ncu.sh -k 'regex:attention.*fwd' [-s SKIP] [-c COUNT] [--set full] [-o OUT] -- \
#       profile attention --backend cuda --B 8 --T 1024 --NH 12 --HD 64 --runs 1 --warmup 0
#
# -k  kernel name filter, passed to ncu --kernel-name (a plain name or regex:...). Required: the profiler also
#     launches the L2-flush fill kernel, and without a filter ncu would profile that.
# -s  launches of matching kernels to skip first (default 0; raise it to skip warmup runs)
# -c  launches to profile (default 1)
# Writes OUT.ncu-rep (default benchmarks/results/ncu/<op>-<date>) and prints the details page.
# ncu replays each kernel many times with its own cache flush (--cache-control all) and locks clocks to base
# (--clock-control base), so its durations are lower-clock, cold-cache numbers; use flan4j profile for timings.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
kernel="" skip=0 count=1 set="full" out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -k|--kernel) kernel="$2"; shift 2 ;;
    -s|--skip) skip="$2"; shift 2 ;;
    -c|--count) count="$2"; shift 2 ;;
    --set) set="$2"; shift 2 ;;
    -o|--output) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    --) shift; break ;;
    *) break ;;
  esac
done
[[ -n "$kernel" && $# -gt 0 ]] || { echo "usage: $0 -k KERNEL_REGEX [-s N] [-c N] [--set S] [-o OUT] -- profile <op> [options]" >&2; exit 2; }
command -v ncu >/dev/null || { echo "error: ncu (Nsight Compute) is not on PATH" >&2; exit 1; }
op="${2:-run}"
out="${out:-$here/../../benchmarks/results/ncu/${op}-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$(dirname "$out")"
ncu --set "$set" --kernel-name "$kernel" --launch-skip "$skip" --launch-count "$count" \
  --target-processes all --force-overwrite -o "$out" \
  "$here/flan4j.sh" "$@"
ncu --import "$out.ncu-rep" --page details
