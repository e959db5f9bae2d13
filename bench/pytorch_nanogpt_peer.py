#!/usr/bin/env python3
"""Eager PyTorch GPT-2 training step written the way the field's reference scripts write it: the second,
independent peer for `sentinel bench train` (bench/compare-train.sh runs it beside bench/pytorch_reference.py).

The model follows the published structure of Karpathy's nanoGPT (`model.py` / `train.py`), written here from that
structure rather than copied: a `GPTConfig` dataclass; `CausalSelfAttention` with one fused `c_attn` Linear for
queries, keys and values and a `c_proj` output Linear; `MLP` with `c_fc`, GELU, `c_proj`; `Block` with
`ln_1`/`attn`/`ln_2`/`mlp` (pre-norm residuals); `GPT` with `wte`/`wpe`/`h`/`ln_f` and an `lm_head` whose weight is
tied to `wte`; normal(0, 0.02) initialisation with the residual projections scaled by 1/sqrt(2 * layers); AdamW with
weight decay on every parameter of two or more dimensions and none on the others. One step as nanoGPT's training
loop does it: `zero_grad(set_to_none=True)`, forward with the loss computed inside the model, backward, global-norm
clipping at 1.0, `optimizer.step()`. Random tokens, median step time over the timed steps, one JSON line on stdout
with the same keys as bench/pytorch_reference.py.

Differences from Sentinel's GPT-2 (what the comparison does and does not hold equal):
- GELU: nanoGPT uses `nn.GELU()`, the exact-erf form, one fused kernel; GPT-2 and Sentinel use the tanh
  approximation (Sentinel composes it from element-wise operations). `--gelu erf` (default, as nanoGPT) or
  `--gelu tanh` (`nn.GELU(approximate='tanh')`, also a single kernel in torch >= 1.12, the same maths as Sentinel).
  bench/compare-train.sh runs the default, erf, unless told otherwise (its `--nanogpt-gelu`); the JSON says which.
- Attention: nanoGPT calls `F.scaled_dot_product_attention` when torch has it (2.0 onwards); Debian's torch 1.13
  does not, so this runs nanoGPT's fallback, the path written out: scores, scale, masked_fill with a registered
  lower-triangular buffer, softmax, product with the values.
- Vocabulary: nanoGPT pads GPT-2's 50,257 to 50,304 for speed; here `--vocab` (default 50,257) is used unpadded so
  both sides do the same work. Dropout is nanoGPT's pretraining default, 0.0 (the modules are present).
- Weight decay: nanoGPT decays every >= 2-D tensor (the position table included), as Sentinel does;
  bench/pytorch_reference.py exempts the position table. The cost is the same either way.
- Sentinel's model also multiplies each head's output by a gate (all 1 in the benchmark); this one has no gates.
- The optimizer: `torch.optim.AdamW` without `fused` (torch 1.13's AdamW has no such argument, and nanoGPT asks
  for it only on CUDA). nanoGPT leaves `foreach` at its default, which on CPU is the per-parameter loop; `--foreach`
  selects the multi-tensor implementation, 15% faster here (AdamW over the DistilGPT-2 shape's parameters: 378-397
  vs 455-459 ms, about 3-4% of a step). bench/compare-train.sh passes it, giving the peer its best configuration.

Install (Debian): apt-get install -y python3-torch libopenblas0-pthread
"""
import argparse
import inspect
import json
import math
import statistics
import time
from dataclasses import dataclass

import torch
import torch.nn as nn
from torch.nn import functional as F

# (layers, heads, width, positions), as bench/pytorch_reference.py and `sentinel bench train --shape`.
SHAPES = {"nano": (4, 4, 128, 256), "distilgpt2": (6, 12, 768, 1024), "gpt2": (12, 12, 768, 1024)}


@dataclass
class GPTConfig:
    block_size: int = 1024
    vocab_size: int = 50257
    n_layer: int = 12
    n_head: int = 12
    n_embd: int = 768
    dropout: float = 0.0
    bias: bool = True
    gelu: str = "erf"


class LayerNorm(nn.Module):
    """Layer normalisation whose bias can be switched off (nanoGPT's `bias=False` option)."""

    def __init__(self, ndim, bias):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(ndim))
        self.bias = nn.Parameter(torch.zeros(ndim)) if bias else None

    def forward(self, x):
        return F.layer_norm(x, self.weight.shape, self.weight, self.bias, 1e-5)


class CausalSelfAttention(nn.Module):
    def __init__(self, config):
        super().__init__()
        assert config.n_embd % config.n_head == 0
        self.c_attn = nn.Linear(config.n_embd, 3 * config.n_embd, bias=config.bias)
        self.c_proj = nn.Linear(config.n_embd, config.n_embd, bias=config.bias)
        self.attn_dropout = nn.Dropout(config.dropout)
        self.resid_dropout = nn.Dropout(config.dropout)
        self.n_head, self.n_embd, self.dropout = config.n_head, config.n_embd, config.dropout
        self.flash = hasattr(F, "scaled_dot_product_attention")
        if not self.flash:
            mask = torch.tril(torch.ones(config.block_size, config.block_size))
            self.register_buffer("bias", mask.view(1, 1, config.block_size, config.block_size))

    def forward(self, x):
        b, t, c = x.size()
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        head = c // self.n_head
        q, k, v = (z.view(b, t, self.n_head, head).transpose(1, 2) for z in (q, k, v))  # (b, heads, t, head)
        if self.flash:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=self.dropout if self.training else 0.0,
                                               is_causal=True)
        else:
            att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(head))
            att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
            att = self.attn_dropout(F.softmax(att, dim=-1))
            y = att @ v
        y = y.transpose(1, 2).contiguous().view(b, t, c)
        return self.resid_dropout(self.c_proj(y))


class MLP(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.c_fc = nn.Linear(config.n_embd, 4 * config.n_embd, bias=config.bias)
        self.gelu = nn.GELU() if config.gelu == "erf" else nn.GELU(approximate="tanh")
        self.c_proj = nn.Linear(4 * config.n_embd, config.n_embd, bias=config.bias)
        self.dropout = nn.Dropout(config.dropout)

    def forward(self, x):
        return self.dropout(self.c_proj(self.gelu(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.ln_1 = LayerNorm(config.n_embd, bias=config.bias)
        self.attn = CausalSelfAttention(config)
        self.ln_2 = LayerNorm(config.n_embd, bias=config.bias)
        self.mlp = MLP(config)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class GPT(nn.Module):
    def __init__(self, config):
        super().__init__()
        self.config = config
        self.transformer = nn.ModuleDict(dict(
            wte=nn.Embedding(config.vocab_size, config.n_embd),
            wpe=nn.Embedding(config.block_size, config.n_embd),
            drop=nn.Dropout(config.dropout),
            h=nn.ModuleList(Block(config) for _ in range(config.n_layer)),
            ln_f=LayerNorm(config.n_embd, bias=config.bias),
        ))
        self.lm_head = nn.Linear(config.n_embd, config.vocab_size, bias=False)
        self.transformer.wte.weight = self.lm_head.weight  # tied input and output embeddings
        self.apply(self._init_weights)
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):  # residual projections, scaled by depth as in GPT-2
                nn.init.normal_(p, mean=0.0, std=0.02 / math.sqrt(2 * config.n_layer))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, (nn.Linear, nn.Embedding)):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
        if isinstance(module, nn.Linear) and module.bias is not None:
            nn.init.zeros_(module.bias)

    def forward(self, idx, targets=None):
        t = idx.size(1)
        assert t <= self.config.block_size, f"sequence of {t} exceeds block size {self.config.block_size}"
        pos = torch.arange(0, t, dtype=torch.long, device=idx.device)
        x = self.transformer.drop(self.transformer.wte(idx) + self.transformer.wpe(pos))
        for block in self.transformer.h:
            x = block(x)
        logits = self.lm_head(self.transformer.ln_f(x))
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1), ignore_index=-1)
        return logits, loss

    def configure_optimizers(self, weight_decay, learning_rate, betas, device_type, foreach=None):
        params = {n: p for n, p in self.named_parameters() if p.requires_grad}  # the tied weight appears once
        groups = [{"params": [p for p in params.values() if p.dim() >= 2], "weight_decay": weight_decay},
                  {"params": [p for p in params.values() if p.dim() < 2], "weight_decay": 0.0}]
        fused = "fused" in inspect.signature(torch.optim.AdamW).parameters and device_type == "cuda"
        extra = {"fused": True} if fused else {}
        if foreach is not None:
            extra["foreach"] = foreach
        return torch.optim.AdamW(groups, lr=learning_rate, betas=betas, **extra), fused


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--shape", default="distilgpt2", choices=SHAPES)
    p.add_argument("--vocab", type=int, default=50257)
    p.add_argument("--batch-size", type=int, default=4)
    p.add_argument("--seq-len", type=int, default=128)
    p.add_argument("--warmup-steps", type=int, default=2)
    p.add_argument("--steps", type=int, default=5)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--gelu", choices=("erf", "tanh"), default="erf",
                   help="erf: nn.GELU() as nanoGPT; tanh: the approximation GPT-2 and Sentinel use")
    p.add_argument("--foreach", action="store_true", help="multi-tensor AdamW (torch's default on CPU is the loop)")
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(0)
    layers, heads, width, positions = SHAPES[a.shape]
    config = GPTConfig(block_size=positions, vocab_size=a.vocab, n_layer=layers, n_head=heads, n_embd=width,
                       gelu=a.gelu)
    model = GPT(config)
    model.train()
    optimizer, fused = model.configure_optimizers(0.1, 1e-4, (0.9, 0.95), "cpu",
                                                 foreach=True if a.foreach else None)
    times = []
    for i in range(a.warmup_steps + a.steps):
        x = torch.randint(0, a.vocab, (a.batch_size, a.seq_len))
        y = torch.randint(0, a.vocab, (a.batch_size, a.seq_len))
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        _, loss = model(x, y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        if i >= a.warmup_steps:
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    print(json.dumps({"impl": "pytorch-nanogpt", "torch": torch.__version__, "threads": torch.get_num_threads(),
                      "shape": a.shape, "batch_size": a.batch_size, "seq_len": a.seq_len, "gelu": a.gelu,
                      "sdpa": model.transformer.h[0].attn.flash, "fused_adamw": fused, "foreach": a.foreach,
                      "seconds_per_step": round(median, 4),
                      "tokens_per_second": round(a.batch_size * a.seq_len / median, 1)}))


if __name__ == "__main__":
    main()
