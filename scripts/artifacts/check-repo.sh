#!/usr/bin/env bash
# Checks the layout of a repository flan4j was deployed to (.ci/run: target/deploy-repo):
#   scripts/artifacts/check-repo.sh REPO_DIR [BUILD_ROOT]
# - every published artifact is there with its pom, and jars with sources and javadoc jars; the natives are the
#   platform jar flan4j-VERSION-linux-x86_64.jar; the benchmarks are not published;
# - the poms carry licence, scm and developers;
# - no file inside any artifact names the build tree (BUILD_ROOT, default this checkout) or the nvcc on PATH.
set -euo pipefail
repo="$(cd "${1:?usage: check-repo.sh REPO_DIR [BUILD_ROOT]}" && pwd)"
root="${2:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
base="$repo/dev/flan4j"
fail=0
bad() { echo "check-repo: $*" >&2; fail=1; }

newest() {   # newest file of artifact $1 ending in $2 (SNAPSHOT deploys are timestamped)
  ls -1 "$base/$1"/*/"$1"-*"$2" 2>/dev/null | sort | tail -n 1
}

for a in flan4j-bom flan4j-parent flan4j flan4j-data flan4j-app; do
  [ -n "$(newest "$a" .pom)" ] || bad "$a: no pom in $base/$a"
done
for a in flan4j flan4j-data flan4j-app; do
  for s in .jar -sources.jar -javadoc.jar; do
    f=$(ls -1 "$base/$a"/*/"$a"-*"$s" 2>/dev/null | grep -v -- '-\(sources\|javadoc\|all\|linux-x86_64\)\.jar$' || true)
    [ "$s" = .jar ] && { [ -n "$f" ] || bad "$a: no main jar"; continue; }
    [ -n "$(newest "$a" "$s")" ] || bad "$a: no ${s#-} jar"
  done
done
[ -n "$(newest flan4j -linux-x86_64.jar)" ] || bad "flan4j: no platform jar (classifier linux-x86_64)"
[ -n "$(newest flan4j-app -all.jar)" ] || bad "flan4j-app: no runnable jar (classifier all)"
[ ! -e "$base/flan4j-benchmarks" ] || bad "flan4j-benchmarks was deployed (it must not be)"

for pom in "$(newest flan4j-bom .pom)"; do
  for tag in '<licenses>' '<scm' '<developers>' '<url>'; do
    grep -q "$tag" "$pom" || bad "$(basename "$pom"): no $tag"
  done
done

# build-machine paths: the checkout and the nvcc the build found, in any file of any jar (the -all jar repeats the
# others)
needles=("$root")
if nvcc_path=$(command -v nvcc 2>/dev/null); then needles+=("$nvcc_path" "$(readlink -f "$nvcc_path")"); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
while IFS= read -r jar; do
  case "$jar" in *-all.jar) continue ;; esac
  n=$((n + 1))
  d="$tmp/$n"
  mkdir -p "$d" && (cd "$d" && unzip -q -o "$jar")
  for s in "${needles[@]}"; do
    hits=$(grep -r -l -a -F -- "$s" "$d" 2>/dev/null | sed "s|^$d/||" | head -n 5 || true)
    [ -z "$hits" ] || bad "$(basename "$jar") names the build machine's $s in: $hits"
  done
done < <(find "$base" -name '*.jar' | sort)
[ "$n" -gt 0 ] || bad "no jars under $base"

if [ "$fail" -ne 0 ]; then echo "check-repo: FAILED ($repo)" >&2; exit 1; fi
echo "check-repo: ok: $n jars under $base; no path of $root${nvcc_path:+ or $nvcc_path} inside them"
find "$base" -name '*.jar' -printf '%s\t%P\n' | sort -k2 | awk -F'\t' '{printf "  %10d  %s\n", $1, $2}'
