#!/usr/bin/env bash
# All five experiments of a preset in the background, logging to runs/repro/<preset>.log:
#   repro/run-all.sh [cpu-mini|gpu] [extra flan4j repro options...]
# Follow with: tail -f runs/repro/<preset>.log
set -euo pipefail
preset="${1:-cpu-mini}"
shift $(( $# >= 1 ? 1 : 0 ))
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$root/runs/repro"
log="$root/runs/repro/$preset.log"
nohup "$root/repro/run.sh" all "$preset" --no-progress "$@" > "$log" 2>&1 &
echo "started pid $! ; log: $log"
