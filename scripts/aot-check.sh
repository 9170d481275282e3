#!/usr/bin/env bash
# Publishes samples/QuickStart with NativeAOT (PublishAot=true) and reports trimming/AOT warnings, split into those
# from this repository's code (LiteRt.*, the sample and its generated code) and the rest, then runs the binary.
#   bash scripts/aot-check.sh [output folder]
# Needs clang (or clang-NN) and the NativeAOT packs from a NuGet source. When the NuGet sources have no
# Microsoft.NETCore.App.Runtime.NativeAOT.<rid> pack, it says so and publishes trimmed + self-contained instead: the
# same whole-program trim analysis (IL2xxx), with the AOT analyzers (IL3xxx) running at compile time (the sample
# sets IsAotCompatible, so they run on the generated code too).
set -uo pipefail
cd "$(dirname "$0")/.."
out="${1:-artifacts/aot}"
rid="linux-x64"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
cc=()
if ! command -v clang >/dev/null 2>&1; then
  for v in 20 19 18 17 16 15 14; do
    if command -v "clang-$v" >/dev/null 2>&1; then cc=("-p:CppCompilerAndLinker=clang-$v"); break; fi
  done
fi
log="$(mktemp)"
mode="nativeaot"
dotnet publish samples/QuickStart -c Release -r "$rid" -p:LiteRtSamplePublishAot=true -p:TrimmerSingleWarn=false "${cc[@]}" \
  -o "$out/nativeaot" -nr:false 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
bin="$out/nativeaot/QuickStart"
if [ "$status" -ne 0 ] && grep -q "Microsoft.NETCore.App.Runtime.NativeAOT" "$log"; then
  echo
  echo "aot-check: the NativeAOT runtime pack (Microsoft.NETCore.App.Runtime.NativeAOT.$rid) is not available from the"
  echo "aot-check: configured NuGet sources; publishing trimmed + self-contained instead (same trim analysis)."
  mode="trimmed"
  dotnet publish samples/QuickStart -c Release -r "$rid" -p:LiteRtSamplePublishTrimmed=true -p:TrimmerSingleWarn=false \
    -o "$out/trimmed" -nr:false 2>&1 | tee "$log"
  status=${PIPESTATUS[0]}
  bin="$out/trimmed/QuickStart"
fi
warnings="$(grep -E "warning IL[23][0-9]{3}" "$log" | sort -u)"
ours="$(printf '%s\n' "$warnings" | grep -E "LiteRt\.|QuickStart|/samples/|/src/" | grep -v '^$' || true)"
total=$(printf '%s\n' "$warnings" | grep -c "warning IL" || true)
ourcount=$(printf '%s\n' "$ours" | grep -c "warning IL" || true)
run="not run"
if [ "$status" -eq 0 ] && [ -x "$bin" ]; then
  if "$bin" > "$out/run.txt" 2>&1 && grep -q "build-time table" "$out/run.txt"; then run="ok"; else run="failed"; fi
  tail -6 "$out/run.txt"
fi
[ -n "$ours" ] && printf 'warnings from our code:\n%s\n' "$ours"
echo "aot-check: mode=$mode publish=$([ "$status" -eq 0 ] && echo ok || echo failed) trim/AOT warnings: $total (from our code: $ourcount) run=$run"
rm -f "$log"
[ "$status" -eq 0 ] && [ "$ourcount" -eq 0 ] && [ "$run" = "ok" ]
