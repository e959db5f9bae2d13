#!/usr/bin/env python3
"""Loads Sentinel's hf-masked and hf-compact exports with the independent PyTorch references and compares logits.

For each export folder (default: every folder under src/test/resources/golden/exports/, written by
ExportReferenceTest with -Dsentinel.writeExportFixtures=true):

  1. reads config.json and model.safetensors only (no Sentinel code, no transformers),
  2. checks that the tensor names and shapes are exactly those the config implies for the family's standard
     Hugging Face class (GPT2LMHeadModel with pruned_heads, OPTForCausalLM, LlamaForCausalLM, Qwen2ForCausalLM),
  3. runs the independent forward with every gate 1 (a plain class has no gates): make_family_references.py's
     llama_forward / opt_forward, and for GPT-2 make_references.py's forward generalised to a head count per layer
     (transformers v4's pruned_heads: the kept heads in ascending original order, c_attn and c_proj narrowed),
  4. compares the logits with sentinel_logits.safetensors (what the gated, pruned Sentinel model computed before
     exporting) and fails when max |difference| exceeds 1e-4,
  5. with --write, stores its own logits as reference_logits.safetensors, which ExportReferenceTest compares with
     the Sentinel model on every run.

Run: /usr/bin/python3 tools/golden/check_exports.py [--write] [folder ...]    (Debian's python3-torch 1.13 suffices)
"""
import argparse
import json
import math
import os
import struct
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import make_family_references as family  # noqa: E402  (llama_forward, opt_forward, write_safetensors)
import make_references as gpt2_reference  # noqa: E402  (layer_norm, gelu_tanh)

REPOSITORY = os.path.dirname(os.path.dirname(HERE))
EXPORTS = os.path.join(REPOSITORY, "src", "test", "resources", "golden", "exports")
TOLERANCE = 1e-4


def read_safetensors(path):
    """name -> tensor; the format: 8-byte little-endian header length, a JSON header, raw little-endian data."""
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    out = {}
    for name, entry in json.loads(raw[8:8 + n]).items():
        if name == "__metadata__":
            continue
        a, b = entry["data_offsets"]
        dtype = {"F32": torch.float32, "I64": torch.int64}[entry["dtype"]]
        out[name] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]), dtype=dtype).reshape(entry["shape"])
    return out


# ------------------------------------------------------------------------------------------------------- GPT-2

def gpt2_heads(config):
    """Heads kept per layer, in ascending original order (pruned_heads keys are layer indices as strings)."""
    pruned = {int(k): set(v) for k, v in config.get("pruned_heads", {}).items()}
    return [[h for h in range(config["n_head"]) if h not in pruned.get(i, set())] for i in range(config["n_layer"])]


def gpt2_shapes(config):
    C, V, P = config["n_embd"], config["vocab_size"], config["n_positions"]
    D = C // config["n_head"]
    shapes = {"transformer.wte.weight": [V, C], "transformer.wpe.weight": [P, C],
              "transformer.ln_f.weight": [C], "transformer.ln_f.bias": [C]}
    for i, kept in enumerate(gpt2_heads(config)):
        h, w = f"transformer.h.{i}.", len(kept) * D
        shapes.update({h + "ln_1.weight": [C], h + "ln_1.bias": [C], h + "ln_2.weight": [C], h + "ln_2.bias": [C],
                       h + "attn.c_attn.weight": [C, 3 * w], h + "attn.c_attn.bias": [3 * w],
                       h + "attn.c_proj.weight": [w, C], h + "attn.c_proj.bias": [C],
                       h + "mlp.c_fc.weight": [C, 4 * C], h + "mlp.c_fc.bias": [4 * C],
                       h + "mlp.c_proj.weight": [4 * C, C], h + "mlp.c_proj.bias": [C]})
    return shapes


def gpt2_forward(config, p, ids):
    """make_references.forward with every gate 1 and the head count of each layer from pruned_heads."""
    C = config["n_embd"]
    D = C // config["n_head"]
    eps = config.get("layer_norm_epsilon", 1e-5)
    b, t = ids.shape
    x = p["transformer.wte.weight"][ids] + p["transformer.wpe.weight"][:t]
    causal = torch.ones(t, t).tril().bool()
    for i, kept in enumerate(gpt2_heads(config)):
        h, H = f"transformer.h.{i}.", len(kept)
        a = gpt2_reference.layer_norm(x, p[h + "ln_1.weight"], p[h + "ln_1.bias"], eps)
        qkv = a @ p[h + "attn.c_attn.weight"] + p[h + "attn.c_attn.bias"]        # (B, T, 3 H D)
        q, k, v = qkv.split(H * D, dim=-1)
        q, k, v = (z.view(b, t, H, D).transpose(1, 2) for z in (q, k, v))       # (B, H, T, D)
        att = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        att = att.masked_fill(~causal, float("-inf")).softmax(-1)
        ctx = (att @ v).transpose(1, 2).reshape(b, t, H * D)
        x = x + ctx @ p[h + "attn.c_proj.weight"] + p[h + "attn.c_proj.bias"]
        m = gpt2_reference.layer_norm(x, p[h + "ln_2.weight"], p[h + "ln_2.bias"], eps)
        m = gpt2_reference.gelu_tanh(m @ p[h + "mlp.c_fc.weight"] + p[h + "mlp.c_fc.bias"])
        x = x + m @ p[h + "mlp.c_proj.weight"] + p[h + "mlp.c_proj.bias"]
    x = gpt2_reference.layer_norm(x, p["transformer.ln_f.weight"], p["transformer.ln_f.bias"], eps)
    return x @ p["transformer.wte.weight"].T


# --------------------------------------------------------------------------------------------------------- OPT

def opt_cfg(config):
    return dict(hidden=config["hidden_size"], heads=config["num_attention_heads"], layers=config["num_hidden_layers"],
                pre_ln=config.get("do_layer_norm_before", True))


def opt_shapes(config):
    C, V, F = config["hidden_size"], config["vocab_size"], config["ffn_dim"]
    E = config.get("word_embed_proj_dim", C)
    pre = "model.decoder."
    shapes = {pre + "embed_tokens.weight": [V, E],
              pre + "embed_positions.weight": [config["max_position_embeddings"] + 2, C]}
    if E != C:
        shapes.update({pre + "project_in.weight": [C, E], pre + "project_out.weight": [E, C]})
    if config.get("do_layer_norm_before", True):
        shapes.update({pre + "final_layer_norm.weight": [C], pre + "final_layer_norm.bias": [C]})
    for i in range(config["num_hidden_layers"]):
        h = f"{pre}layers.{i}."
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            shapes.update({h + f"self_attn.{n}.weight": [C, C], h + f"self_attn.{n}.bias": [C]})
        for n in ("self_attn_layer_norm", "final_layer_norm"):
            shapes.update({h + n + ".weight": [C], h + n + ".bias": [C]})
        shapes.update({h + "fc1.weight": [F, C], h + "fc1.bias": [F], h + "fc2.weight": [C, F], h + "fc2.bias": [C]})
    return shapes


# ------------------------------------------------------------------------------------------------ Llama / Qwen2

def llama_cfg(config):
    heads = config["num_attention_heads"]
    return dict(family="qwen2" if config["model_type"] == "qwen2" else "llama", heads=heads,
                kv_heads=config.get("num_key_value_heads") or heads,
                head_dim=config.get("head_dim") or config["hidden_size"] // heads,
                hidden=config["hidden_size"], layers=config["num_hidden_layers"], rms_eps=config["rms_norm_eps"],
                rope_theta=config.get("rope_theta", 10000.0), rope_scaling=config.get("rope_scaling"),
                attention_bias=config.get("attention_bias", False), mlp_bias=config.get("mlp_bias", False))


def llama_shapes(config):
    cfg = llama_cfg(config)
    C, V, I = cfg["hidden"], config["vocab_size"], config["intermediate_size"]
    q, kv = cfg["heads"] * cfg["head_dim"], cfg["kv_heads"] * cfg["head_dim"]
    bias = family.llama_biases(cfg)
    shapes = {"model.embed_tokens.weight": [V, C], "model.norm.weight": [C]}
    if not config.get("tie_word_embeddings", False):
        shapes["lm_head.weight"] = [V, C]
    for i in range(cfg["layers"]):
        h = f"model.layers.{i}."
        shapes.update({h + "input_layernorm.weight": [C], h + "post_attention_layernorm.weight": [C]})
        for n, out, inp, has_bias in (("self_attn.q_proj", q, C, bias["qkv"]), ("self_attn.k_proj", kv, C, bias["qkv"]),
                                      ("self_attn.v_proj", kv, C, bias["qkv"]), ("self_attn.o_proj", C, q, bias["o"]),
                                      ("mlp.gate_proj", I, C, bias["mlp"]), ("mlp.up_proj", I, C, bias["mlp"]),
                                      ("mlp.down_proj", C, I, bias["mlp"])):
            shapes[h + n + ".weight"] = [out, inp]
            if has_bias:
                shapes[h + n + ".bias"] = [out]
    return shapes


# ------------------------------------------------------------------------------------------------------- checks

def reference(config, params, ids):
    """(expected tensor shapes, logits) of the family's standard class, every gate 1."""
    kind = config["model_type"]
    if kind == "gpt2":
        return gpt2_shapes(config), gpt2_forward(config, params, ids)
    if kind == "opt":
        cfg = opt_cfg(config)
        return opt_shapes(config), family.opt_forward(cfg, params, ids, torch.ones(cfg["layers"], cfg["heads"]))
    if kind in ("llama", "qwen2", "mistral"):
        cfg = llama_cfg(config)
        return llama_shapes(config), family.llama_forward(cfg, params, ids, torch.ones(cfg["layers"], cfg["heads"]))
    raise ValueError(f"no reference for model_type {kind}")


def check(folder, write):
    config = json.load(open(os.path.join(folder, "config.json")))
    params = read_safetensors(os.path.join(folder, "model.safetensors"))
    sentinel = read_safetensors(os.path.join(folder, "sentinel_logits.safetensors"))
    ids = sentinel["input_ids"]
    shapes, logits = reference(config, params, ids)
    got = {name: list(t.shape) for name, t in params.items()}
    if got != shapes:
        missing = sorted(set(shapes) - set(got))
        unexpected = sorted(set(got) - set(shapes))
        wrong = sorted(n for n in set(got) & set(shapes) if got[n] != shapes[n])
        raise SystemExit(f"{folder}: tensors differ from the standard layout: missing {missing}, unexpected "
                         f"{unexpected}, wrong shapes {[(n, got[n], shapes[n]) for n in wrong]}")
    diff = (logits - sentinel["logits"]).abs().max().item()
    name = os.path.basename(os.path.normpath(folder))
    print(f"{name:26s} {config['model_type']:6s} {len(params):3d} tensors, standard names and shapes; "
          f"max |reference - Sentinel| logits {diff:.2e}")
    if not diff <= TOLERANCE:
        raise SystemExit(f"{folder}: the independent reference disagrees with Sentinel ({diff} > {TOLERANCE})")
    if write:
        family.write_safetensors(os.path.join(folder, "reference_logits.safetensors"),
                                 {"input_ids": ids, "logits": logits.detach().contiguous()},
                                 {"generator": "tools/golden/check_exports.py", "torch": torch.__version__})
    return diff


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--write", action="store_true", help="store reference_logits.safetensors in each folder")
    parser.add_argument("folders", nargs="*", help="export folders (default: every folder under golden/exports)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    folders = args.folders or sorted(os.path.join(EXPORTS, f) for f in os.listdir(EXPORTS))
    worst = max(check(f, args.write) for f in folders)
    print(f"{len(folders)} exports agree with the independent references; worst max |difference| {worst:.2e}")


if __name__ == "__main__":
    main()
