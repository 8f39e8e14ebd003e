#!/usr/bin/env bash
# Runs flan4j's GPU tests from an unpacked bundle. Results (JUnit XML, logs, summary) go to $OUT (default ./results).
#
#   ./run-gpu-tests.sh                 backend + kernels test packages (GPU tests and their CPU references)
#   ./run-gpu-tests.sh --memcheck      ... then the gpu-tagged tests under compute-sanitizer --tool memcheck
#   ./run-gpu-tests.sh --racecheck     ... then the gpu-tagged tests under compute-sanitizer --tool racecheck
#   ./run-gpu-tests.sh --all           every test in the bundle (CPU tests included; slower)
#   ./run-gpu-tests.sh --only-sanitizers --memcheck --racecheck
# Env: OUT, JAVA_OPTS (default -Xmx8g), SANITIZER (compute-sanitizer path), FLAN4J_CUDA_DEVICE (device index).
# Exit status: 0 when every run passed, else 1. Without a GPU the GPU tests are skipped with "no CUDA device".
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="${OUT:-$here/results}"
java="$here/jre/bin/java"
cp="$here/lib/flan4j-all.jar:$here/test-classes"
launcher="$here/lib/junit-platform-console-standalone.jar"
java_opts=(${JAVA_OPTS:--Xmx8g})
[ -n "${FLAN4J_CUDA_DEVICE:-}" ] && export CUDA_VISIBLE_DEVICES="$FLAN4J_CUDA_DEVICE"   # the backend uses device 0
memcheck=0 racecheck=0 all=0 plain=1
for a in "$@"; do
  case "$a" in
    --memcheck) memcheck=1 ;;
    --racecheck) racecheck=1 ;;
    --all) all=1 ;;
    --only-sanitizers) plain=0 ;;
    -h|--help) sed -n 2,10p "$0"; exit 0 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
mkdir -p "$out"
{
  cat "$here/MANIFEST.txt" 2>/dev/null
  echo "date=$(date -u +%FT%TZ) host=$(hostname)"
  command -v nvidia-smi >/dev/null && nvidia-smi || echo "nvidia-smi: not found"
} > "$out/environment.txt" 2>&1

if [ "$all" = 1 ]; then
  select=(--scan-class-path "$here/test-classes")
else
  select=(--select-package dev.flan4j.backend --select-package dev.flan4j.kernels)
fi

status=0
run() {   # name, tag filter (or ""), prefix command...
  local name="$1" tag="$2"; shift 2
  local filter=()
  [ -n "$tag" ] && filter=(--include-tag "$tag")
  echo "=== $name ===" | tee -a "$out/summary.txt"
  "$@" "$java" "${java_opts[@]}" -jar "$launcher" execute --class-path "$cp" "${select[@]}" "${filter[@]}" \
    --reports-dir "$out/$name" --details=tree --disable-banner --disable-ansi-colors --fail-if-no-tests > "$out/$name.log" 2>&1
  local rc=$?
  grep -E "tests (successful|failed|skipped|aborted|found)|containers failed" "$out/$name.log" | tee -a "$out/summary.txt"
  grep -m 20 -E "ERROR SUMMARY|========= (Invalid|Race|Error)" "$out/$name.log" | tee -a "$out/summary.txt" || true
  echo "$name: exit $rc" | tee -a "$out/summary.txt"
  [ $rc -eq 0 ] || status=1
}

: > "$out/summary.txt"
[ "$plain" = 1 ] && run tests ""
sanitizer="${SANITIZER:-$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)}"
for tool in memcheck racecheck; do
  want=$memcheck; [ $tool = racecheck ] && want=$racecheck
  [ "$want" = 1 ] || continue
  if [ ! -x "$sanitizer" ]; then
    echo "$tool: compute-sanitizer not found (set SANITIZER)" | tee -a "$out/summary.txt"; status=1; continue
  fi
  # --error-exitcode makes a sanitizer finding fail the run even when every test passed
  run "$tool" gpu "$sanitizer" --tool "$tool" --target-processes all --error-exitcode 99 --print-limit 50
done
echo "results in $out"
exit $status
