#!/usr/bin/env bash
# Converts the synthetic Qwen2.5-1.5B-architecture checkpoint (3.1 GB BF16, made by ../shared/peers/llm/gen_synthetic_qwen2.py)
# to .tflite and reports wall time and peak RSS of the conversion; then, unless --no-run, prefill/decode speed of the
# result (LlmSpeedProbe). Targets: peak RSS <= 2 GB, wall <= 120 s.
#   bash scripts/bench-llm-convert.sh [--quantize dynamic_int8] [--max-context 4096] [--work DIR] [--keep] [--no-run]
# The checkpoint is generated into DIR/hf (default: a temp folder, removed afterwards unless --keep); an existing
# DIR/hf/model.safetensors is reused.
set -euo pipefail
cd "$(dirname "$0")/.."
quantize=dynamic_int8; ctx=4096; work=""; keep=0; run=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quantize) quantize=$2; shift 2 ;;
    --max-context) ctx=$2; shift 2 ;;
    --work) work=$2; keep=1; shift 2 ;;
    --keep) keep=1; shift ;;
    --no-run) run=0; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
shared=$(cd .. && pwd)/shared
gen=$shared/peers/llm/gen_synthetic_qwen2.py
[ -f "$gen" ] || { echo "SKIPPED: $gen not found (needs ../shared)"; exit 0; }
[ -n "$work" ] || work=$(mktemp -d /tmp/litert-llm-bench.XXXXXX)
mkdir -p "$work"
cleanup() { if [ "$keep" -eq 0 ]; then rm -rf "$work"; fi; }
trap cleanup EXIT
export LITERT_ARTIFACTS=${LITERT_ARTIFACTS:-$PWD/artifacts} DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
if [ ! -f "$work/hf/model.safetensors" ]; then
  echo "generating the checkpoint into $work/hf (about 1 minute, 3.1 GB)"
  /usr/bin/python3 "$gen" "$work/hf" --preset qwen2.5-1.5b
fi
dotnet build -c Release src/LiteRt.Cli -v q --nologo >/dev/null
cli=$LITERT_ARTIFACTS/bin/LiteRt.Cli/release/litert.dll
out=$work/qwen2.5-1.5b-synth-$quantize-ekv$ctx.tflite
/usr/bin/time -v -o "$work/time.txt" dotnet "$cli" convert "$work/hf" -o "$out" --quantize "$quantize" --max-context "$ctx"
wall=$(grep 'Elapsed (wall clock)' "$work/time.txt" | awk '{print $NF}')
rss=$(grep 'Maximum resident set size' "$work/time.txt" | awk '{print $NF}')
echo "conversion: wall $wall, peak RSS $((rss / 1024)) MiB, output $(( $(stat -c %s "$out") / 1048576 )) MiB ($quantize, KV cache $ctx)"
if [ "$run" -eq 1 ]; then
  for threads in 1 2; do
  LITERT_LLM_BENCH=$out LITERT_LLM_BENCH_THREADS=$threads dotnet test -c Release tests/LiteRt.Compiler.Tests --nologo --filter "FullyQualifiedName~LlmSpeedProbe" \
    --logger "console;verbosity=detailed" 2>&1 | grep -E '^ (threads|prefill)' || true
  done
fi
