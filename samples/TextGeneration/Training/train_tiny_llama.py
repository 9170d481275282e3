#!/usr/bin/python3
"""Trains the repository's tiny story model and writes it as a Hugging Face Llama checkpoint.

Needs only Python 3, numpy and PyTorch (Debian's python3-torch 1.13 works; no pip packages). Steps:

  1. reads the corpus of make_corpus.py (one JSON string per line),
  2. learns a GPT-2 style byte-level BPE (256 byte symbols + learned merges + 4 special tokens = 512 ids),
  3. trains a small Llama decoder (RMSNorm, rotate-half RoPE, grouped-query attention, SiLU-gated MLP, tied
     embeddings) on the documents, each as <s> text </s>,
  4. writes config.json, generation_config.json, model.safetensors (float32, written by hand below),
     tokenizer.json and tokenizer_config.json into --out.

Usage (from samples/TextGeneration/Training):
  /usr/bin/python3 make_corpus.py --out /tmp/tiny/corpus.txt
  /usr/bin/python3 train_tiny_llama.py --corpus /tmp/tiny/corpus.txt --out ../Model
"""
import argparse
import collections
import json
import math
import os
import re
import struct
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

SPECIALS = ["<s>", "</s>", "<|user|>", "<|assistant|>"]
BOS, EOS = 0, 1

# The GPT-2 pre-tokenizer pattern, written for ASCII text (\p{L} = letters, \p{N} = digits there).
GPT2_ASCII = re.compile(r"""'s|'t|'re|'ve|'m|'ll|'d| ?[A-Za-z]+| ?[0-9]+| ?[^\sA-Za-z0-9]+|\s+(?!\S)|\s+""")
SPECIAL_SPLIT = re.compile("(" + "|".join(re.escape(s) for s in SPECIALS) + ")")


def bytes_to_unicode():
    """GPT-2's byte -> printable character table (what the ByteLevel pre-tokenizer/decoder use)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


BYTE_CHAR = bytes_to_unicode()


def pieces(doc):
    """(is_special, text) pieces: special tokens split out first, as the added vocabulary does."""
    for part in SPECIAL_SPLIT.split(doc):
        if part in SPECIALS:
            yield True, part
        elif part:
            yield False, part


def words(text):
    assert text.isascii(), "the corpus pattern is written for ASCII text"
    return ["".join(BYTE_CHAR[b] for b in w.encode("utf-8")) for w in GPT2_ASCII.findall(text)]


# ---------------------------------------------------------------------------------------------------- tokenizer

def learn_bpe(docs, vocab_size):
    counts = collections.Counter()
    for d in docs:
        for special, text in pieces(d):
            if not special:
                counts.update(words(text))
    vocab = {s: i for i, s in enumerate(SPECIALS)}
    for b in range(256):
        vocab[BYTE_CHAR[b]] = len(vocab)
    split = {w: list(w) for w in counts}
    merges = []
    while len(vocab) < vocab_size:
        pairs = collections.Counter()
        for w, c in counts.items():
            s = split[w]
            for i in range(len(s) - 1):
                pairs[(s[i], s[i + 1])] += c
        if not pairs:
            break
        best = max(pairs.items(), key=lambda kv: (kv[1], [-ord(ch) for ch in kv[0][0] + " " + kv[0][1]]))[0]
        merged = best[0] + best[1]
        merges.append(best)
        vocab[merged] = len(vocab)
        for w, s in split.items():
            i, out = 0, []
            while i < len(s):
                if i + 1 < len(s) and s[i] == best[0] and s[i + 1] == best[1]:
                    out.append(merged)
                    i += 2
                else:
                    out.append(s[i])
                    i += 1
            split[w] = out
    return vocab, merges


class Bpe:
    def __init__(self, vocab, merges):
        self.vocab = vocab
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.cache = {}

    def word(self, w):
        if w in self.cache:
            return self.cache[w]
        s = list(w)
        while len(s) > 1:
            ranked = [(self.ranks.get((s[i], s[i + 1]), 1 << 30), i) for i in range(len(s) - 1)]
            rank, i = min(ranked)
            if rank == 1 << 30:
                break
            s[i:i + 2] = [s[i] + s[i + 1]]
        ids = [self.vocab[t] for t in s]
        self.cache[w] = ids
        return ids

    def encode(self, doc):
        ids = []
        for special, text in pieces(doc):
            if special:
                ids.append(self.vocab[text])
            else:
                for w in words(text):
                    ids.extend(self.word(w))
        return ids


def tokenizer_json(vocab, merges):
    added = [dict(id=i, content=s, single_word=False, lstrip=False, rstrip=False, normalized=False, special=True)
             for i, s in enumerate(SPECIALS)]
    return {
        "version": "1.0",
        "truncation": None,
        "padding": None,
        "added_tokens": added,
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": True},
        "post_processor": {
            "type": "TemplateProcessing",
            "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
            "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}},
                     {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
            "special_tokens": {"<s>": {"id": "<s>", "ids": [BOS], "tokens": ["<s>"]}},
        },
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {
            "type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": None,
            "end_of_word_suffix": None, "fuse_unk": False, "byte_fallback": False, "ignore_merges": False,
            "vocab": vocab, "merges": [a + " " + b for a, b in merges],
        },
    }


CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] == 'user' %}{{ '<|user|>\n' + message['content'] + '\n' }}"
    "{% elif message['role'] == 'assistant' %}{{ '<|assistant|>\n' + message['content'] + eos_token + '\n' }}"
    "{% endif %}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|assistant|>\n' }}{% endif %}"
)


def tokenizer_config():
    return {
        "add_bos_token": True,
        "add_eos_token": False,
        "bos_token": "<s>",
        "eos_token": "</s>",
        "pad_token": None,
        "unk_token": None,
        "clean_up_tokenization_spaces": False,
        "model_max_length": 256,
        "tokenizer_class": "PreTrainedTokenizerFast",
        "chat_template": CHAT_TEMPLATE,
        "added_tokens_decoder": {str(i): dict(content=s, lstrip=False, normalized=False, rstrip=False,
                                              single_word=False, special=True) for i, s in enumerate(SPECIALS)},
    }


# ---------------------------------------------------------------------------------------------------- model

class RMSNorm(nn.Module):
    def __init__(self, n, eps):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(n))
        self.eps = eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


class Block(nn.Module):
    def __init__(self, c):
        super().__init__()
        d, hd = c["hidden_size"], c["head_dim"]
        self.nh, self.nkv, self.hd = c["num_attention_heads"], c["num_key_value_heads"], hd
        self.input_layernorm = RMSNorm(d, c["rms_norm_eps"])
        self.post_attention_layernorm = RMSNorm(d, c["rms_norm_eps"])
        self.q_proj = nn.Linear(d, self.nh * hd, bias=False)
        self.k_proj = nn.Linear(d, self.nkv * hd, bias=False)
        self.v_proj = nn.Linear(d, self.nkv * hd, bias=False)
        self.o_proj = nn.Linear(self.nh * hd, d, bias=False)
        self.gate_proj = nn.Linear(d, c["intermediate_size"], bias=False)
        self.up_proj = nn.Linear(d, c["intermediate_size"], bias=False)
        self.down_proj = nn.Linear(c["intermediate_size"], d, bias=False)

    def forward(self, x, cos, sin, mask):
        b, t, _ = x.shape
        h = self.input_layernorm(x)
        q = self.q_proj(h).view(b, t, self.nh, self.hd).transpose(1, 2)
        k = self.k_proj(h).view(b, t, self.nkv, self.hd).transpose(1, 2)
        v = self.v_proj(h).view(b, t, self.nkv, self.hd).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        rep = self.nh // self.nkv   # query head i reads key/value head i // rep (HF repeat_kv)
        k = k.repeat_interleave(rep, dim=1)
        v = v.repeat_interleave(rep, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.hd) + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, self.nh * self.hd)
        x = x + self.o_proj(y)
        h = self.post_attention_layernorm(x)
        return x + self.down_proj(F.silu(self.gate_proj(h)) * self.up_proj(h))


class TinyLlama(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c = c
        self.embed_tokens = nn.Embedding(c["vocab_size"], c["hidden_size"])
        self.layers = nn.ModuleList(Block(c) for _ in range(c["num_hidden_layers"]))
        self.norm = RMSNorm(c["hidden_size"], c["rms_norm_eps"])
        hd = c["head_dim"]
        inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, hd, 2, dtype=torch.float32) / hd))
        freqs = torch.outer(torch.arange(c["max_position_embeddings"], dtype=torch.float32), inv)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.register_buffer("cos", emb.cos(), persistent=False)
        self.register_buffer("sin", emb.sin(), persistent=False)
        for p in self.parameters():
            if p.dim() == 2:
                nn.init.normal_(p, std=0.02)
        for blk in self.layers:   # GPT-2 style scaled init of the residual projections
            nn.init.normal_(blk.o_proj.weight, std=0.02 / math.sqrt(2 * c["num_hidden_layers"]))
            nn.init.normal_(blk.down_proj.weight, std=0.02 / math.sqrt(2 * c["num_hidden_layers"]))

    def forward(self, ids):
        t = ids.shape[1]
        mask = torch.full((t, t), float("-inf")).triu(1)
        x = self.embed_tokens(ids)
        cos, sin = self.cos[:t], self.sin[:t]
        for blk in self.layers:
            x = blk(x, cos, sin, mask)
        return self.norm(x) @ self.embed_tokens.weight.t()   # tied lm_head

    def hf_state(self):
        out = {"model.embed_tokens.weight": self.embed_tokens.weight}
        for i, blk in enumerate(self.layers):
            p = f"model.layers.{i}."
            for n in ("q_proj", "k_proj", "v_proj", "o_proj"):
                out[p + f"self_attn.{n}.weight"] = getattr(blk, n).weight
            for n in ("gate_proj", "up_proj", "down_proj"):
                out[p + f"mlp.{n}.weight"] = getattr(blk, n).weight
            out[p + "input_layernorm.weight"] = blk.input_layernorm.weight
            out[p + "post_attention_layernorm.weight"] = blk.post_attention_layernorm.weight
        out["model.norm.weight"] = self.norm.weight
        return {k: v.detach().float().contiguous().numpy() for k, v in out.items()}


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        a = np.ascontiguousarray(tensors[name], dtype="<f4")
        header[name] = {"dtype": "F32", "shape": list(a.shape), "data_offsets": [offset, offset + a.nbytes]}
        offset += a.nbytes
        blobs.append(a.tobytes())
    header["__metadata__"] = {"format": "pt"}
    h = json.dumps(header, separators=(",", ":")).encode("utf-8")
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


@torch.no_grad()
def greedy(model, ids, n):
    model.eval()
    ids = list(ids)
    for _ in range(n):
        logits = model(torch.tensor([ids[-model.c["max_position_embeddings"]:]]))
        ids.append(int(logits[0, -1].argmax()))
    model.train()
    return ids


def decode(inv_vocab, ids):
    byte_of = {c: b for b, c in BYTE_CHAR.items()}
    out = []
    for i in ids:
        t = inv_vocab[i]
        out.append(t if t in SPECIALS else bytes(byte_of[c] for c in t).decode("utf-8", "replace"))
    return "".join(out)


# ---------------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--vocab", type=int, default=512)
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--layers", type=int, default=4)
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--kv-heads", type=int, default=2)
    ap.add_argument("--intermediate", type=int, default=172)
    ap.add_argument("--context", type=int, default=256, help="max_position_embeddings")
    ap.add_argument("--seq", type=int, default=192, help="training sequence length")
    ap.add_argument("--batch", type=int, default=8)
    ap.add_argument("--steps", type=int, default=280)
    ap.add_argument("--lr", type=float, default=5e-3)
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--threads", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    t0 = time.time()

    with open(a.corpus, encoding="utf-8") as f:
        docs = [json.loads(line) for line in f if line.strip()]
    vocab, merges = learn_bpe(docs, a.vocab)
    inv_vocab = {i: s for s, i in vocab.items()}
    bpe = Bpe(vocab, merges)
    encoded = [[BOS] + bpe.encode(d) + [EOS] for d in docs]
    n_tokens = sum(len(e) for e in encoded)
    print(f"{len(docs)} documents, {n_tokens} tokens ({n_tokens / len(docs):.0f}/doc, max {max(map(len, encoded))}), "
          f"vocab {len(vocab)}, {len(merges)} merges; tokenizer {time.time() - t0:.1f}s", flush=True)

    # Each training row starts at a document's <s> and runs on through the following documents.
    stream = np.concatenate([np.array(e, dtype=np.int64) for e in encoded])
    starts = np.cumsum([0] + [len(e) for e in encoded[:-1]])
    starts = starts[starts + a.seq + 1 <= len(stream)]

    c = dict(hidden_size=a.hidden, intermediate_size=a.intermediate, num_hidden_layers=a.layers,
             num_attention_heads=a.heads, num_key_value_heads=a.kv_heads, head_dim=a.hidden // a.heads,
             rms_norm_eps=1e-5, rope_theta=10000.0, vocab_size=len(vocab), max_position_embeddings=a.context)
    model = TinyLlama(c)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"model: {n_params} parameters", flush=True)
    decay = [p for p in model.parameters() if p.dim() == 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.05}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=a.lr, betas=(0.9, 0.95))
    warmup = max(1, a.steps // 20)
    t1 = time.time()
    for step in range(a.steps):
        lr = a.lr * (step + 1) / warmup if step < warmup else \
            a.lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * (step - warmup) / max(1, a.steps - warmup))))
        for g in opt.param_groups:
            g["lr"] = lr
        rows = rng.choice(starts, a.batch)
        batch = torch.from_numpy(np.stack([stream[s:s + a.seq + 1] for s in rows]))
        logits = model(batch[:, :-1])
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if step % 50 == 0 or step == a.steps - 1:
            print(f"step {step:4d}  loss {loss.item():.3f}  lr {lr:.2e}  {time.time() - t1:.0f}s wall, "
                  f"{time.process_time():.0f}s cpu", flush=True)
    train_s = time.time() - t1

    os.makedirs(a.out, exist_ok=True)
    write_safetensors(os.path.join(a.out, "model.safetensors"), model.hf_state())
    config = {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "hidden_size": a.hidden,
        "intermediate_size": a.intermediate,
        "num_hidden_layers": a.layers,
        "num_attention_heads": a.heads,
        "num_key_value_heads": a.kv_heads,
        "head_dim": a.hidden // a.heads,
        "vocab_size": len(vocab),
        "max_position_embeddings": a.context,
        "rms_norm_eps": 1e-5,
        "rope_theta": 10000.0,
        "rope_scaling": None,
        "hidden_act": "silu",
        "attention_bias": False,
        "attention_dropout": 0.0,
        "mlp_bias": False,
        "tie_word_embeddings": True,
        "bos_token_id": BOS,
        "eos_token_id": EOS,
        "pad_token_id": None,
        "initializer_range": 0.02,
        "pretraining_tp": 1,
        "use_cache": True,
        "torch_dtype": "float32",
    }
    gen = {"bos_token_id": BOS, "eos_token_id": EOS, "do_sample": True, "temperature": 0.8, "top_k": 40,
           "top_p": 0.95, "repetition_penalty": 1.1, "max_new_tokens": 200}
    files = {"config.json": config, "generation_config.json": gen,
             "tokenizer.json": tokenizer_json(vocab, merges), "tokenizer_config.json": tokenizer_config()}
    for name, obj in files.items():
        with open(os.path.join(a.out, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=2 if name != "tokenizer.json" else None, ensure_ascii=False)
            f.write("\n")

    print(f"trained {a.steps} steps in {train_s:.0f}s wall; total {time.time() - t0:.0f}s wall, "
          f"{time.process_time():.0f}s cpu; wrote {a.out}")
    for prompt in ["", "Once upon a time", "<|user|>\nTell me a story about a cat.\n<|assistant|>\n"]:
        ids = greedy(model, [BOS] + bpe.encode(prompt), 100)
        print(f"--- greedy from <s>{prompt!r}:\n{decode(inv_vocab, ids[1:])}")


if __name__ == "__main__":
    main()
