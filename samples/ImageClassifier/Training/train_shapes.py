#!/usr/bin/env python3
"""Trains the ImageClassifier sample's model and exports it to ONNX.

The data set is drawn here: 32x32 RGB images of one of five shapes (circle, square, triangle, cross, ring) in a
random colour, size and position, on a noisy background of another colour. A small CNN (three Conv-BatchNorm-ReLU
blocks, global average pooling, a linear layer) learns them in a couple of minutes on a CPU.

Writes (next to this script's parent folder):
    Models/shapes.onnx   the trained network (opset 13, input "image" float32 [1,3,32,32] in [0,1], output "logits")
    Models/labels.txt    one class name per line, in output order
    Images/*.png         one example image per class (the sample's bundled defaults)

Usage: /usr/bin/python3 samples/ImageClassifier/Training/train_shapes.py   (Debian python3-torch, python3-onnx)
"""
import math
import os
import struct
import zlib

import numpy as np
import torch
import torch.nn as nn

CLASSES = ["circle", "square", "triangle", "cross", "ring"]
SIZE = 32
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def draw(label, rng):
    """One image (H, W, 3) in [0, 1] of class `label`."""
    yy, xx = np.mgrid[0:SIZE, 0:SIZE].astype(np.float32) + 0.5
    bg = rng.uniform(0.0, 1.0, 3)
    fg = rng.uniform(0.0, 1.0, 3)
    while np.abs(fg - bg).sum() < 0.9:  # keep the shape visible
        fg = rng.uniform(0.0, 1.0, 3)
    r = rng.uniform(6.0, 12.0)
    cx, cy = rng.uniform(r + 1, SIZE - r - 1, 2)
    dx, dy = xx - cx, yy - cy
    if label == 0:  # circle
        mask = dx * dx + dy * dy <= r * r
    elif label == 1:  # square, random rotation
        a = rng.uniform(0, math.pi / 2)
        u, v = dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) + dy * math.cos(a)
        mask = (np.abs(u) <= r * 0.8) & (np.abs(v) <= r * 0.8)
    elif label == 2:  # triangle, random rotation
        a = rng.uniform(0, 2 * math.pi)
        inside = np.ones_like(dx, dtype=bool)
        for k in range(3):
            t = a + k * 2 * math.pi / 3
            inside &= dx * math.cos(t) + dy * math.sin(t) <= r * 0.5
        mask = inside
    elif label == 3:  # cross
        w = max(2.0, r * 0.3)
        a = rng.uniform(0, math.pi / 2)
        u, v = dx * math.cos(a) + dy * math.sin(a), -dx * math.sin(a) + dy * math.cos(a)
        mask = ((np.abs(u) <= w) & (np.abs(v) <= r)) | ((np.abs(v) <= w) & (np.abs(u) <= r))
    else:  # ring
        d2 = dx * dx + dy * dy
        mask = (d2 <= r * r) & (d2 >= (r * 0.55) ** 2)
    img = np.where(mask[..., None], fg, bg).astype(np.float32)
    img += rng.normal(0, 0.06, img.shape).astype(np.float32)
    return np.clip(img, 0, 1)


def dataset(n, seed):
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, len(CLASSES), n)
    images = np.stack([draw(int(l), rng) for l in labels]).transpose(0, 3, 1, 2)  # NCHW
    return torch.from_numpy(images), torch.from_numpy(labels).long()


class ShapeNet(nn.Module):
    def __init__(self, classes=len(CLASSES)):
        super().__init__()

        def block(cin, cout):
            return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout), nn.ReLU(inplace=True))

        self.features = nn.Sequential(block(3, 16), nn.MaxPool2d(2), block(16, 32), nn.MaxPool2d(2), block(32, 64))
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Linear(64, classes)

    def forward(self, x):
        return self.head(torch.flatten(self.pool(self.features(x)), 1))


def write_png(path, rgb):
    """Writes an 8-bit RGB PNG (no PIL needed)."""
    h, w, _ = rgb.shape
    raw = b"".join(b"\x00" + rgb[y].tobytes() for y in range(h))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def main():
    torch.manual_seed(0)
    torch.set_num_threads(max(1, os.cpu_count() or 1))
    x_train, y_train = dataset(8000, seed=1)
    x_test, y_test = dataset(1000, seed=2)
    model = ShapeNet()
    opt = torch.optim.Adam(model.parameters(), lr=3e-3)
    schedule = torch.optim.lr_scheduler.MultiStepLR(opt, milestones=[8, 11], gamma=0.3)
    loss_fn = nn.CrossEntropyLoss()
    for epoch in range(14):
        model.train()
        perm = torch.randperm(len(x_train))
        for i in range(0, len(perm), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            loss = loss_fn(model(x_train[idx]), y_train[idx])
            loss.backward()
            opt.step()
        schedule.step()
        model.eval()
        with torch.no_grad():
            acc = (model(x_test).argmax(1) == y_test).float().mean().item()
        print(f"epoch {epoch + 1}: loss {loss.item():.3f}, test accuracy {acc:.3f}")

    os.makedirs(os.path.join(ROOT, "Models"), exist_ok=True)
    os.makedirs(os.path.join(ROOT, "Images"), exist_ok=True)
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 3, SIZE, SIZE), os.path.join(ROOT, "Models", "shapes.onnx"), opset_version=13,
                      input_names=["image"], output_names=["logits"])
    with open(os.path.join(ROOT, "Models", "labels.txt"), "w") as f:
        f.write("\n".join(CLASSES) + "\n")
    rng = np.random.default_rng(7)
    for label, name in enumerate(CLASSES):
        img = draw(label, rng)
        write_png(os.path.join(ROOT, "Images", f"{name}.png"), (img * 255 + 0.5).astype(np.uint8))
    print(f"test accuracy {acc:.3f}; wrote Models/shapes.onnx, Models/labels.txt, Images/*.png")


if __name__ == "__main__":
    main()
