#!/usr/bin/env bash
# What a model costs in a no-op rebuild: builds the QuickStart sample with its <LiteRtModel> and the same project
# without it, then times repeated no-op `dotnet build`s of each and prints the medians, the difference and the ratio.
#   bash scripts/noop-rebuild.sh [runs]
# Both projects import LiteRt.Build from source like the sample and have the same project references (the runtime,
# and the litert tool, tasks and generator that building from source adds); they differ only by the <LiteRtModel>
# item and the code using it. Timed builds are plain `dotnet build`s (restore included); the same with
# --no-dependencies (no re-check of the referenced projects) is printed too.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-7}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
work="$(mktemp -d /tmp/litert-noop.XXXXXX)"
trap 'rm -rf "$work"' EXIT
repo="$(pwd)"

make_project() { # name, with-model (true/false)
  local dir="$work/$1"
  mkdir -p "$dir/Models"
  cp samples/QuickStart/Models/edges.tflite "$dir/Models/"
  {
    echo "<Project>"
    echo "  <Import Project=\"$repo/samples/Directory.Build.props\" />"
    echo "  <Import Project=\"Sdk.props\" Sdk=\"Microsoft.NET.Sdk\" />"
    echo "  <PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework><RootNamespace>LiteRt.Samples.QuickStart</RootNamespace><IsPackable>false</IsPackable><LiteRtToolsFromSource>true</LiteRtToolsFromSource></PropertyGroup>"
    echo "  <ItemGroup><ProjectReference Include=\"$repo/src/LiteRt.Runtime/LiteRt.Runtime.csproj\" /></ItemGroup>"
    if [ "$2" = true ]; then echo "  <ItemGroup><LiteRtModel Include=\"Models/edges.tflite\" ClassName=\"EdgeDetector\" /></ItemGroup>"; fi
    echo "  <Import Project=\"Sdk.targets\" Sdk=\"Microsoft.NET.Sdk\" />"
    echo "  <Import Project=\"$repo/samples/Directory.Build.targets\" />"
    echo "</Project>"
  } > "$dir/$1.csproj"
  if [ "$2" = true ]; then cp samples/QuickStart/Program.cs "$dir/Program.cs"
  else echo 'System.Console.WriteLine(typeof(LiteRt.Runtime.CompiledModel).Assembly.GetName().Name);' > "$dir/Program.cs"; fi
}

time_builds() { # dir, extra args → prints the median seconds
  local times=()
  for _ in $(seq "$runs"); do
    local s e
    s=$(date +%s.%N)
    dotnet build "$1" -nr:false -v q --nologo $2 > "$work/last.log" 2>&1 || { cat "$work/last.log"; exit 1; }
    e=$(date +%s.%N)
    times+=("$(awk -v s="$s" -v e="$e" 'BEGIN { print e - s }')")
  done
  printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'
}

make_project WithModel true
make_project WithoutModel false
for p in WithModel WithoutModel; do dotnet build "$work/$p" -nr:false -v m --nologo > "$work/first-$p.log" 2>&1 || { cat "$work/first-$p.log"; exit 1; }; done
grep -q "litert: compiled" "$work/first-WithModel.log" || { echo "the model was not compiled"; exit 1; }

# Interleaved, so that load from other processes on the machine hits both alike.
with=""; without=""; with_nd=""; without_nd=""
for _ in $(seq "$runs"); do
  with+="$(runs=1 time_builds "$work/WithModel" "") "
  without+="$(runs=1 time_builds "$work/WithoutModel" "") "
  with_nd+="$(runs=1 time_builds "$work/WithModel" --no-dependencies) "
  without_nd+="$(runs=1 time_builds "$work/WithoutModel" --no-dependencies) "
done
median() { printf '%s\n' $1 | sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
with_full=$(median "$with_nd"); without_full=$(median "$without_nd")
with=$(median "$with"); without=$(median "$without")
# No-op: the second build must not have compiled the model.
dotnet build "$work/WithModel" -nr:false --nologo -v n --no-dependencies 2>&1 | grep -q "litert: compiled" && { echo "a no-op build recompiled the model"; exit 1; }

# The part that belongs to LiteRt.Build, from MSBuild's own timings (insensitive to load from other processes).
ours=""
for _ in 1 2 3; do
  ours+="$(dotnet build "$work/WithModel" -nr:false --nologo -v n -clp:PerformanceSummary 2>&1 | awk '
    /Target Performance Summary/ { on = 1; next } /Task Performance Summary/ { on = 0 }
    on && $3 ~ /LiteRt/ { sum += $1 } END { print sum + 0 }') "
done
echo "time in LiteRt.Build targets during a no-op build (MSBuild performance summary, median of 3): $(median "$ours") ms"
awk -v w="$with" -v o="$without" -v wf="$with_full" -v of="$without_full" -v n="$runs" 'BEGIN {
  printf "no-op rebuild, median of %d: with model %.2f s, without %.2f s, difference %+.2f s, ratio %.2f\n", n, w, o, w - o, w / o
  printf "no-op rebuild --no-dependencies, median of %d: with model %.2f s, without %.2f s, difference %+.2f s, ratio %.2f\n", n, wf, of, wf - of, wf / of
  printf "budget: the model may add at most 0.50 s: %s\n", (w - o <= 0.5) ? "met" : "NOT met"
}'
