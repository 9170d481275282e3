#!/usr/bin/env python3
"""Exports the PyTorch parity models for the ONNX -> LiteRT converter tests.

For each model: <out>/<name>/model.onnx, input.npy (fixed, seeded) and expected.npy (the float64 PyTorch output
for that input), plus info.json. Weights are random with a fixed seed; BatchNorm statistics are calibrated on random
batches (train mode, cumulative average) so activations are normalized and the logits are not degenerate.

Usage (Debian: apt-get install python3-torch python3-torchvision python3-onnx python3-numpy):
    /usr/bin/python3 scripts/onnx/export_parity_models.py OUT_DIR [name ...]

Models: the torchvision classification families (resnet18, mobilenet_v2, mobilenet_v3_small, mobilenet_v3_large,
efficientnet_b0, squeezenet1_1, shufflenet_v2_x0_5, regnet_y_400mf, densenet121, vgg11, alexnet, googlenet) and two
small transformer encoders (transformer_encoder: opset 13, LayerNorm decomposed; transformer_encoder_opset17:
LayerNormalization), which exercise Gather (embedding), Range (positions), Equal/Where/Expand (padding mask),
MatMul, Softmax, Erf (exact GELU), Pow/Sqrt/ReduceMean and shape subgraphs folded to constants; and
mobilenet_v2_unfused, exported with its BatchNormalization nodes kept so that the converter has to fuse them.
"""
import json
import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torchvision

SEED = 0
IMAGE = (1, 3, 224, 224)

TORCHVISION = [
    "resnet18", "mobilenet_v2", "mobilenet_v3_small", "mobilenet_v3_large", "efficientnet_b0", "squeezenet1_1",
    "shufflenet_v2_x0_5", "regnet_y_400mf", "densenet121", "vgg11", "alexnet", "googlenet",
]
TRANSFORMERS = ["transformer_encoder", "transformer_encoder_opset17"]
# Exported without PyTorch's own Conv+BatchNorm folding (BatchNormalization nodes kept): the converter must fuse them.
UNFUSED = ["mobilenet_v2_unfused"]


class Encoder(nn.Module):
    """A small pre-norm-free transformer encoder over token ids with a padding mask (token 0 = padding)."""

    def __init__(self, vocab=100, d_model=64, heads=4, layers=2, ff=128, max_len=32, classes=10):
        super().__init__()
        self.heads = heads
        self.embed = nn.Embedding(vocab, d_model)
        self.pos = nn.Embedding(max_len, d_model)
        self.layers = nn.ModuleList()
        for _ in range(layers):
            self.layers.append(nn.ModuleDict({
                "qkv": nn.Linear(d_model, 3 * d_model),
                "out": nn.Linear(d_model, d_model),
                "norm1": nn.LayerNorm(d_model),
                "ff1": nn.Linear(d_model, ff),
                "ff2": nn.Linear(ff, d_model),
                "norm2": nn.LayerNorm(d_model),
            }))
        self.act = nn.GELU()
        self.head = nn.Linear(d_model, classes)

    def forward(self, ids):
        b, t = ids.shape
        positions = torch.arange(t, device=ids.device)
        x = self.embed(ids) + self.pos(positions)[None, :, :]
        pad = (ids == 0)[:, None, None, :].expand(b, self.heads, t, t)
        d = x.shape[-1]
        hd = d // self.heads
        for layer in self.layers:
            qkv = layer["qkv"](x).reshape(b, t, 3, self.heads, hd).permute(2, 0, 3, 1, 4)
            q, k, v = qkv[0], qkv[1], qkv[2]
            scores = torch.matmul(q, k.transpose(-2, -1)) / math.sqrt(hd)
            scores = torch.where(pad, torch.full_like(scores, -1e9), scores)
            attn = torch.softmax(scores, dim=-1)
            h = torch.matmul(attn, v).permute(0, 2, 1, 3).reshape(b, t, d)
            x = layer["norm1"](x + layer["out"](h))
            x = layer["norm2"](x + layer["ff2"](self.act(layer["ff1"](x))))
        keep = (ids != 0).to(x.dtype)[:, :, None]
        pooled = (x * keep).sum(dim=1) / keep.sum(dim=1)
        return self.head(pooled)


def calibrate_batchnorm(model, shape, batches=4):
    bns = [m for m in model.modules() if isinstance(m, nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for m in bns:
        m.reset_running_stats()
        m.momentum = None  # cumulative average over the calibration batches
    model.train()
    g = torch.Generator().manual_seed(42)
    with torch.no_grad():
        for _ in range(batches):
            model(torch.randn((8,) + shape[1:], generator=g))
    model.eval()


def build(name):
    torch.manual_seed(SEED)
    if name in TORCHVISION or name in UNFUSED:
        arch = name.removesuffix("_unfused")
        kwargs = {"weights": None}
        if name == "googlenet":
            kwargs.update(aux_logits=False, init_weights=True)
        model = getattr(torchvision.models, arch)(**kwargs)
        calibrate_batchnorm(model, IMAGE)
        x = torch.randn(IMAGE, generator=torch.Generator().manual_seed(1))
        return model.eval(), x, 13
    if name in TRANSFORMERS:
        model = Encoder().eval()
        g = torch.Generator().manual_seed(1)
        ids = torch.randint(1, 100, (2, 16), generator=g)
        ids[0, 12:] = 0  # padding at the end of the first sequence
        ids[1, 14:] = 0
        return model, ids, 17 if name.endswith("opset17") else 13
    raise SystemExit(f"unknown model {name}")


def export(name, out_dir):
    model, x, opset = build(name)
    folder = os.path.join(out_dir, name)
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "model.onnx")
    input_name = "ids" if name in TRANSFORMERS else "input"
    unfused = name in UNFUSED
    torch.onnx.export(model, (x,), path, opset_version=opset, input_names=[input_name], output_names=["logits"],
                      do_constant_folding=not unfused,
                      training=torch.onnx.TrainingMode.PRESERVE if unfused else torch.onnx.TrainingMode.EVAL)
    with torch.no_grad():
        expected = model.double()(x if x.dtype == torch.int64 else x.double()).numpy()
        expected32 = model.float()(x).numpy()
    np.save(os.path.join(folder, "input.npy"), x.numpy())
    np.save(os.path.join(folder, "expected.npy"), expected)
    info = {
        "name": name, "torch": torch.__version__, "torchvision": torchvision.__version__, "opset": opset, "seed": SEED,
        "input": input_name, "input_shape": list(x.shape), "output_shape": list(expected.shape),
        "params": sum(p.numel() for p in model.parameters()),
        "max_abs_f32_vs_f64": float(np.abs(expected32 - expected).max()),
        "top1": [int(i) for i in expected.argmax(axis=-1)],
    }
    with open(os.path.join(folder, "info.json"), "w") as f:
        json.dump(info, f, indent=1)
    print(f"{name}: {info['params']} params, opset {opset}, f32 vs f64 {info['max_abs_f32_vs_f64']:.2e}")


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    names = sys.argv[2:] or TORCHVISION + TRANSFORMERS + UNFUSED
    for name in names:
        export(name, sys.argv[1])


if __name__ == "__main__":
    main()
