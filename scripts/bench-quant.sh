#!/usr/bin/env bash
# int8 vs float latency on MobileNetV2, end to end:
#   1. converts ../shared/models/torchvision_mobilenet_v2/mobilenet_v2_seed0.onnx to float .tflite (litert convert),
#   2. draws calibration images (smooth gradients with soft shapes and mild noise, ImageNet-normalized, NCHW) into
#      one stacked .npy,
#   3. quantizes static_int8 with them (litert quantize; 20% held back for the fidelity report),
#   4. prints where the int8 file's bytes go (scripts/tflite-size-breakdown.py, when flatc is installed),
#   5. times both in one process, interleaved (litert bench float.tflite --compare int8.tflite) and prints the ratio.
#      One thread: neither the float nor the int8 convolution kernels use a second one, so that is like for like.
#   bash scripts/bench-quant.sh [runs] [calibration-samples]
# Env: LITERT_ARTIFACTS (build output, as for dotnet build), MODEL (another .onnx or .tflite), KEEP=1 keeps the work folder,
# PROFILE=1 adds per-kernel timings (litert bench --profile).
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-30}"
samples="${2:-32}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
model="${MODEL:-../shared/models/torchvision_mobilenet_v2/mobilenet_v2_seed0.onnx}"
[ -f "$model" ] || { echo "model not found: $model (needs ../shared)" >&2; exit 2; }
work="$(mktemp -d /tmp/litert-bench-quant.XXXXXX)"
if [ "${KEEP:-0}" != 1 ]; then trap 'rm -rf "$work"' EXIT; else echo "work folder: $work"; fi

echo "== building the litert tool"
dotnet build -c Release src/LiteRt.Cli -v quiet -nologo | grep -E "error|warn" || true
# Default layout: src/LiteRt.Cli/bin/Release/…; with LITERT_ARTIFACTS: $LITERT_ARTIFACTS/bin/LiteRt.Cli/release/.
if [ -n "${LITERT_ARTIFACTS:-}" ]; then bin_dir="$LITERT_ARTIFACTS/bin/LiteRt.Cli"; else bin_dir="src/LiteRt.Cli/bin/Release"; fi
cli_dll="$(find "$bin_dir" -name litert.dll 2>/dev/null | head -1)"
[ -n "$cli_dll" ] || { echo "litert tool not found under $bin_dir" >&2; exit 2; }
litert() { dotnet "$cli_dll" "$@"; }

echo "== float model"
case "$model" in
  *.onnx) litert convert "$model" -o "$work/float.tflite" ;;
  *) cp "$model" "$work/float.tflite" ;;
esac

echo "== $samples calibration images"
python3 - "$work/calib.npy" "$samples" <<'PY'
import math, random, struct, sys
path, n = sys.argv[1], int(sys.argv[2])
H = W = 224
mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
rng = random.Random(100)
out = bytearray()
for _ in range(n):
    c0 = [rng.random() for _ in range(3)]; c1 = [rng.random() for _ in range(3)]
    a = rng.random() * 2 * math.pi; gx, gy = math.cos(a), math.sin(a)
    img = [[0.0] * (H * W) for _ in range(3)]
    for y in range(H):
        for x in range(W):
            t = min(1.0, max(0.0, 0.5 + ((x - W / 2) * gx + (y - H / 2) * gy) / W))
            for c in range(3): img[c][y * W + x] = c0[c] * (1 - t) + c1[c] * t
    for _ in range(3 + rng.randrange(6)):
        cx, cy = rng.random() * W, rng.random() * H
        rx, ry = (0.05 + rng.random() * 0.3) * W, (0.05 + rng.random() * 0.3) * H
        ellipse = rng.randrange(2) == 0
        col = [rng.random() for _ in range(3)]; alpha = 0.5 + rng.random() * 0.5
        for y in range(max(0, int(cy - ry - 2)), min(H, int(cy + ry + 2))):
            for x in range(max(0, int(cx - rx - 2)), min(W, int(cx + rx + 2))):
                u, v = (x + 0.5 - cx) / rx, (y + 0.5 - cy) / ry
                d = math.sqrt(u * u + v * v) if ellipse else max(abs(u), abs(v))
                m = min(1.0, max(0.0, (1 - d) * min(rx, ry) / 1.5)) * alpha
                if m > 0:
                    for c in range(3): img[c][y * W + x] = img[c][y * W + x] * (1 - m) + col[c] * m
    for c in range(3):
        out += struct.pack(f"<{H * W}f", *[(min(1.0, max(0.0, v + (rng.random() - 0.5) * 0.04)) - mean[c]) / std[c] for v in img[c]])
header = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, 1, 3, %d, %d), }" % (n, H, W)
header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
with open(path, "wb") as f:
    f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + bytes(out))
PY

echo "== static_int8"
litert quantize "$work/float.tflite" --recipe static_int8 --calibration "$work/calib.npy" --no-layers -o "$work/int8.tflite"
ls -l "$work/float.tflite" "$work/int8.tflite" | awk '{print $5, $9}'
if command -v flatc >/dev/null; then python3 scripts/tflite-size-breakdown.py "$work/int8.tflite" || true; fi

echo "== benchmark (one thread, interleaved, $runs runs each)"
profile=()
[ "${PROFILE:-0}" = 1 ] && profile=(--profile)
litert bench "$work/float.tflite" --compare "$work/int8.tflite" --runs "$runs" "${profile[@]}" | tee "$work/bench.txt"
