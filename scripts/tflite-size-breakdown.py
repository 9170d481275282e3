#!/usr/bin/env python3
"""Where the bytes of a .tflite file go: weights by tensor type, per-channel quantization vectors, shapes, names,
and the rest (tables, vtables, offsets, alignment). Decodes with flatc and the reference schema.
  python3 scripts/tflite-size-breakdown.py model.tflite [more.tflite ...]
Vector sizes count their 4-byte length prefix and data, as if each were stored once; "shared" shows what identical
vectors (deduplicated by our writer) save, and "rest" is the file size minus everything listed, so it absorbs that."""
import collections, json, os, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SCHEMA = os.path.join(HERE, "..", "..", "shared", "peers", "reference", "schema_flatc2.fbs")
TYPES = ["FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL", "INT16", "COMPLEX64", "INT8", "FLOAT64"]

def load(path):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(["flatc", "--json", "--strict-json", "--raw-binary", "-o", d, SCHEMA, "--", path], check=True, capture_output=True)
        with open(os.path.join(d, os.path.splitext(os.path.basename(path))[0] + ".json")) as f:
            return json.load(f)

def vec(n, width):
    return 4 + n * width if n is not None else 0

def breakdown(path):
    m, size = load(path), os.path.getsize(path)
    parts = collections.OrderedDict()
    def add(k, v): parts[k] = parts.get(k, 0) + v
    seen = collections.Counter()
    buffers = m.get("buffers", [])
    used = set()
    for sg in m["subgraphs"]:
        for t in sg["tensors"]:
            ty = t.get("type", "FLOAT32")
            ty = TYPES[ty] if isinstance(ty, int) else ty
            b = t.get("buffer", 0)
            data = buffers[b].get("data", []) if b < len(buffers) else []
            if data and b not in used:
                add(f"weights {ty}", len(data)); seen[("buffer", tuple(data))] += 1
            if b: used.add(b)
            shape = t.get("shape", [])
            add("shapes", vec(len(shape), 4)); seen[("shape", tuple(shape))] += 1
            add("names", 4 + len(t.get("name", "")) + 1)
            q = t.get("quantization") or {}
            for key, width in (("scale", 4), ("zero_point", 8), ("min", 4), ("max", 4)):
                if key in q:
                    v = q[key]
                    add(f"quant {key} ({'per-channel' if len(v) > 1 else 'per-tensor'})", vec(len(v), width))
                    seen[(key, tuple(v))] += 1
        for op in sg.get("operators", []):
            add("operator inputs/outputs", vec(len(op.get("inputs", [])), 4) + vec(len(op.get("outputs", [])), 4))
    unused = [i for i, b in enumerate(buffers) if i not in used and b.get("data")]
    if unused: add("unused buffers", sum(len(buffers[i]["data"]) for i in unused))
    listed = sum(parts.values())
    shared = 0
    for (kind, v), n in seen.items():
        if n > 1: shared += (n - 1) * vec(len(v), {"zero_point": 8, "buffer": 1}.get(kind, 4))
    print(f"{path}: {size} bytes")
    for k, v in sorted(parts.items(), key=lambda kv: -kv[1]):
        print(f"  {k:40s} {v:10d}  {100 * v / size:5.1f}%")
    print(f"  {'(identical vectors, stored once: saves)':40s} {shared:10d}")
    print(f"  {'rest (tables, vtables, offsets, padding)':40s} {size - listed + shared:10d}  {100 * (size - listed + shared) / size:5.1f}%")

for p in sys.argv[1:]:
    breakdown(p)
