#!/usr/bin/env bash
# Runs one experiment of the FLAN reproduction (or all five) with a preset.
#   repro/run.sh <zero-shot|clusters|scale|instructions|few-shot|all> [cpu-mini|gpu|tiny] [extra flan4j repro options...]
# Results: repro/results/<preset>/<experiment>/ (tables, figures, run.json, REPORT.md) and repro/results/<preset>/REPORT.md.
# Checkpoints and cached evaluations: runs/repro/<preset>/ (gitignored), shared by the experiments of a preset.
# Builds the app module offline first (mvn compile; never install). Set FLAN4J_SKIP_BUILD=1 to skip it.
set -euo pipefail
if [[ $# -lt 1 || "$1" == "-h" || "$1" == "--help" ]]; then
  sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
  exit 0
fi
experiment="$1"
preset="${2:-cpu-mini}"
shift $(( $# >= 2 ? 2 : 1 ))
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
if [[ "${FLAN4J_SKIP_BUILD:-0}" != "1" ]]; then
  mvn -B -q -o -pl app -am compile
fi
cpfile="$root/app/target/repro-classpath.txt"
if [[ ! -s "$cpfile" || "$root/app/pom.xml" -nt "$cpfile" || "$root/java/pom.xml" -nt "$cpfile" ]]; then
  (cd "$root" && mvn -B -q -o -pl app -am dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime)
fi
cp="$root/app/target/classes:$root/java/target/classes:$root/java/target/natives:$root/data/target/classes:$(grep -v "^$" "$cpfile" | tr "\n" ":" )"
exec java ${JAVA_OPTS:-} -cp "$cp" dev.flan4j.cli.ReproCommand "$experiment" --preset "$preset" \
  --out "repro/results/$preset" --runs "runs/repro/$preset" "$@"
