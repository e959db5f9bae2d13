#!/usr/bin/env python3
"""Recomputes every tensor in the family reference folders with Hugging Face transformers' own modules.

Optional cross-check of make_family_references.py (needs transformers; not needed to regenerate anything).
Gates are applied with a forward pre-hook on each out_proj / o_proj that scales head h's input columns
[h*d, (h+1)*d) by gates[layer, h]; AdamW uses the same settings and decay groups as the reference script.

Run: python3 tools/golden/check_family_references_hf.py [folder ...]   (default: all five family folders)
"""
import json
import os
import struct
import sys

import torch
from transformers import AutoModelForCausalLM

REPOSITORY = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # tools/golden/ -> root
ROOT = os.path.join(REPOSITORY, "src", "test", "resources", "golden")
FOLDERS = ["opt-tiny-pre", "opt-tiny-post-proj", "llama-tiny-gqa-llama3", "qwen2-tiny-tied",
           "llama-tiny-mha-bias-linear"]


def read_safetensors(path):
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    out = {}
    for k, v in json.loads(raw[8:8 + n]).items():
        if k == "__metadata__":
            continue
        a, b = v["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[v["dtype"]]
        out[k] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=dtype).reshape(v["shape"])
    return out


def loss_of(logits, ids):
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), ids[:, 1:].reshape(-1))


def check(name):
    folder = os.path.join(ROOT, name)
    exp = read_safetensors(os.path.join(folder, "expected.safetensors"))
    ids = exp["input_ids"]
    model = AutoModelForCausalLM.from_pretrained(folder, attn_implementation="eager", dtype=torch.float32)
    model.train(False)
    cfg = model.config
    L, H = cfg.num_hidden_layers, cfg.num_attention_heads
    d = getattr(cfg, "head_dim", None) or cfg.hidden_size // H
    layers = model.model.decoder.layers if cfg.model_type == "opt" else model.model.layers
    state = {}

    def hook(i):
        return lambda module, args: (args[0] * state["gates"][i].repeat_interleave(d).to(args[0].dtype),)

    for i, layer in enumerate(layers):
        attn = layer.self_attn
        (attn.out_proj if cfg.model_type == "opt" else attn.o_proj).register_forward_pre_hook(hook(i))

    def run(gates):
        state["gates"] = gates
        return model(ids).logits

    got = {}
    g = torch.ones(L, H, requires_grad=True)
    logits = run(g)
    loss = loss_of(logits, ids)
    loss.backward()
    got.update(logits=logits, loss=loss.reshape(1), gate_grad=g.grad)
    g = exp["gates"].clone().requires_grad_(True)
    logits = run(g)
    loss_of(logits, ids).backward()
    got.update(logits_gated=logits, gated_gate_grad=g.grad)
    state["gates"] = torch.ones(L, H)
    labels_loss = model(ids, labels=ids).loss
    params = list(model.parameters())
    opt = torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2]},
                             {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}],
                            lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        step = loss_of(run(torch.ones(L, H)), ids)
        step.backward()
        opt.step()
        losses.append(step.item())
    losses.append(loss_of(run(torch.ones(L, H)), ids).item())
    got["adamw_losses"] = torch.tensor(losses)
    diffs = {k: (v.detach().float() - exp[k]).abs().max().item() for k, v in got.items()}
    diffs["loss(labels=)"] = abs(labels_loss.item() - exp["loss"].item())
    if "rope_inv_freq" in exp:
        diffs["rope_inv_freq"] = (model.model.rotary_emb.inv_freq.float() - exp["rope_inv_freq"]).abs().max().item()
    print(f"{name} ({type(model).__name__}): " + ", ".join(f"{k} {v:.1e}" for k, v in diffs.items()))
    return max(diffs.values())


def main():
    torch.set_num_threads(1)
    worst = max(check(name) for name in (sys.argv[1:] or FOLDERS))
    print(f"worst max |difference| = {worst:.2e}")
    assert worst < 1e-4


if __name__ == "__main__":
    main()
