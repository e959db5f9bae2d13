#!/usr/bin/env python3
"""Writes the GPT-2 parity references the Java tests compare against.

An independent GPT-2 written here from the math in plain PyTorch (no transformers needed):
learned positions, pre-LayerNorm blocks, causal attention, tanh-GELU, final LayerNorm, unembedding tied to wte,
and one gate per head multiplying that head's context before the output projection.

Output (default src/test/resources/golden/gpt2-tiny/):
  config.json, model.safetensors   a Hugging Face GPT-2 folder (GPT2LMHeadModel names, Conv1D layout)
  expected.safetensors             input_ids, logits, loss, gate_grad (gates at 1), gates and logits_gated
                                   (non-unit gates, one head masked), gated_gate_grad, adamw_losses

If `transformers` is importable, the same folder is also loaded with GPT2LMHeadModel and its logits are checked.

Install on Debian: apt-get install -y python3-torch    Run: python3 tools/golden/make_references.py
"""
import argparse
import json
import math
import os
import struct

import torch

L, H, C, V, P = 2, 4, 32, 99, 64
D = C // H
B, T = 2, 8
SEED = 1234
ADAMW = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
ADAMW_STEPS = 5


def init_params(gen):
    def normal(*shape, std=0.02):
        return torch.randn(*shape, generator=gen, dtype=torch.float64).float() * std

    p = {"transformer.wte.weight": normal(V, C), "transformer.wpe.weight": normal(P, C)}
    for i in range(L):
        h = f"transformer.h.{i}."
        # Random (not 1/0) LayerNorm and bias values so a wrong slice or a missing bias shows in the logits.
        p[h + "ln_1.weight"] = 1 + normal(C, std=0.1)
        p[h + "ln_1.bias"] = normal(C, std=0.1)
        p[h + "attn.c_attn.weight"] = normal(C, 3 * C, std=0.2)
        p[h + "attn.c_attn.bias"] = normal(3 * C, std=0.1)
        p[h + "attn.c_proj.weight"] = normal(C, C, std=0.2)
        p[h + "attn.c_proj.bias"] = normal(C, std=0.1)
        p[h + "ln_2.weight"] = 1 + normal(C, std=0.1)
        p[h + "ln_2.bias"] = normal(C, std=0.1)
        p[h + "mlp.c_fc.weight"] = normal(C, 4 * C, std=0.2)
        p[h + "mlp.c_fc.bias"] = normal(4 * C, std=0.1)
        p[h + "mlp.c_proj.weight"] = normal(4 * C, C, std=0.2)
        p[h + "mlp.c_proj.bias"] = normal(C, std=0.1)
    p["transformer.ln_f.weight"] = 1 + normal(C, std=0.1)
    p["transformer.ln_f.bias"] = normal(C, std=0.1)
    return p


def layer_norm(x, w, b, eps=1e-5):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def gelu_tanh(x):
    return 0.5 * x * (1 + torch.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x ** 3)))


def forward(p, ids, gates):
    """logits (B, T, V); gates (L, H) scale each head's context before c_proj."""
    t = ids.shape[1]
    x = p["transformer.wte.weight"][ids] + p["transformer.wpe.weight"][:t]
    causal = torch.ones(t, t).tril().bool()
    for i in range(L):
        h = f"transformer.h.{i}."
        a = layer_norm(x, p[h + "ln_1.weight"], p[h + "ln_1.bias"])
        qkv = a @ p[h + "attn.c_attn.weight"] + p[h + "attn.c_attn.bias"]      # (B, T, 3C)
        q, k, v = qkv.split(C, dim=-1)
        q, k, v = (z.view(ids.shape[0], t, H, D).transpose(1, 2) for z in (q, k, v))  # (B, H, T, D)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        att = att.masked_fill(~causal, float("-inf")).softmax(-1)
        ctx = (att @ v) * gates[i].view(1, H, 1, 1)                              # (B, H, T, D)
        ctx = ctx.transpose(1, 2).reshape(ids.shape[0], t, C)
        x = x + ctx @ p[h + "attn.c_proj.weight"] + p[h + "attn.c_proj.bias"]
        m = layer_norm(x, p[h + "ln_2.weight"], p[h + "ln_2.bias"])
        m = gelu_tanh(m @ p[h + "mlp.c_fc.weight"] + p[h + "mlp.c_fc.bias"])
        x = x + m @ p[h + "mlp.c_proj.weight"] + p[h + "mlp.c_proj.bias"]
    x = layer_norm(x, p["transformer.ln_f.weight"], p["transformer.ln_f.bias"])
    return x @ p["transformer.wte.weight"].T


def loss_of(logits, ids):
    """Mean cross-entropy of predicting ids[:, 1:] from positions 0..T-2."""
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, V), ids[:, 1:].reshape(-1))


def write_safetensors(path, tensors, metadata):
    dtypes = {torch.float32: ("F32", 4), torch.int64: ("I64", 8)}
    header, blobs, offset = {"__metadata__": metadata}, [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous()
        code, _ = dtypes[t.dtype]
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": code, "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header, separators=(",", ":")).encode()
    raw += b" " * ((8 - len(raw) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)))
        f.write(raw)
        for blob in blobs:
            f.write(blob)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="src/test/resources/golden/gpt2-tiny")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(SEED)
    params = init_params(gen)
    ids = torch.randint(0, V, (B, T), generator=gen)

    gates = torch.ones(L, H, requires_grad=True)
    logits = forward(params, ids, gates)
    loss = loss_of(logits, ids)
    loss.backward()

    gate_values = torch.tensor([[1.0, 0.5, 0.0, 1.5], [0.25, 1.0, 1.0, 0.75]])  # head (0, 2) masked
    gated = gate_values.clone().requires_grad_(True)
    logits_gated = forward(params, ids, gated)
    loss_of(logits_gated, ids).backward()

    trained = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    decay = [v for k, v in trained.items() if k.endswith(".weight") and "ln_" not in k]
    no_decay = [v for k, v in trained.items() if not (k.endswith(".weight") and "ln_" not in k)]
    opt = torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}], **ADAMW)
    losses = []
    for _ in range(ADAMW_STEPS):
        opt.zero_grad()
        step_loss = loss_of(forward(trained, ids, torch.ones(L, H)), ids)
        step_loss.backward()
        opt.step()
        losses.append(step_loss.item())
    losses.append(loss_of(forward(trained, ids, torch.ones(L, H)), ids).item())

    config = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": V, "n_positions": P,
              "n_ctx": P, "n_embd": C, "n_layer": L, "n_head": H, "activation_function": "gelu_new",
              "layer_norm_epsilon": 1e-5, "resid_pdrop": 0.0, "embd_pdrop": 0.0, "attn_pdrop": 0.0,
              "tie_word_embeddings": True}
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    write_safetensors(os.path.join(args.out, "model.safetensors"), params, {"format": "pt"})
    write_safetensors(os.path.join(args.out, "expected.safetensors"), {
        "input_ids": ids, "logits": logits, "loss": loss.detach().reshape(1), "gate_grad": gates.grad,
        "gates": gate_values, "logits_gated": logits_gated, "gated_gate_grad": gated.grad,
        "adamw_losses": torch.tensor(losses)},
        {"generator": "tools/golden/make_references.py", "torch": torch.__version__,
         "adamw": json.dumps(ADAMW), "loss": "mean cross-entropy of ids[:,1:] given positions 0..T-2"})
    print(f"wrote {args.out}: loss {loss.item():.6f}, adamw losses {[round(x, 6) for x in losses]}")

    try:
        from transformers import GPT2LMHeadModel
    except ImportError:
        print("transformers not importable: skipped the check against Hugging Face's GPT2LMHeadModel")
        return
    hf = GPT2LMHeadModel.from_pretrained(args.out).eval()
    with torch.no_grad():
        hf_logits = hf(ids).logits
    diff = (hf_logits - logits).abs().max().item()
    print(f"Hugging Face GPT2LMHeadModel max |logit difference| = {diff:.3e}")
    assert diff < 1e-4, "independent implementation disagrees with Hugging Face"


if __name__ == "__main__":
    main()
