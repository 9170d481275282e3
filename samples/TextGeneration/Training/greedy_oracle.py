#!/usr/bin/python3
"""Writes Model/oracle.json: greedy continuations of the tiny model, for the C# conversion tests.

Independent of train_tiny_llama.py: it reads only the files in the model folder (config.json, model.safetensors
parsed by hand, tokenizer.json) and runs its own float64 numpy forward, one token at a time with a KV cache.
Greedy argmax, no penalties, the end token not treated specially (the same rules as the shared oracles).

Usage: /usr/bin/python3 greedy_oracle.py [--model ../Model] [--new 32]
"""
import argparse
import json
import os
import re
import struct

import numpy as np

PROMPTS = ["", "Once upon a time", "<|user|>\nTell me a story about a fox.\n<|assistant|>\n"]


# ------------------------------------------------------------------------------------------------ checkpoint

def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        assert info["dtype"] == "F32", info
        a, b = info["data_offsets"]
        out[name] = np.frombuffer(data[a:b], dtype="<f4").reshape(info["shape"]).astype(np.float64)
    return out


# ------------------------------------------------------------------------------------------------ tokenizer

class TokenizerJson:
    """What Hugging Face tokenizers does with this model's tokenizer.json, for ASCII text: special added tokens
    split out, GPT-2 regex pre-tokenization (ASCII letters/digits stand for \\p{L}/\\p{N}), byte-level alphabet,
    BPE merges applied lowest rank first (leftmost on ties)."""

    PATTERN = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            t = json.load(f)
        m = t["model"]
        assert m["type"] == "BPE" and t["pre_tokenizer"]["type"] == "ByteLevel"
        assert not t["pre_tokenizer"]["add_prefix_space"] and t["normalizer"] is None
        self.vocab = m["vocab"]
        self.inv = {i: s for s, i in self.vocab.items()}
        self.ranks = {tuple(x.split(" ") if isinstance(x, str) else x): i for i, x in enumerate(m["merges"])}
        self.special = {a["content"]: a["id"] for a in t["added_tokens"] if a["special"]}
        self.split = re.compile("(" + "|".join(re.escape(s) for s in sorted(self.special, key=len, reverse=True)) + ")")
        bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
        cs, n = bs[:], 0
        for b in range(256):
            if b not in bs:
                bs.append(b)
                cs.append(256 + n)
                n += 1
        self.byte_char = {b: chr(c) for b, c in zip(bs, cs)}
        self.char_byte = {c: b for b, c in self.byte_char.items()}

    def bpe(self, word):
        s = list(word)
        while len(s) > 1:
            best = min(((self.ranks.get((s[i], s[i + 1]), 1 << 30), i) for i in range(len(s) - 1)))
            if best[0] == 1 << 30:
                break
            i = best[1]
            s[i:i + 2] = [s[i] + s[i + 1]]
        return [self.vocab[x] for x in s]

    def encode(self, text):
        assert text.isascii()
        ids = []
        for part in self.split.split(text):
            if part in self.special:
                ids.append(self.special[part])
            elif part:
                for w in self.PATTERN.findall(part):
                    ids.extend(self.bpe("".join(self.byte_char[b] for b in w.encode("utf-8"))))
        return ids

    def decode(self, ids, skip_special=True):
        out, buf = [], bytearray()
        for i in ids:
            tok = self.inv[i]
            if tok in self.special:
                out.append(buf.decode("utf-8", "replace"))
                buf = bytearray()
                if not skip_special:
                    out.append(tok)
            else:
                buf.extend(self.char_byte[c] for c in tok)
        out.append(buf.decode("utf-8", "replace"))
        return "".join(out)


# ------------------------------------------------------------------------------------------------ forward

class Llama64:
    """Hugging Face LlamaForCausalLM in float64 numpy, one position per call, with a KV cache."""

    def __init__(self, folder):
        with open(os.path.join(folder, "config.json")) as f:
            self.c = c = json.load(f)
        self.w = read_safetensors(os.path.join(folder, "model.safetensors"))
        self.nh, self.nkv = c["num_attention_heads"], c["num_key_value_heads"]
        self.hd = c.get("head_dim") or c["hidden_size"] // self.nh
        self.eps = c["rms_norm_eps"]
        self.inv_freq = 1.0 / (c["rope_theta"] ** (np.arange(0, self.hd, 2, dtype=np.float64) / self.hd))
        self.lm_head = self.w["model.embed_tokens.weight"] if c["tie_word_embeddings"] else self.w["lm_head.weight"]
        self.reset()

    def reset(self):
        self.k = [[] for _ in range(self.c["num_hidden_layers"])]
        self.v = [[] for _ in range(self.c["num_hidden_layers"])]
        self.pos = 0

    def norm(self, x, w):
        return x / np.sqrt(np.mean(x * x) + self.eps) * w

    def rope(self, x, pos):   # x: (heads, hd); rotate-half layout
        ang = pos * self.inv_freq
        cos, sin = np.concatenate([np.cos(ang)] * 2), np.concatenate([np.sin(ang)] * 2)
        half = self.hd // 2
        rot = np.concatenate([-x[:, half:], x[:, :half]], axis=1)
        return x * cos + rot * sin

    def step(self, token):
        w, hd = self.w, self.hd
        x = w["model.embed_tokens.weight"][token].copy()
        for l in range(self.c["num_hidden_layers"]):
            p = f"model.layers.{l}."
            h = self.norm(x, w[p + "input_layernorm.weight"])
            q = self.rope((w[p + "self_attn.q_proj.weight"] @ h).reshape(self.nh, hd), self.pos)
            k = self.rope((w[p + "self_attn.k_proj.weight"] @ h).reshape(self.nkv, hd), self.pos)
            v = (w[p + "self_attn.v_proj.weight"] @ h).reshape(self.nkv, hd)
            self.k[l].append(k)
            self.v[l].append(v)
            K, V = np.stack(self.k[l]), np.stack(self.v[l])   # (t, kv, hd)
            out = np.empty((self.nh, hd))
            for head in range(self.nh):
                g = head // (self.nh // self.nkv)
                s = K[:, g, :] @ q[head] / np.sqrt(hd)
                e = np.exp(s - s.max())
                out[head] = (e / e.sum()) @ V[:, g, :]
            x = x + w[p + "self_attn.o_proj.weight"] @ out.reshape(-1)
            h = self.norm(x, w[p + "post_attention_layernorm.weight"])
            gate = w[p + "mlp.gate_proj.weight"] @ h
            up = w[p + "mlp.up_proj.weight"] @ h
            x = x + w[p + "mlp.down_proj.weight"] @ (gate / (1 + np.exp(-gate)) * up)
        self.pos += 1
        return self.lm_head @ self.norm(x, w["model.norm.weight"])


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=os.path.join(here, "..", "Model"))
    ap.add_argument("--new", type=int, default=32)
    a = ap.parse_args()
    tok = TokenizerJson(os.path.join(a.model, "tokenizer.json"))
    model = Llama64(a.model)
    bos = model.c["bos_token_id"]
    cases = []
    for prompt in PROMPTS:
        model.reset()
        prompt_ids = [bos] + tok.encode(prompt)
        for t in prompt_ids:
            logits = model.step(t)
        prefill = logits.copy()
        gen, margins = [], []
        for _ in range(a.new):
            top2 = np.sort(logits)[-2:]
            margins.append(round(float(top2[1] - top2[0]), 5))
            nxt = int(np.argmax(logits))
            gen.append(nxt)
            logits = model.step(nxt)
        order = np.argsort(-prefill)[:10]
        cases.append({
            "prompt": prompt,
            "prompt_ids": prompt_ids,
            "generated_ids": gen,
            "top1_margins": margins,
            "min_margin": min(margins),
            "prefill_logits_top10": [[int(i), round(float(prefill[i]), 5)] for i in order],
            "prefill_logits": [round(float(x), 5) for x in prefill],
            "full_text": tok.decode(prompt_ids + gen),
        })
        print(f"{prompt!r}: min margin {min(margins):.4f}\n  {tok.decode(prompt_ids + gen, skip_special=False)!r}")
    c = model.c
    oracle = {
        "model": "samples/TextGeneration/Model",
        "generator": "samples/TextGeneration/Training/greedy_oracle.py (own numpy forward, float64, greedy argmax, "
                     "no penalties, EOS not treated specially)",
        "numpy": np.__version__,
        "dtype": "float64",
        "n_new": a.new,
        "config": {k: c[k] for k in ("model_type", "hidden_size", "num_hidden_layers", "num_attention_heads",
                                     "num_key_value_heads", "vocab_size", "rope_theta", "rms_norm_eps",
                                     "tie_word_embeddings")},
        "cases": cases,
    }
    with open(os.path.join(a.model, "oracle.json"), "w", encoding="utf-8") as f:
        json.dump(oracle, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
