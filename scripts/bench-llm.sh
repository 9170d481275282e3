#!/usr/bin/env bash
# Prefill and decode tokens/s of our CPU runtime next to llama.cpp on the same weights and threads: the synthetic
# Qwen2.5-1.5B-architecture checkpoint as int8 (ours, dynamic_int8) vs GGUF Q8_0 and int4 (ours, blockwise_int4) vs
# GGUF Q4_0, 1 and 2 threads, a 128-token prompt in one call then 32 greedy decode steps. Runs are interleaved
# (ours, peer, ours, peer, ...) for --rounds rounds; the table keeps each figure's best round and lists the CPU %
# that other processes used during every round (50 = one of 2 cores busy elsewhere), so noisy rounds are visible.
#   bash scripts/bench-llm.sh [--work DIR] [--rounds 3] [--threads "1 2"] [--quant "int8 int4"] [--prefill 128] [--decode 32]
# Inputs, made in DIR when missing (default /tmp/qwen15): hf/ (gen_synthetic_qwen2.py), gguf/q8_0.gguf and
# gguf/q4_0.gguf (hf_to_gguf.py), ours-int8.tflite and ours-int4.tflite (litert convert, KV cache --ctx).
# The llama.cpp peer is node-llama-cpp in $LLM_PEER_DIR (default /tmp/llm-peer; setup in
# ../shared/peers/llm/README-measurements.md); without it only our figures are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
work=/tmp/qwen15; rounds=3; threads_list="1 2"; quants="int8 int4"; prefill=128; decode=32; ctx=512
while [ $# -gt 0 ]; do
  case "$1" in
    --work) work=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    --threads) threads_list=$2; shift 2 ;;
    --quant) quants=$2; shift 2 ;;
    --prefill) prefill=$2; shift 2 ;;
    --decode) decode=$2; shift 2 ;;
    --ctx) ctx=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
peers=$(cd .. && pwd)/shared/peers/llm
[ -d "$peers" ] || { echo "SKIPPED: $peers not found (needs ../shared)"; exit 0; }
peer_dir=${LLM_PEER_DIR:-/tmp/llm-peer}
peer=1
if [ ! -f "$peer_dir/node_modules/node-llama-cpp/dist/index.js" ] || ! command -v node >/dev/null; then
  peer=0
  echo "NOTE: llama.cpp peer NOT INSTALLED ($peer_dir/node_modules/node-llama-cpp missing or no node): only our figures follow."
  echo "      Setup: see $peers/README-measurements.md (npm install node-llama-cpp@3.22.1 @node-llama-cpp/linux-x64@3.22.1)."
fi
export LITERT_ARTIFACTS=${LITERT_ARTIFACTS:-$PWD/artifacts} DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1
mkdir -p "$work/gguf"
if [ ! -f "$work/hf/model.safetensors" ]; then
  echo "generating the checkpoint into $work/hf (about 1 minute, 3.1 GB)"
  /usr/bin/python3 "$peers/gen_synthetic_qwen2.py" "$work/hf" --preset qwen2.5-1.5b --tokenizer-dir "$(cd .. && pwd)/shared/llm/synthetic/bpe1000-tokenizer"
fi
dotnet build -c Release src/LiteRt.Cli -v q --nologo >/dev/null
cli=$LITERT_ARTIFACTS/bin/LiteRt.Cli/release/litert.dll
declare -A gguf_type=([int8]=q8_0 [int4]=q4_0) scheme=([int8]=dynamic_int8 [int4]=blockwise_int4)
for q in $quants; do
  g=$work/gguf/${gguf_type[$q]}.gguf
  [ "$peer" -eq 0 ] || [ -f "$g" ] || /usr/bin/python3 "$peers/hf_to_gguf.py" "$work/hf" "$g" --type "${gguf_type[$q]}"
  m=$work/ours-$q.tflite
  [ -f "$m" ] || dotnet "$cli" convert "$work/hf" -o "$m" --quantize "${scheme[$q]}" --max-context "$ctx" --prefill-lengths "$prefill"
done

hz=$(getconf CLK_TCK); ncpu=$(nproc)
busy_jiffies() { awk '/^cpu /{print $2+$3+$4+$7+$8+$9; exit}' /proc/stat; }
# measure NAME CMD...: runs CMD, leaves its stdout in $work/out.txt and sets OTHERS (CPU % of other processes meanwhile).
measure() {
  local b0 b1 wall cpu
  b0=$(busy_jiffies)
  /usr/bin/time -f "%e %U %S" -o "$work/time.txt" "$@" > "$work/out.txt" 2> "$work/err.txt" || { cat "$work/err.txt" >&2; return 1; }
  b1=$(busy_jiffies)
  read -r wall u s < "$work/time.txt"
  OTHERS=$(awk -v b="$((b1 - b0))" -v hz="$hz" -v w="$wall" -v u="$u" -v s="$s" -v n="$ncpu" \
    'BEGIN { o = (b / hz - u - s) / (w * n) * 100; if (o < 0) o = 0; printf "%.0f", o }')
}
results=$work/bench-llm-results.txt
: > "$results"
echo "machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $ncpu CPUs, load average $(cut -d' ' -f1-3 /proc/loadavg)"
for r in $(seq 1 "$rounds"); do
  for q in $quants; do
    for t in $threads_list; do
      measure dotnet "$cli" bench-llm "$work/ours-$q.tflite" --threads "$t" --prefill "$prefill" --decode "$decode"
      line=$(cat "$work/out.txt")
      pf=$(sed -n 's/.*prefill_tok_s=\([0-9.]*\).*/\1/p' <<< "$line"); dc=$(sed -n 's/.*decode_tok_s=\([0-9.]*\).*/\1/p' <<< "$line")
      rss=$(sed -n 's/.*peak_rss_mib=\([0-9]*\).*/\1/p' <<< "$line")
      echo "$r $q $t ours $pf $dc $rss $OTHERS" | tee -a "$results"
      if [ "$peer" -eq 1 ]; then
        measure env UV_THREADPOOL_SIZE=1 LLM_PEER_DIR="$peer_dir" node "$peers/llamacpp_bench.mjs" --model "$work/gguf/${gguf_type[$q]}.gguf" \
          --threads "$t" --vocab 997 --prefill "$prefill" --decode "$decode" --ctx "$ctx"
        pf=$(grep -o '"prefillTokPerS": [0-9.]*' "$work/out.txt" | awk '{print $2}'); dc=$(grep -o '"decodeTokPerS": [0-9.]*' "$work/out.txt" | awk '{print $2}')
        rss=$(grep -o '"peakRssMiB": [0-9.]*' "$work/out.txt" | awk '{printf "%d", $2}')
        echo "$r $q $t llama.cpp $pf $dc $rss $OTHERS" | tee -a "$results"
      fi
    done
  done
done

echo
echo "| weights | threads | ours prefill tok/s | llama.cpp prefill tok/s | ratio | ours decode tok/s | llama.cpp decode tok/s | ratio | peak RSS MiB ours / llama.cpp | others' CPU % per round (ours; llama.cpp) |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---|---|"
awk '
  { k = $2 " " $3; rt = $4
    if (!((k, rt) in pf) || $5 > pf[k, rt]) pf[k, rt] = $5
    if (!((k, rt) in dc) || $6 > dc[k, rt]) dc[k, rt] = $6
    if ($7 > rss[k, rt]) rss[k, rt] = $7
    load[k, rt] = load[k, rt] (load[k, rt] == "" ? "" : ", ") $8
    if (!(k in seen)) { seen[k] = 1; order[++n] = k } }
  function ratio(a, b) { return (b > 0 && a != "") ? sprintf("%.2f", a / b) : "–" }
  function v(x) { return x == "" ? "–" : x }
  END { for (i = 1; i <= n; i++) { k = order[i]; split(k, p, " ")
    name = p[1] == "int8" ? "int8 vs Q8_0" : "int4 vs Q4_0"
    printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s / %s | %s; %s |\n", name, p[2],
      v(pf[k, "ours"]), v(pf[k, "llama.cpp"]), ratio(pf[k, "ours"], pf[k, "llama.cpp"]),
      v(dc[k, "ours"]), v(dc[k, "llama.cpp"]), ratio(dc[k, "ours"], dc[k, "llama.cpp"]),
      v(rss[k, "ours"]), v(rss[k, "llama.cpp"]), load[k, "ours"], v(load[k, "llama.cpp"]) } }' "$results"
echo
echo "(best of $rounds rounds per figure; ratio = ours / llama.cpp; raw rounds in $results)"
