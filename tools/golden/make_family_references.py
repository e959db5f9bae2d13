#!/usr/bin/env python3
"""Writes the OPT and Llama-family parity references the Java tests compare against.

Independent implementations written here from the published architectures in plain PyTorch (no transformers
needed), in the style of make_references.py (GPT-2):

  OPT (OPTForCausalLM)        learned positions with an offset of 2, pre- or post-LayerNorm blocks, biases on
                              q/k/v/out_proj and fc1/fc2, q scaled by head_dim^-0.5 after its bias, ReLU MLP,
                              optional project_in/project_out (word_embed_proj_dim != hidden_size), a final
                              LayerNorm only when do_layer_norm_before, lm_head tied to embed_tokens.
  Llama (LlamaForCausalLM)    RMSNorm, rotary embeddings (rotate-half convention, default/linear/llama3 scaling),
  Qwen2 (Qwen2ForCausalLM)    grouped-query attention, SwiGLU MLP; Qwen2 = Llama with biases on q/k/v (not o_proj).

Every model has one gate per query head, gates[layer, head], multiplying that head's attention output
softmax(q k^T / sqrt(d) + causal mask) v before the output projection (out_proj / o_proj).

Output, one folder per configuration under src/test/resources/golden/:
  config.json, model.safetensors   a Hugging Face model folder (real tensor names, nn.Linear [out, in] layout)
  expected.safetensors             input_ids, logits, loss, gate_grad (gates at 1), gates and logits_gated
                                   (non-unit gates, head (0, 2) masked), gated_gate_grad, adamw_losses,
                                   and for rotary models rope_inv_freq (the scaled inverse frequencies)

Self-checks are printed (and asserted): gate 0 == zeroed o_proj input columns, GQA == MHA with repeated k/v
weights, rotary identity at position 0 and relative-position invariance, rotate-half == the paper's interleaved
pairs after Hugging Face's q/k row permutation, OPT position rows 0 and 1 unused, gate gradients against central
differences in float64. If `transformers` is importable, each folder is also loaded with AutoModelForCausalLM and
its logits are compared.

Install on Debian: apt-get install -y python3-torch    Run: python3 tools/golden/make_family_references.py
"""
import argparse
import copy
import json
import math
import os
import struct

import torch

B, T = 2, 8
ADAMW = dict(lr=1e-2, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.1)
ADAMW_STEPS = 5
GATE_PATTERN = [[1.0, 0.5, 0.0, 1.5, 0.8, 1.25], [0.25, 1.0, 1.0, 0.75, 1.5, 0.5]]  # head (0, 2) masked

CONFIGS = [
    # OPT-125m style: pre-LayerNorm, final LayerNorm, no projection.
    dict(name="opt-tiny-pre", family="opt", seed=2101, vocab=103, hidden=32, layers=2, heads=4, ffn=64,
         positions=32, pre_ln=True, proj_dim=32),
    # OPT-350m style: post-LayerNorm, no final LayerNorm, project_in/project_out to a smaller embedding width.
    dict(name="opt-tiny-post-proj", family="opt", seed=2102, vocab=101, hidden=40, layers=2, heads=4, ffn=80,
         positions=24, pre_ln=False, proj_dim=24),
    # Llama-3 style: GQA 4 query heads / 2 kv heads, explicit head_dim (4 * 16 != 32), llama3 rope scaling, untied.
    dict(name="llama-tiny-gqa-llama3", family="llama", seed=2103, vocab=128, hidden=32, layers=2, heads=4,
         kv_heads=2, head_dim=16, explicit_head_dim=True, inter=64, positions=128, rope_theta=8000.0,
         rope_scaling={"factor": 8.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                       "original_max_position_embeddings": 64, "rope_type": "llama3"},
         rms_eps=1e-5, tied=False, attention_bias=False, mlp_bias=False),
    # Qwen2 style: tied embeddings, q/k/v biases (no o_proj bias), GQA 6 query heads / 2 kv heads, no scaling.
    dict(name="qwen2-tiny-tied", family="qwen2", seed=2104, vocab=111, hidden=48, layers=2, heads=6, kv_heads=2,
         head_dim=8, inter=64, positions=64, rope_theta=1000.0, rope_scaling=None, rms_eps=1e-6, tied=True),
    # Llama-1/2 style config keys: no num_key_value_heads (MHA by default), no head_dim, rope_scaling written with
    # the legacy "type" key and linear scaling, attention_bias (q/k/v AND o_proj) and mlp_bias, tied embeddings.
    dict(name="llama-tiny-mha-bias-linear", family="llama", seed=2105, vocab=99, hidden=32, layers=2, heads=4,
         kv_heads=4, head_dim=8, explicit_head_dim=False, inter=48, positions=64, rope_theta=10000.0,
         rope_scaling={"type": "linear", "factor": 2.0}, rms_eps=1e-6, tied=True, attention_bias=True,
         mlp_bias=True),
]


def normal(gen, *shape, std):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).float() * std


# ----------------------------------------------------------------------------------------------------- shared pieces

def layer_norm(x, w, b, eps=1e-5):
    mean = x.mean(-1, keepdim=True)
    var = ((x - mean) ** 2).mean(-1, keepdim=True)
    return (x - mean) / torch.sqrt(var + eps) * w + b


def rms_norm(x, w, eps):
    return x / torch.sqrt((x * x).mean(-1, keepdim=True) + eps) * w


def linear(x, p, name, bias):
    """nn.Linear: x @ W^T (+ b), W stored [out, in]."""
    y = x @ p[name + ".weight"].T
    return y + p[name + ".bias"] if bias else y


def causal_attention(q, k, v, gates_l, scale):
    """q (B, Hq, T, D), k/v (B, Hq, T, D) already expanded to query heads; returns gated context (B, T, Hq*D)."""
    b, h, t, d = q.shape
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    att = (q @ k.transpose(-1, -2)) * scale
    att = att.masked_fill(~causal, float("-inf")).softmax(-1)
    ctx = (att @ v) * gates_l.view(1, h, 1, 1).to(q.dtype)
    return ctx.transpose(1, 2).reshape(b, t, h * d)


def loss_of(logits, ids):
    """Mean cross-entropy of predicting ids[:, 1:] from positions 0..T-2 (Hugging Face's causal-LM loss)."""
    v = logits.shape[-1]
    return torch.nn.functional.cross_entropy(logits[:, :-1].reshape(-1, v), ids[:, 1:].reshape(-1))


# ----------------------------------------------------------------------------------------------------------------- OPT

def opt_init(cfg, gen):
    C, W, F, V = cfg["hidden"], cfg["proj_dim"], cfg["ffn"], cfg["vocab"]
    pre = "model.decoder."
    p = {pre + "embed_tokens.weight": normal(gen, V, W, std=0.1),
         pre + "embed_positions.weight": normal(gen, cfg["positions"] + 2, C, std=0.1)}
    if W != C:
        p[pre + "project_in.weight"] = normal(gen, C, W, std=0.2)
        p[pre + "project_out.weight"] = normal(gen, W, C, std=0.2)
    for i in range(cfg["layers"]):
        h = f"{pre}layers.{i}."
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            p[h + f"self_attn.{n}.weight"] = normal(gen, C, C, std=0.2)
            p[h + f"self_attn.{n}.bias"] = normal(gen, C, std=0.1)
        p[h + "self_attn_layer_norm.weight"] = 1 + normal(gen, C, std=0.1)
        p[h + "self_attn_layer_norm.bias"] = normal(gen, C, std=0.1)
        p[h + "fc1.weight"] = normal(gen, F, C, std=0.2)
        p[h + "fc1.bias"] = normal(gen, F, std=0.1)
        p[h + "fc2.weight"] = normal(gen, C, F, std=0.2)
        p[h + "fc2.bias"] = normal(gen, C, std=0.1)
        p[h + "final_layer_norm.weight"] = 1 + normal(gen, C, std=0.1)
        p[h + "final_layer_norm.bias"] = normal(gen, C, std=0.1)
    if cfg["pre_ln"]:  # the decoder-level final LayerNorm exists only when do_layer_norm_before
        p[pre + "final_layer_norm.weight"] = 1 + normal(gen, C, std=0.1)
        p[pre + "final_layer_norm.bias"] = normal(gen, C, std=0.1)
    return p


def opt_forward(cfg, p, ids, gates):
    C, H, pre_ln = cfg["hidden"], cfg["heads"], cfg["pre_ln"]
    D = C // H
    b, t = ids.shape
    pre = "model.decoder."
    x = p[pre + "embed_tokens.weight"][ids]
    if pre + "project_in.weight" in p:
        x = x @ p[pre + "project_in.weight"].T
    x = x + p[pre + "embed_positions.weight"][torch.arange(t) + 2]   # position j uses row j + 2
    for i in range(cfg["layers"]):
        h = f"{pre}layers.{i}."
        residual = x
        a = layer_norm(x, p[h + "self_attn_layer_norm.weight"], p[h + "self_attn_layer_norm.bias"]) if pre_ln else x
        q = linear(a, p, h + "self_attn.q_proj", True) * D ** -0.5    # bias added before the scaling
        k = linear(a, p, h + "self_attn.k_proj", True)
        v = linear(a, p, h + "self_attn.v_proj", True)
        q, k, v = (z.view(b, t, H, D).transpose(1, 2) for z in (q, k, v))
        ctx = causal_attention(q, k, v, gates[i], 1.0)
        x = residual + linear(ctx, p, h + "self_attn.out_proj", True)
        if not pre_ln:
            x = layer_norm(x, p[h + "self_attn_layer_norm.weight"], p[h + "self_attn_layer_norm.bias"])
        residual = x
        m = layer_norm(x, p[h + "final_layer_norm.weight"], p[h + "final_layer_norm.bias"]) if pre_ln else x
        m = linear(torch.relu(linear(m, p, h + "fc1", True)), p, h + "fc2", True)
        x = residual + m
        if not pre_ln:
            x = layer_norm(x, p[h + "final_layer_norm.weight"], p[h + "final_layer_norm.bias"])
    if pre + "final_layer_norm.weight" in p:
        x = layer_norm(x, p[pre + "final_layer_norm.weight"], p[pre + "final_layer_norm.bias"])
    if pre + "project_out.weight" in p:
        x = x @ p[pre + "project_out.weight"].T
    return x @ p[pre + "embed_tokens.weight"].T                      # lm_head tied to embed_tokens


def opt_config(cfg):
    return {"_remove_final_layer_norm": False, "activation_dropout": 0.0, "activation_function": "relu",
            "architectures": ["OPTForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 2,
            "do_layer_norm_before": cfg["pre_ln"], "dropout": 0.0, "enable_bias": True, "eos_token_id": 2,
            "ffn_dim": cfg["ffn"], "hidden_size": cfg["hidden"], "init_std": 0.02,
            "layer_norm_elementwise_affine": True, "layerdrop": 0.0, "max_position_embeddings": cfg["positions"],
            "model_type": "opt", "num_attention_heads": cfg["heads"], "num_hidden_layers": cfg["layers"],
            "pad_token_id": 1, "tie_word_embeddings": True, "torch_dtype": "float32", "use_cache": True,
            "vocab_size": cfg["vocab"], "word_embed_proj_dim": cfg["proj_dim"]}


# ------------------------------------------------------------------------------------------------ Llama / Qwen2

def rope_inv_freq(cfg):
    """Inverse frequencies theta^(-2i/d), i < d/2, d = head_dim, then the configured scaling (float64)."""
    d, theta = cfg["head_dim"], cfg["rope_theta"]
    inv = 1.0 / theta ** (torch.arange(0, d, 2, dtype=torch.float64) / d)
    rs = cfg.get("rope_scaling")
    kind = None if rs is None else rs.get("rope_type", rs.get("type"))
    if kind in (None, "default"):
        return inv
    if kind == "linear":
        return inv / rs["factor"]                         # == positions divided by factor
    if kind == "llama3":
        factor, lo, hi = rs["factor"], rs["low_freq_factor"], rs["high_freq_factor"]
        old = rs["original_max_position_embeddings"]
        wavelen = 2 * math.pi / inv
        smooth = (old / wavelen - lo) / (hi - lo)
        mid = (1 - smooth) * inv / factor + smooth * inv
        out = torch.where(wavelen > old / lo, inv / factor, mid)           # low frequencies: divided by factor
        return torch.where(wavelen < old / hi, inv, out)                   # high frequencies: unchanged
    raise ValueError(kind)


def rope_cos_sin(cfg, t, dtype):
    ang = torch.arange(t, dtype=torch.float64)[:, None] * rope_inv_freq(cfg)[None, :]    # (T, d/2)
    emb = torch.cat([ang, ang], dim=-1)                                                  # (T, d): [f, f]
    return emb.cos().to(dtype), emb.sin().to(dtype)


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat([-x[..., half:], x[..., :half]], dim=-1)


def apply_rope(x, cos, sin):
    """x (..., T, d): x * cos + rotate_half(x) * sin; dims i and i + d/2 form a rotated pair."""
    return x * cos + rotate_half(x) * sin


def llama_biases(cfg):
    if cfg["family"] == "qwen2":
        return dict(qkv=True, o=False, mlp=False)
    return dict(qkv=cfg["attention_bias"], o=cfg["attention_bias"], mlp=cfg["mlp_bias"])


def llama_init(cfg, gen):
    C, Hq, Hkv, D, I, V = cfg["hidden"], cfg["heads"], cfg["kv_heads"], cfg["head_dim"], cfg["inter"], cfg["vocab"]
    bias = llama_biases(cfg)
    p = {"model.embed_tokens.weight": normal(gen, V, C, std=0.1)}
    for i in range(cfg["layers"]):
        h = f"model.layers.{i}."
        p[h + "input_layernorm.weight"] = 1 + normal(gen, C, std=0.1)
        for n, out in (("q_proj", Hq * D), ("k_proj", Hkv * D), ("v_proj", Hkv * D)):
            p[h + f"self_attn.{n}.weight"] = normal(gen, out, C, std=0.2)
            if bias["qkv"]:
                p[h + f"self_attn.{n}.bias"] = normal(gen, out, std=0.1)
        p[h + "self_attn.o_proj.weight"] = normal(gen, C, Hq * D, std=0.2)
        if bias["o"]:
            p[h + "self_attn.o_proj.bias"] = normal(gen, C, std=0.1)
        p[h + "post_attention_layernorm.weight"] = 1 + normal(gen, C, std=0.1)
        for n, shape in (("gate_proj", (I, C)), ("up_proj", (I, C)), ("down_proj", (C, I))):
            p[h + f"mlp.{n}.weight"] = normal(gen, *shape, std=0.2)
            if bias["mlp"]:
                p[h + f"mlp.{n}.bias"] = normal(gen, shape[0], std=0.1)
    p["model.norm.weight"] = 1 + normal(gen, C, std=0.1)
    if not cfg["tied"]:
        p["lm_head.weight"] = normal(gen, V, C, std=0.2)
    return p


def llama_forward(cfg, p, ids, gates):
    Hq, Hkv, D, eps = cfg["heads"], cfg["kv_heads"], cfg["head_dim"], cfg["rms_eps"]
    bias = llama_biases(cfg)
    b, t = ids.shape
    x = p["model.embed_tokens.weight"][ids]
    cos, sin = rope_cos_sin(cfg, t, x.dtype)
    for i in range(cfg["layers"]):
        h = f"model.layers.{i}."
        a = rms_norm(x, p[h + "input_layernorm.weight"], eps)
        q = linear(a, p, h + "self_attn.q_proj", bias["qkv"]).view(b, t, Hq, D).transpose(1, 2)
        k = linear(a, p, h + "self_attn.k_proj", bias["qkv"]).view(b, t, Hkv, D).transpose(1, 2)
        v = linear(a, p, h + "self_attn.v_proj", bias["qkv"]).view(b, t, Hkv, D).transpose(1, 2)
        q, k = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
        # query head j reads key/value head j // (Hq / Hkv)
        k, v = k.repeat_interleave(Hq // Hkv, dim=1), v.repeat_interleave(Hq // Hkv, dim=1)
        ctx = causal_attention(q, k, v, gates[i], D ** -0.5)
        x = x + linear(ctx, p, h + "self_attn.o_proj", bias["o"])
        m = rms_norm(x, p[h + "post_attention_layernorm.weight"], eps)
        g = linear(m, p, h + "mlp.gate_proj", bias["mlp"])
        u = linear(m, p, h + "mlp.up_proj", bias["mlp"])
        x = x + linear(torch.nn.functional.silu(g) * u, p, h + "mlp.down_proj", bias["mlp"])
    x = rms_norm(x, p["model.norm.weight"], eps)
    return x @ p["lm_head.weight" if "lm_head.weight" in p else "model.embed_tokens.weight"].T


def llama_config(cfg):
    common = {"attention_dropout": 0.0, "bos_token_id": 1, "eos_token_id": 2, "hidden_act": "silu",
              "hidden_size": cfg["hidden"], "initializer_range": 0.02, "intermediate_size": cfg["inter"],
              "max_position_embeddings": cfg["positions"], "num_attention_heads": cfg["heads"],
              "num_hidden_layers": cfg["layers"], "rms_norm_eps": cfg["rms_eps"], "rope_scaling": cfg["rope_scaling"],
              "rope_theta": cfg["rope_theta"], "tie_word_embeddings": cfg["tied"], "torch_dtype": "float32",
              "use_cache": True, "vocab_size": cfg["vocab"]}
    if cfg["family"] == "qwen2":
        assert cfg["head_dim"] * cfg["heads"] == cfg["hidden"]
        # As in the released Qwen2 configs: use_sliding_window false (sliding_window is then ignored), and
        # sliding_window = max_position_embeddings so no transformers version can apply it either.
        return dict(common, architectures=["Qwen2ForCausalLM"], model_type="qwen2", max_window_layers=cfg["layers"],
                    num_key_value_heads=cfg["kv_heads"], sliding_window=cfg["positions"], use_sliding_window=False)
    c = dict(common, architectures=["LlamaForCausalLM"], model_type="llama", attention_bias=cfg["attention_bias"],
             mlp_bias=cfg["mlp_bias"], pretraining_tp=1)
    if cfg["explicit_head_dim"]:
        c["head_dim"] = cfg["head_dim"]
    else:
        assert cfg["head_dim"] * cfg["heads"] == cfg["hidden"]
    if cfg["kv_heads"] != cfg["heads"]:
        c["num_key_value_heads"] = cfg["kv_heads"]   # absent: defaults to num_attention_heads (MHA)
    return dict(sorted(c.items()))


FAMILIES = {"opt": (opt_init, opt_forward, opt_config),
            "llama": (llama_init, llama_forward, llama_config),
            "qwen2": (llama_init, llama_forward, llama_config)}


# ------------------------------------------------------------------------------------------------------ I/O

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


# --------------------------------------------------------------------------------------------------- self-checks

def check(label, value, tol):
    ok = value <= tol
    print(f"  [{'ok' if ok else 'FAIL'}] {label}: {value:.3e} (tolerance {tol:.0e})")
    assert ok, label
    return value


def o_proj_name(cfg, i):
    return f"model.decoder.layers.{i}.self_attn.out_proj" if cfg["family"] == "opt" \
        else f"model.layers.{i}.self_attn.o_proj"


def self_checks(cfg, params, ids, forward):
    L, H = cfg["layers"], cfg["heads"]
    D = cfg["hidden"] // H if cfg["family"] == "opt" else cfg["head_dim"]
    ones = torch.ones(L, H)
    base = forward(cfg, params, ids, ones)

    # 1. A gate of 0 on head (l, h) equals zeroing that head's D input columns of the output projection.
    for (l, h) in ((0, 2), (L - 1, H - 1)):
        g = ones.clone()
        g[l, h] = 0
        zeroed = dict(params)
        w = params[o_proj_name(cfg, l) + ".weight"].clone()
        w[:, h * D:(h + 1) * D] = 0
        zeroed[o_proj_name(cfg, l) + ".weight"] = w
        check(f"gate ({l},{h}) = 0 vs zeroed o_proj columns {h * D}..{(h + 1) * D - 1}, max |dlogit|",
              (forward(cfg, params, ids, g) - forward(cfg, zeroed, ids, ones)).abs().max().item(), 1e-5)

    # 2. Gate gradients: float32 autograd vs float64 autograd vs float64 central differences.
    p64 = {k: v.double() for k, v in params.items()}
    g64 = torch.tensor(GATE_PATTERN, dtype=torch.float64)[:, :H][:L].clone().requires_grad_(True)
    loss_of(forward(cfg, p64, ids, g64), ids).backward()
    g32 = torch.tensor(GATE_PATTERN)[:, :H][:L].clone().requires_grad_(True)
    loss_of(forward(cfg, params, ids, g32), ids).backward()
    check("gated gate_grad float32 vs float64, max |diff|", (g32.grad.double() - g64.grad).abs().max().item(), 1e-5)
    fd = torch.zeros_like(g64)
    eps = 1e-6
    with torch.no_grad():
        for l in range(L):
            for h in range(H):
                gp, gm = g64.detach().clone(), g64.detach().clone()
                gp[l, h] += eps
                gm[l, h] -= eps
                fd[l, h] = (loss_of(forward(cfg, p64, ids, gp), ids) - loss_of(forward(cfg, p64, ids, gm), ids)) / (2 * eps)
    check("gated gate_grad float64 autograd vs central differences, max |diff|",
          (fd - g64.grad).abs().max().item(), 1e-7)

    if cfg["family"] == "opt":
        x = torch.randn(3, cfg["hidden"], generator=torch.Generator().manual_seed(5))
        w, b = torch.rand(cfg["hidden"]) + 0.5, torch.randn(cfg["hidden"])
        check("layer_norm vs torch.nn.functional.layer_norm (eps 1e-5), max |diff|",
              (layer_norm(x, w, b) - torch.nn.functional.layer_norm(x, (cfg["hidden"],), w, b, 1e-5)).abs().max().item(),
              1e-5)
        # 3. Position rows 0 and 1 are never read (offset 2); row 2 is position 0.
        name = "model.decoder.embed_positions.weight"
        changed = dict(params)
        w = params[name].clone()
        w[:2] += torch.linspace(-5.0, 5.0, w.shape[1])
        changed[name] = w
        check("OPT embed_positions rows 0-1 changed: max |dlogit|",
              (forward(cfg, changed, ids, ones) - base).abs().max().item(), 0.0)
        w = params[name].clone()
        w[2] += torch.linspace(-0.5, 0.5, w.shape[1])   # not a constant shift: LayerNorm would remove that
        changed[name] = w
        d = (forward(cfg, changed, ids, ones) - base).abs().max().item()
        print(f"  [{'ok' if d > 1e-3 else 'FAIL'}] OPT embed_positions row 2 changed: max |dlogit| = {d:.3e} (> 1e-3)")
        assert d > 1e-3
        has_final = "model.decoder.final_layer_norm.weight" in params
        print(f"  [ok] decoder-level final_layer_norm present: {has_final} (do_layer_norm_before = {cfg['pre_ln']})")
        assert has_final == cfg["pre_ln"]
        return

    # 4. GQA equals MHA with each key/value head's weights repeated for the query heads of its group.
    Hkv = cfg["kv_heads"]
    if Hkv != H:
        rep = H // Hkv
        mha_cfg = dict(cfg, kv_heads=H)
        mha = dict(params)
        for i in range(L):
            for n in ("k_proj", "v_proj"):
                key = f"model.layers.{i}.self_attn.{n}"
                mha[key + ".weight"] = params[key + ".weight"].view(Hkv, D, -1).repeat_interleave(rep, 0).reshape(H * D, -1)
                if key + ".bias" in params:
                    mha[key + ".bias"] = params[key + ".bias"].view(Hkv, D).repeat_interleave(rep, 0).reshape(H * D)
        gq = torch.tensor(GATE_PATTERN)[:, :H][:L]
        check(f"GQA ({H} q / {Hkv} kv heads) vs MHA with repeated k/v weights, max |dlogit| (gated)",
              (forward(cfg, params, ids, gq) - forward(mha_cfg, mha, ids, gq)).abs().max().item(), 1e-5)

    # 5. Rotary: identity at position 0, norm preserving, scores depend only on the relative position.
    gen = torch.Generator().manual_seed(7)
    cos, sin = rope_cos_sin(cfg, 16, torch.float64)
    x = torch.randn(16, D, generator=gen, dtype=torch.float64)
    y = apply_rope(x, cos, sin)
    check("rope at position 0 vs identity, max |diff|", (y[0] - x[0]).abs().max().item(), 0.0)
    check("rope norm preservation, max |d norm|", (y.norm(dim=-1) - x.norm(dim=-1)).abs().max().item(), 1e-12)
    q, k = x[3].expand(16, D), x[5].expand(16, D)
    rq, rk = apply_rope(q, cos, sin), apply_rope(k, cos, sin)
    s1 = (rq[4] * rk[1]).sum()   # positions 4 and 1
    s2 = (rq[12] * rk[9]).sum()  # positions 12 and 9
    check("rope score(m=4, n=1) vs score(m=12, n=9), |diff|", (s1 - s2).abs().item(), 1e-12)

    # 6. Rotate-half on Hugging Face's row order == the paper's interleaved pairs (2i, 2i+1) on Meta's row order,
    #    where HF row (i) holds Meta row (2i) and HF row (i + d/2) holds Meta row (2i + 1) within each head.
    inv = rope_inv_freq(cfg)
    perm = torch.cat([torch.arange(0, D, 2), torch.arange(1, D, 2)])          # hf[j] = meta[perm[j]]
    meta_q, meta_k = torch.randn(16, D, generator=gen, dtype=torch.float64), torch.randn(16, D, generator=gen, dtype=torch.float64)

    def interleaved(z):
        ang = torch.arange(16, dtype=torch.float64)[:, None] * inv[None, :]
        zc = torch.complex(z[:, 0::2], z[:, 1::2]) * torch.polar(torch.ones_like(ang), ang)
        return torch.stack([zc.real, zc.imag], dim=-1).reshape(16, D)

    s_meta = interleaved(meta_q) @ interleaved(meta_k).T
    s_hf = apply_rope(meta_q[:, perm], cos, sin) @ apply_rope(meta_k[:, perm], cos, sin).T
    check("rotate-half (HF order) vs interleaved complex rope (paper / Meta order) scores, max |diff|",
          (s_meta - s_hf).abs().max().item(), 1e-12)

    # 7. Which frequencies the scaling changed.
    plain = rope_inv_freq(dict(cfg, rope_scaling=None))
    rs = cfg.get("rope_scaling")
    if rs is not None:
        ratio = (plain / inv).tolist()
        print(f"  [ok] rope {rs.get('rope_type', rs.get('type'))} scaling: plain/scaled inv_freq ratio per frequency "
              f"{[round(r, 4) for r in ratio]}")
        assert any(abs(r - 1) > 1e-9 for r in ratio)


# ----------------------------------------------------------------------------------------------------------- main

def build(cfg, out_root):
    init, forward, make_config = FAMILIES[cfg["family"]]
    out = os.path.join(out_root, cfg["name"])
    os.makedirs(out, exist_ok=True)
    print(f"{cfg['name']} ({cfg['family']})")
    gen = torch.Generator().manual_seed(cfg["seed"])
    params = init(cfg, gen)
    L, H, V = cfg["layers"], cfg["heads"], cfg["vocab"]
    pad = 1 if cfg["family"] == "opt" else None
    ids = torch.randint(0, V - (pad is not None), (B, T), generator=gen)
    if pad is not None:  # never feed OPT's padding_idx (its embedding row gets no gradient in Hugging Face)
        ids = ids + (ids >= pad).long()

    gates = torch.ones(L, H, requires_grad=True)
    logits = forward(cfg, params, ids, gates)
    loss = loss_of(logits, ids)
    loss.backward()

    gate_values = torch.tensor(GATE_PATTERN)[:, :H][:L].clone()
    gated = gate_values.clone().requires_grad_(True)
    logits_gated = forward(cfg, params, ids, gated)
    loss_of(logits_gated, ids).backward()

    trained = {k: v.clone().requires_grad_(True) for k, v in params.items()}
    decay = [v for v in trained.values() if v.dim() >= 2]        # matrices: embeddings, linear weights, lm_head
    no_decay = [v for v in trained.values() if v.dim() < 2]      # norm weights and all biases
    opt = torch.optim.AdamW([{"params": decay}, {"params": no_decay, "weight_decay": 0.0}], **ADAMW)
    losses = []
    for _ in range(ADAMW_STEPS):
        opt.zero_grad()
        step_loss = loss_of(forward(cfg, trained, ids, torch.ones(L, H)), ids)
        step_loss.backward()
        opt.step()
        losses.append(step_loss.item())
    losses.append(loss_of(forward(cfg, trained, ids, torch.ones(L, H)), ids).item())

    expected = {"input_ids": ids, "logits": logits, "loss": loss.detach().reshape(1), "gate_grad": gates.grad,
                "gates": gate_values, "logits_gated": logits_gated, "gated_gate_grad": gated.grad,
                "adamw_losses": torch.tensor(losses)}
    if cfg["family"] != "opt":
        expected["rope_inv_freq"] = rope_inv_freq(cfg).float()
    config = make_config(cfg)
    with open(os.path.join(out, "config.json"), "w") as f:
        json.dump(dict(sorted(config.items())), f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(out, "model.safetensors"), params, {"format": "pt"})
    write_safetensors(os.path.join(out, "expected.safetensors"), expected,
                      {"generator": "tools/golden/make_family_references.py", "torch": torch.__version__,
                       "adamw": json.dumps(ADAMW), "adamw_decay": "tensors with >= 2 dims; norms and biases 0",
                       "loss": "mean cross-entropy of ids[:,1:] given positions 0..T-2",
                       "gates": "[layer, query head], scales softmax(qk^T/sqrt(d)+mask)v before o_proj/out_proj"})
    print(f"  wrote {out}: loss {loss.item():.6f}, adamw losses {[round(x, 6) for x in losses]}")
    self_checks(cfg, params, ids, forward)
    hf_check(out, ids, logits)


def hf_check(out, ids, logits):
    try:
        from transformers import AutoModelForCausalLM
    except ImportError:
        print("  transformers not importable: skipped the check against Hugging Face")
        return
    hf = AutoModelForCausalLM.from_pretrained(out, attn_implementation="eager").eval()
    with torch.no_grad():
        hf_logits = hf(ids).logits
    diff = (hf_logits - logits).abs().max().item()
    check(f"Hugging Face {type(hf).__name__} vs independent logits, max |diff|", diff, 1e-4)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default="src/test/resources/golden")
    parser.add_argument("--only", nargs="*", help="configuration names (default: all)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for cfg in CONFIGS:
        if not args.only or cfg["name"] in args.only:
            build(copy.deepcopy(cfg), args.out)


if __name__ == "__main__":
    main()
