#!/usr/bin/env bash
# Packs LiteRt.Build (tool, tasks, generator, build/ targets) and LiteRt.Runtime (with LiteRt.Graph and LiteRt.Format,
# its dependencies) into a folder usable as a local NuGet feed: bash scripts/pack.sh [folder] [configuration]
set -euo pipefail
cd "$(dirname "$0")/.."
out="$(mkdir -p "${1:-artifacts/packages}" && cd "${1:-artifacts/packages}" && pwd)"
config="${2:-Release}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# One build of the packaging project builds everything the packages hold; then pack each without rebuilding.
dotnet build src/LiteRt.Build -c "$config" --nologo -v q -nr:false
for p in src/LiteRt.Format src/LiteRt.Graph src/LiteRt.Runtime src/LiteRt.Build; do
  dotnet pack "$p" -c "$config" -o "$out" --no-build --nologo -v q -nr:false
done
ls -1 "$out"/*.nupkg
