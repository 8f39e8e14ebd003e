#!/usr/bin/env bash
# Runs the flan4j CLI from the build tree: scripts/profile/flan4j.sh profile attention --B 8 ...
# Set FLAN4J_CMD to use another launcher (e.g. "java -jar flan4j-cli.jar"). JAVA_OPTS is passed to the JVM.
# Needs `mvn -pl app -am package -DskipTests` (or any build that fills app/target/classes) first.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
if [[ -n "${FLAN4J_CMD:-}" ]]; then
  # shellcheck disable=SC2086
  exec $FLAN4J_CMD "$@"
fi
classes="$root/app/target/classes"
cpfile="$root/app/target/classpath.txt"
if [[ ! -d "$classes" ]]; then
  echo "error: $classes does not exist; build first: mvn -B -q -pl app -am package -DskipTests" >&2
  exit 1
fi
if [[ ! -s "$cpfile" || "$root/app/pom.xml" -nt "$cpfile" || "$root/java/pom.xml" -nt "$cpfile" ]]; then
  (cd "$root" && mvn -B -q -o -pl app -am dependency:build-classpath -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=runtime >&2)
fi
# shellcheck disable=SC2086
exec java ${JAVA_OPTS:-} -cp "$classes:$root/java/target/natives:$(cat "$cpfile")" dev.flan4j.cli.Main "$@"
