#!/usr/bin/env bash
# Builds a self-contained GPU bundle (no JDK, no network needed on the GPU host):
#   jre/ (jlinked), lib/flan4j-all.jar (slimmed), lib/junit-platform-console-standalone.jar, test-classes/,
#   benchmarks/torch/, run-gpu-tests.sh, run-benchmarks.sh, README.md, MANIFEST.txt
# and packs it into one archive: ${BUNDLE_OUT:-<repo>/target/gpu-bundle}/flan4j-gpu-bundle.tar.xz
#
# Env: FLAN4J_CUDA_ARCHS  CMake CUDA architectures (default: the build's default, 80;86;89;90 SASS + 90 PTX)
#      SKIP_BUILD=1       reuse java/ and app/target from an earlier `mvn package` (must have been built with nvcc)
#      MVN_OFFLINE=-o     passed to mvn (default -o; set empty to let Maven download)
#      BUNDLE_OUT         output folder
# Fails when the archive reaches 60 MiB.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
out="${BUNDLE_OUT:-$root/target/gpu-bundle}"
stage="$out/flan4j-gpu"
archive="$out/flan4j-gpu-bundle.tar.xz"
offline="${MVN_OFFLINE--o}"
limit_mib=60
junit_platform="${JUNIT_PLATFORM_VERSION:-1.11.4}"   # matches junit-jupiter 5.11.x in the parent pom

log() { echo "[bundle] $*"; }
cd "$root"

# 1. Build: the runnable jar (with libflan4j + JNI library) and the compiled tests.
if [ "${SKIP_BUILD:-0}" != 1 ]; then
  # device line info: compute-sanitizer and profiler reports name source lines (the published platform jar has none)
  archs=("-Dflan4j.cuda.lineinfo=ON")
  [ -n "${FLAN4J_CUDA_ARCHS:-}" ] && archs+=("-Dflan4j.cuda.architectures=$FLAN4J_CUDA_ARCHS")
  log "mvn package (tests compiled, not run) ${archs[*]:-}"
  mvn -B -q $offline -pl app -am package -DskipTests "${archs[@]}"
fi
jar_all="$(ls app/target/flan4j-app-*-all.jar | head -1)"
[ -f "$jar_all" ] || { echo "error: app/target/flan4j-app-*-all.jar not found; run without SKIP_BUILD" >&2; exit 1; }
grep -q 'cuda.compiled=true' java/target/natives/dev/flan4j/kernels/linux-x86_64/native-build.properties 2>/dev/null || {
  echo "error: this build has no CUDA kernels (nvcc was not found); a GPU bundle needs them" >&2; exit 1; }

rm -rf "$stage" "$archive" "$out/flan4j-gpu-bundle.tar.gz"
mkdir -p "$stage/lib"

# 2. Slim the runnable jar and store it uncompressed (the xz archive then compresses the natives far better than
#    the jar's deflate: 44 MB deflated vs ~24 MB xz). Dropped: JCuda's PTX-compiler and NVRTC natives (24 MB, unused),
#    OpenBLAS's "full" JNI library and its binding class (flan4j uses org.bytedeco.openblas.global.openblas only),
#    and natives of other platforms if the jar carries any.
tmp="$out/jar-tmp"
rm -rf "$tmp" && mkdir -p "$tmp"
(cd "$tmp" && unzip -q "$root/$jar_all")
find "$tmp" \( -path '*/lib/libJNvPTXCompiler*' -o -path '*/lib/libJNvrtc*' \
             -o -path '*/openblas/*/libjniopenblas_full.so' -o -path '*/openblas/global/openblas_full*.class' \
             -o -path '*/bytedeco/*/windows-*/*' -o -path '*/bytedeco/*/macosx-*/*' \
             -o -path '*/bytedeco/*/linux-arm64/*' -o -path '*/bytedeco/*/linux-ppc64le/*' \) -type f -print -delete \
  | sed "s|^$tmp/|[bundle] dropped from the jar: |"
(cd "$tmp" && zip -q -0 -r -X "$stage/lib/flan4j-all.jar" META-INF/MANIFEST.MF . )
rm -rf "$tmp"

# 3. The test runner and the compiled tests.
mvn -B -q $offline dependency:copy -Dartifact="org.junit.platform:junit-platform-console-standalone:$junit_platform" \
  -DoutputDirectory="$stage/lib" -Dmdep.stripVersion=true
cp -r java/target/test-classes "$stage/test-classes"

# 4. A small JRE: the modules jdeps finds, plus the ones reached by reflection/ServiceLoader.
mods="$(jdeps --multi-release 17 --ignore-missing-deps --print-module-deps -q \
          "$stage/lib/flan4j-all.jar" "$stage/lib/junit-platform-console-standalone.jar" 2>/dev/null || true)"
mods="${mods:+$mods,}java.base,java.logging,java.management,jdk.unsupported,java.naming,java.xml,jdk.zipfs"
log "jlink modules: $mods"
# --compress=0 by default: a compressed modules image is already deflated and the archive's xz could not shrink it
# (measured: compress=2 + gzip gave a 74 MiB archive). JLINK_COMPRESS=2 restores jlink's own compression.
jlink --add-modules "$mods" --strip-debug --no-header-files --no-man-pages --compress="${JLINK_COMPRESS:-0}" \
  --output "$stage/jre"
find "$stage/jre" -name '*.so' -exec strip --strip-unneeded {} +   # libjvm.so ships with its symbol table

# 5. Scripts, benchmarks, docs, provenance.
cp "$here/run-gpu-tests.sh" "$here/run-benchmarks.sh" "$here/README.md" "$stage/"
chmod +x "$stage"/*.sh
if [ -d benchmarks/torch ]; then
  mkdir -p "$stage/benchmarks"
  cp -r benchmarks/torch "$stage/benchmarks/torch"
  find "$stage/benchmarks" -name __pycache__ -prune -exec rm -rf {} +
fi
{
  echo "commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)"
  echo "uncommitted_changes=$(git status --porcelain 2>/dev/null | wc -l | tr -d ' ')"
  echo "built=$(date -u +%FT%TZ) on $(hostname)"
  cat java/target/natives/dev/flan4j/kernels/linux-x86_64/native-build.properties
  echo "cuda_architectures=${FLAN4J_CUDA_ARCHS:-default}"
  echo "jre_modules=$mods"
} > "$stage/MANIFEST.txt"

# 6. One archive.
XZ_OPT="${XZ_OPT:--6 -T0}" tar -C "$out" -cJf "$archive" flan4j-gpu
bytes=$(stat -c %s "$archive")
mib=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
log "contents: $(du -sh "$stage" | cut -f1) unpacked; jre $(du -sh "$stage/jre" | cut -f1), lib $(du -sh "$stage/lib" | cut -f1)"
log "archive: $archive ($mib MiB, $bytes bytes)"
if [ "$bytes" -ge $((limit_mib * 1048576)) ]; then
  echo "error: the archive is $mib MiB, at or above the $limit_mib MiB limit" >&2
  exit 1
fi
