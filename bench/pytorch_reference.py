#!/usr/bin/env python3
"""Eager PyTorch GPT-2 training step, the peer for `sentinel bench train`.

Our own GPT-2 of the same shape (written from the math, as tools/golden/make_references.py), the same work per
step: forward, mean cross-entropy, backward, global-norm clipping at 1.0, AdamW (betas 0.9/0.95, decay 0.1 on
matrices only). Random tokens, median step time over the timed steps, JSON on stdout.

Initialised as GPT-2 and Sentinel are (weights N(0, 0.02), residual projections N(0, 0.02/sqrt(2L)), biases 0).
Until 2026-12-02 this script kept PyTorch's default N(0, 1) for the embeddings; the tied unembedding's logits then
had a standard deviation of ~11 and 41% of the cross-entropy gradient's entries were subnormal floats, which made
the two backward products of the unembedding ~30x slower (nano shape, batch 4 x 128: 10.4 s/step, 9.9 s of it in
those two products; the same forward and backward took 3.4 s with torch.set_flush_denormal(True)). The earlier
ratios against this script measured that, not the model.

Install (Debian): apt-get install -y python3-torch libopenblas0-pthread
(without OpenBLAS, Debian's torch falls back to a reference BLAS ~25x slower).
"""
import argparse
import json
import math
import statistics
import time

import torch

SHAPES = {"nano": (4, 4, 128, 256), "distilgpt2": (6, 12, 768, 1024), "gpt2": (12, 12, 768, 1024)}


class Block(torch.nn.Module):
    def __init__(self, c, h):
        super().__init__()
        self.h = h
        self.ln_1, self.ln_2 = torch.nn.LayerNorm(c), torch.nn.LayerNorm(c)
        self.c_attn, self.c_proj = torch.nn.Linear(c, 3 * c), torch.nn.Linear(c, c)
        self.c_fc, self.mlp_proj = torch.nn.Linear(c, 4 * c), torch.nn.Linear(4 * c, c)

    def forward(self, x, causal):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=-1)
        q, k, v = (z.view(b, t, self.h, c // self.h).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-1, -2)) / math.sqrt(c // self.h) + causal
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.c_proj(y)
        m = self.c_fc(self.ln_2(x))
        m = 0.5 * m * (1 + torch.tanh(math.sqrt(2 / math.pi) * (m + 0.044715 * m ** 3)))
        return x + self.mlp_proj(m)


class Gpt2(torch.nn.Module):
    def __init__(self, layers, heads, width, positions, vocab):
        super().__init__()
        self.wte, self.wpe = torch.nn.Embedding(vocab, width), torch.nn.Embedding(positions, width)
        self.blocks = torch.nn.ModuleList(Block(width, heads) for _ in range(layers))
        self.ln_f = torch.nn.LayerNorm(width)
        for name, q in self.named_parameters():
            if name.endswith("bias"):
                torch.nn.init.zeros_(q)
            elif q.dim() == 2:
                std = 0.02 / math.sqrt(2 * layers) if name.endswith(("c_proj.weight", "mlp_proj.weight")) else 0.02
                torch.nn.init.normal_(q, mean=0.0, std=std)

    def forward(self, ids):
        t = ids.shape[1]
        x = self.wte(ids) + self.wpe(torch.arange(t))
        causal = torch.full((t, t), float("-inf")).triu(1)
        for block in self.blocks:
            x = block(x, causal)
        return self.ln_f(x) @ self.wte.weight.T


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--shape", default="distilgpt2", choices=SHAPES)
    p.add_argument("--vocab", type=int, default=50257)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--warmup-steps", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--foreach", action="store_true", help="multi-tensor AdamW (torch's default on CPU is the loop)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    layers, heads, width, positions = SHAPES[a.shape]
    model = Gpt2(layers, heads, width, positions, a.vocab)
    decay = [q for n, q in model.named_parameters() if q.dim() == 2 and n != "wpe.weight"]
    rest = [q for n, q in model.named_parameters() if not (q.dim() == 2 and n != "wpe.weight")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": rest, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), eps=1e-8,
                            **({"foreach": True} if a.foreach else {}))
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
    print(json.dumps({"impl": "pytorch-eager", "torch": torch.__version__, "threads": a.threads, "shape": a.shape, "foreach": a.foreach,
                      "batch_size": a.batch_size, "seq_len": a.seq_len, "seconds_per_step": round(median, 4),
                      "tokens_per_second": round(a.batch_size * a.seq_len / median, 1)}))


if __name__ == "__main__":
    main()
