#!/usr/bin/env python3
"""Eager PyTorch Llama, the peer for `sentinel bench train` and `sentinel bench generate` on Llama shapes.

Written the way the field writes it (HF `modeling_llama` / gpt-fast, without fused kernels): RMSNorm, rotate-half
RoPE, SwiGLU MLP, grouped-query attention by `repeat_interleave` of keys and values, tied or untied lm_head.
torch 1.13 has no `scaled_dot_product_attention`, so attention is written out (scores, additive causal mask,
softmax, context).

- `train`: the same work per step as Sentinel's TrainBenchmark: forward, mean cross-entropy, backward, global-norm
  clipping at 1.0, AdamW (lr 1e-4, betas 0.9/0.95, eps 1e-8, decay 0.1 on matrices only). Median step time.
- `generate`: cached greedy decoding (a key/value cache per layer, concatenated each step): the prompt in one
  forward pass, then one single-position pass per new token, argmax of the last logits. Timed from the prompt
  pass to the last token; tokens/s counts new tokens only (batch × new tokens). Median over the repeats.

Random tokens, JSON on stdout. Install (Debian): apt-get install -y python3-torch libopenblas0-pthread
"""
import argparse
import json
import math
import statistics
import time

import torch

# layers, query heads, key/value heads, width, MLP width, rope theta, rms eps, tied, max positions
SHAPES = {
    "llama-nano": (4, 4, 2, 128, 512, 10000.0, 1e-6, True, 128),
    "smollm2-135m": (30, 9, 3, 576, 1536, 100000.0, 1e-5, True, 8192),
}


class RmsNorm(torch.nn.Module):
    def __init__(self, c, eps):
        super().__init__()
        self.weight, self.eps = torch.nn.Parameter(torch.ones(c)), eps

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


def rotate_half(x):
    x1, x2 = x.chunk(2, dim=-1)
    return torch.cat((-x2, x1), dim=-1)


class Attention(torch.nn.Module):
    def __init__(self, c, h, kv):
        super().__init__()
        self.h, self.kv, self.d = h, kv, c // h
        self.q_proj = torch.nn.Linear(c, h * self.d, bias=False)
        self.k_proj = torch.nn.Linear(c, kv * self.d, bias=False)
        self.v_proj = torch.nn.Linear(c, kv * self.d, bias=False)
        self.o_proj = torch.nn.Linear(h * self.d, c, bias=False)

    def forward(self, x, cos, sin, mask, cache):
        b, t, _ = x.shape
        q = self.q_proj(x).view(b, t, self.h, self.d).transpose(1, 2)
        k = self.k_proj(x).view(b, t, self.kv, self.d).transpose(1, 2)
        v = self.v_proj(x).view(b, t, self.kv, self.d).transpose(1, 2)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        if cache is not None:
            if cache:
                k, v = torch.cat((cache[0], k), dim=2), torch.cat((cache[1], v), dim=2)
            cache[:] = [k, v]
        k = k.repeat_interleave(self.h // self.kv, dim=1)
        v = v.repeat_interleave(self.h // self.kv, dim=1)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(self.d)
        if mask is not None:
            att = att + mask
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, self.h * self.d)
        return self.o_proj(y)


class Block(torch.nn.Module):
    def __init__(self, c, h, kv, inner, eps):
        super().__init__()
        self.input_layernorm, self.post_attention_layernorm = RmsNorm(c, eps), RmsNorm(c, eps)
        self.self_attn = Attention(c, h, kv)
        self.gate_proj = torch.nn.Linear(c, inner, bias=False)
        self.up_proj = torch.nn.Linear(c, inner, bias=False)
        self.down_proj = torch.nn.Linear(inner, c, bias=False)

    def forward(self, x, cos, sin, mask, cache):
        x = x + self.self_attn(self.input_layernorm(x), cos, sin, mask, cache)
        m = self.post_attention_layernorm(x)
        return x + self.down_proj(torch.nn.functional.silu(self.gate_proj(m)) * self.up_proj(m))


class Llama(torch.nn.Module):
    def __init__(self, layers, heads, kv, width, inner, theta, eps, tied, vocab):
        super().__init__()
        self.embed_tokens = torch.nn.Embedding(vocab, width)
        self.layers = torch.nn.ModuleList(Block(width, heads, kv, inner, eps) for _ in range(layers))
        self.norm = RmsNorm(width, eps)
        self.lm_head = None if tied else torch.nn.Linear(width, vocab, bias=False)
        d = width // heads
        self.register_buffer("inv_freq", 1.0 / theta ** (torch.arange(0, d, 2).float() / d), persistent=False)
        for p in self.parameters():  # HF's init: matrices ~ N(0, 0.02), norms 1
            if p.dim() == 2:
                torch.nn.init.normal_(p, std=0.02)

    def forward(self, ids, caches=None):
        b, t = ids.shape
        past = caches[0][0].shape[2] if caches and caches[0] else 0
        freqs = torch.outer(torch.arange(past, past + t).float(), self.inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()
        mask = torch.full((t, past + t), float("-inf")).triu(past + 1) if t > 1 else None
        x = self.embed_tokens(ids)
        for i, layer in enumerate(self.layers):
            x = layer(x, cos, sin, mask, None if caches is None else caches[i])
        x = self.norm(x)
        return x @ self.embed_tokens.weight.T if self.lm_head is None else self.lm_head(x)


def build(a):
    layers, heads, kv, width, inner, theta, eps, tied, positions = SHAPES[a.shape]
    return Llama(layers, heads, kv, width, inner, theta, eps, tied, a.vocab), positions


def train(a, model):
    decay = [q for q in model.parameters() if q.dim() == 2]
    rest = [q for q in model.parameters() if q.dim() != 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
    times = []
    for i in range(a.warmup_steps + a.steps):
        ids = torch.randint(0, a.vocab, (a.batch_size, a.seq_len))
        targets = torch.randint(0, a.vocab, (a.batch_size, a.seq_len))
        t0 = time.perf_counter()
        opt.zero_grad(set_to_none=False)
        loss = torch.nn.functional.cross_entropy(model(ids).view(-1, a.vocab), targets.view(-1))
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        if i >= a.warmup_steps:
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    return {"seq_len": a.seq_len, "steps": a.steps, "seconds_per_step": round(median, 4),
            "tokens_per_second": round(a.batch_size * a.seq_len / median, 1)}


@torch.inference_mode()
def generate(a, model):
    times = []
    for i in range(a.warmup + a.repeats):
        ids = torch.randint(0, a.vocab, (a.batch_size, a.prompt_len))
        caches = [[] for _ in model.layers]
        t0 = time.perf_counter()
        nxt = ids
        for _ in range(a.new_tokens):
            nxt = model(nxt, caches)[:, -1:, :].argmax(-1)
        if i >= a.warmup:
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    return {"prompt_len": a.prompt_len, "new_tokens": a.new_tokens, "repeats": a.repeats,
            "seconds": round(median, 4), "tokens_per_second": round(a.batch_size * a.new_tokens / median, 2)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=("train", "generate"))
    p.add_argument("--shape", default="smollm2-135m", choices=SHAPES)
    p.add_argument("--vocab", type=int, default=49152)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--warmup-steps", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--prompt-len", type=int, default=16)
    p.add_argument("--new-tokens", type=int, default=32)
    p.add_argument("--warmup", type=int, default=1)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    model, _ = build(a)
    result = train(a, model) if a.mode == "train" else generate(a, model)
    print(json.dumps({"impl": "pytorch-eager", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "mode": a.mode, "shape": a.shape, "batch_size": a.batch_size, **result}))


if __name__ == "__main__":
    main()
