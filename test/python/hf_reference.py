"""GPT-2 and LLaMA in plain PyTorch 1.13, with Hugging Face names and layouts.

An independent reference for mlc's transformers and for `mlc import-hf` /
`mlc export-hf`, written from the definitions of transformers'
GPT2LMHeadModel and LlamaForCausalLM (there is no `transformers` package
here):

  GPT-2   learned positions, pre-LayerNorm blocks, Conv1D weights laid out
          [in, out], fused c_attn (q, k, v), GELU with the tanh
          approximation ("gelu_new"), final ln_f, head tied to wte.
  LLaMA   RMSNorm (x * rsqrt(mean(x^2) + eps) * w), nn.Linear weights
          [out, in], rotary positions with rotate_half, grouped-query
          attention with repeat_kv (query head h reads key/value head
          h // (heads / kv_heads)), SwiGLU MLP, an lm_head unless tied.

A model is a config dict (Hugging Face config.json keys) and a dict of
parameters (name -> torch tensor). It can be written as a Hugging Face folder
(config.json + model.safetensors, or shards with model.safetensors.index.json)
and read back, and gives logits, the loss, gradients and one AdamW step.
"""
import json
import math
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402


def gpt2_config(layers=2, heads=2, dim=16, vocab=64, context=16, inner=None, eps=1e-5):
    return {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "n_layer": layers,
        "n_head": heads,
        "n_embd": dim,
        "n_positions": context,
        "n_ctx": context,
        "vocab_size": vocab,
        "layer_norm_epsilon": eps,
        "n_inner": inner,
        "activation_function": "gelu_new",
        "resid_pdrop": 0.0,
        "embd_pdrop": 0.0,
        "attn_pdrop": 0.0,
        "scale_attn_weights": True,
        "tie_word_embeddings": True,
    }


def llama_config(layers=2, heads=4, kv_heads=2, dim=32, ffn=64, vocab=64, context=16,
                 eps=1e-6, theta=10000.0, tie=False):
    return {
        "architectures": ["LlamaForCausalLM"],
        "model_type": "llama",
        "num_hidden_layers": layers,
        "num_attention_heads": heads,
        "num_key_value_heads": kv_heads,
        "hidden_size": dim,
        "intermediate_size": ffn,
        "vocab_size": vocab,
        "max_position_embeddings": context,
        "rms_norm_eps": eps,
        "rope_theta": theta,
        "rope_scaling": None,
        "attention_bias": False,
        "mlp_bias": False,
        "tie_word_embeddings": tie,
        "hidden_act": "silu",
        "torch_dtype": "float32",
    }


def is_gpt2(config):
    return config["model_type"] == "gpt2"


def parameter_shapes(config):
    """Name -> shape of every parameter, in the order HF's modules hold them."""
    shapes = {}
    if is_gpt2(config):
        d, v, ctx = config["n_embd"], config["vocab_size"], config["n_positions"]
        f = config.get("n_inner") or 4 * d
        shapes["transformer.wte.weight"] = (v, d)
        shapes["transformer.wpe.weight"] = (ctx, d)
        for i in range(config["n_layer"]):
            p = f"transformer.h.{i}."
            shapes.update({
                p + "ln_1.weight": (d,), p + "ln_1.bias": (d,),
                p + "attn.c_attn.weight": (d, 3 * d), p + "attn.c_attn.bias": (3 * d,),
                p + "attn.c_proj.weight": (d, d), p + "attn.c_proj.bias": (d,),
                p + "ln_2.weight": (d,), p + "ln_2.bias": (d,),
                p + "mlp.c_fc.weight": (d, f), p + "mlp.c_fc.bias": (f,),
                p + "mlp.c_proj.weight": (f, d), p + "mlp.c_proj.bias": (d,),
            })
        shapes["transformer.ln_f.weight"] = (d,)
        shapes["transformer.ln_f.bias"] = (d,)
        return shapes
    d, v, f = config["hidden_size"], config["vocab_size"], config["intermediate_size"]
    heads = config["num_attention_heads"]
    kv = config.get("num_key_value_heads") or heads
    kvd = kv * (d // heads)
    shapes["model.embed_tokens.weight"] = (v, d)
    for i in range(config["num_hidden_layers"]):
        p = f"model.layers.{i}."
        shapes.update({
            p + "self_attn.q_proj.weight": (d, d),
            p + "self_attn.k_proj.weight": (kvd, d),
            p + "self_attn.v_proj.weight": (kvd, d),
            p + "self_attn.o_proj.weight": (d, d),
            p + "mlp.gate_proj.weight": (f, d),
            p + "mlp.up_proj.weight": (f, d),
            p + "mlp.down_proj.weight": (d, f),
            p + "input_layernorm.weight": (d,),
            p + "post_attention_layernorm.weight": (d,),
        })
    shapes["model.norm.weight"] = (d,)
    if not config.get("tie_word_embeddings", False):
        shapes["lm_head.weight"] = (v, d)
    return shapes


def random_parameters(config, seed):
    """Random parameters: norms near 1 and biases near 0 (not exactly, so
    that their gradients and a wrong layout show), matrices with std 0.2."""
    gen = torch.Generator().manual_seed(seed)
    params = {}
    for name, shape in parameter_shapes(config).items():
        noise = torch.randn(shape, generator=gen, dtype=torch.float32)
        if name.endswith("norm.weight") or ".ln_" in name and name.endswith(".weight"):
            value = 1.0 + 0.1 * noise
        elif len(shape) == 1:
            value = 0.1 * noise
        else:
            value = 0.2 * noise
        params[name] = value.requires_grad_(True)
    return params


def gelu_new(x):
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x.pow(3))))


def causal_attention(q, k, v):
    """q, k, v: [B, H, T, Dh]; softmax(q k^T / sqrt(Dh) + causal mask) v."""
    t = q.shape[-2]
    scores = q @ k.transpose(-1, -2) / math.sqrt(q.shape[-1])
    mask = torch.ones(t, t, dtype=torch.bool).tril()
    scores = scores.masked_fill(~mask, torch.finfo(scores.dtype).min)
    return torch.softmax(scores, dim=-1) @ v


def split_heads(x, heads):
    b, t, w = x.shape
    return x.view(b, t, heads, w // heads).transpose(1, 2)


def merge_heads(x):
    b, h, t, dh = x.shape
    return x.transpose(1, 2).reshape(b, t, h * dh)


def gpt2_logits(config, p, tokens):
    b, t = tokens.shape
    heads, eps, d = config["n_head"], config["layer_norm_epsilon"], config["n_embd"]
    ln = torch.nn.functional.layer_norm
    h = p["transformer.wte.weight"][tokens] + p["transformer.wpe.weight"][:t]
    for i in range(config["n_layer"]):
        q = f"transformer.h.{i}."
        a = ln(h, (d,), p[q + "ln_1.weight"], p[q + "ln_1.bias"], eps)
        qkv = a @ p[q + "attn.c_attn.weight"] + p[q + "attn.c_attn.bias"]
        qs, ks, vs = qkv.split(d, dim=2)
        att = causal_attention(split_heads(qs, heads), split_heads(ks, heads),
                               split_heads(vs, heads))
        h = h + merge_heads(att) @ p[q + "attn.c_proj.weight"] + p[q + "attn.c_proj.bias"]
        m = ln(h, (d,), p[q + "ln_2.weight"], p[q + "ln_2.bias"], eps)
        fc = gelu_new(m @ p[q + "mlp.c_fc.weight"] + p[q + "mlp.c_fc.bias"])
        h = h + fc @ p[q + "mlp.c_proj.weight"] + p[q + "mlp.c_proj.bias"]
    h = ln(h, (d,), p["transformer.ln_f.weight"], p["transformer.ln_f.bias"], eps)
    return h @ p["transformer.wte.weight"].t()


def rms_norm(x, weight, eps):
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def rope(x, theta):
    """x: [B, H, T, Dh] at positions 0..T-1 (LlamaRotaryEmbedding)."""
    t, dh = x.shape[-2], x.shape[-1]
    inv_freq = 1.0 / (theta ** (torch.arange(0, dh, 2, dtype=torch.float32) / dh))
    freqs = torch.arange(t, dtype=torch.float32)[:, None] * inv_freq[None, :]
    emb = torch.cat((freqs, freqs), dim=-1)
    return x * emb.cos() + rotate_half(x) * emb.sin()


def repeat_kv(x, n_rep):
    """[B, KV, T, Dh] -> [B, KV * n_rep, T, Dh], each kv head n_rep times."""
    b, kv, t, dh = x.shape
    return x[:, :, None].expand(b, kv, n_rep, t, dh).reshape(b, kv * n_rep, t, dh)


def llama_logits(config, p, tokens):
    heads = config["num_attention_heads"]
    kv = config.get("num_key_value_heads") or heads
    eps, theta = config["rms_norm_eps"], config.get("rope_theta", 10000.0)
    h = p["model.embed_tokens.weight"][tokens]
    for i in range(config["num_hidden_layers"]):
        q = f"model.layers.{i}."
        a = rms_norm(h, p[q + "input_layernorm.weight"], eps)
        qs = rope(split_heads(a @ p[q + "self_attn.q_proj.weight"].t(), heads), theta)
        ks = rope(split_heads(a @ p[q + "self_attn.k_proj.weight"].t(), kv), theta)
        vs = split_heads(a @ p[q + "self_attn.v_proj.weight"].t(), kv)
        att = causal_attention(qs, repeat_kv(ks, heads // kv), repeat_kv(vs, heads // kv))
        h = h + merge_heads(att) @ p[q + "self_attn.o_proj.weight"].t()
        m = rms_norm(h, p[q + "post_attention_layernorm.weight"], eps)
        gate = torch.nn.functional.silu(m @ p[q + "mlp.gate_proj.weight"].t())
        up = m @ p[q + "mlp.up_proj.weight"].t()
        h = h + (gate * up) @ p[q + "mlp.down_proj.weight"].t()
    h = rms_norm(h, p["model.norm.weight"], eps)
    head = p["model.embed_tokens.weight"] if config.get("tie_word_embeddings") else p["lm_head.weight"]
    return h @ head.t()


def logits(config, params, tokens):
    """[B, T] int64 tokens -> [B, T, vocab] logits."""
    tokens = torch.as_tensor(tokens, dtype=torch.int64)
    return (gpt2_logits if is_gpt2(config) else llama_logits)(config, params, tokens)


def loss(config, params, tokens, targets):
    """Mean next-token cross-entropy (targets are the tokens shifted by one)."""
    out = logits(config, params, tokens)
    targets = torch.as_tensor(targets, dtype=torch.int64)
    return torch.nn.functional.cross_entropy(out.reshape(-1, out.shape[-1]), targets.reshape(-1))


def gradients(config, params, tokens, targets):
    """(loss, name -> gradient)."""
    for v in params.values():
        v.grad = None
    value = loss(config, params, tokens, targets)
    value.backward()
    return value.item(), {k: v.grad.detach().clone() for k, v in params.items()}


def adamw_step(config, params, tokens, targets, decayed, lr, weight_decay, **adam):
    """One torch.optim.AdamW step; weight decay only on the names in
    `decayed`. Returns the new parameters (the inputs stay as they were)."""
    p = {k: v.detach().clone().requires_grad_(True) for k, v in params.items()}
    groups = [{"params": [v for k, v in p.items() if k in decayed]},
              {"params": [v for k, v in p.items() if k not in decayed], "weight_decay": 0.0}]
    opt = torch.optim.AdamW([g for g in groups if g["params"]], lr=lr,
                            weight_decay=weight_decay, **adam)
    opt.zero_grad()
    loss(config, p, tokens, targets).backward()
    opt.step()
    return {k: v.detach() for k, v in p.items()}


def _tensor_for(array, dtype):
    if dtype == "bf16":
        return safetensors_io.Raw("BF16", list(array.shape), safetensors_io.bf16_bytes(array))
    return array.astype({"f32": np.float32, "f16": np.float16}[dtype])


def write_hf(folder, config, params, shards=1, dtype="f32", drop_prefix=False, extra=None):
    """Writes config.json and the weights as a Hugging Face folder.

    shards > 1 splits the tensors over model-0000k-of-0000n.safetensors with
    model.safetensors.index.json; dtype is f32, f16 or bf16; drop_prefix
    writes GPT-2 names without `transformer.` (as GPT2Model saves them);
    `extra` adds tensors (such as buffers HF saves, attn.bias)."""
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f, indent=2)
    tensors = {}
    for name, value in params.items():
        if drop_prefix and name.startswith("transformer."):
            name = name[len("transformer."):]
        tensors[name] = _tensor_for(value.detach().numpy(), dtype)
    tensors.update(extra or {})
    if shards == 1:
        safetensors_io.write(os.path.join(folder, "model.safetensors"), tensors,
                             {"format": "pt"})
        return
    names = list(tensors)
    weight_map = {}
    for k in range(shards):
        file = f"model-{k + 1:05d}-of-{shards:05d}.safetensors"
        part = names[k * len(names) // shards:(k + 1) * len(names) // shards]
        safetensors_io.write(os.path.join(folder, file), {n: tensors[n] for n in part},
                             {"format": "pt"})
        weight_map.update({n: file for n in part})
    with open(os.path.join(folder, "model.safetensors.index.json"), "w") as f:
        json.dump({"metadata": {"total_size": 0}, "weight_map": weight_map}, f, indent=2)


def read_hf(folder):
    """(config, name -> float32 torch tensor) of a Hugging Face folder, with
    GPT-2 names given the `transformer.` prefix and buffers left out."""
    with open(os.path.join(folder, "config.json")) as f:
        config = json.load(f)
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(index):
        with open(index) as f:
            files = sorted(set(json.load(f)["weight_map"].values()))
    else:
        files = ["model.safetensors"]
    params = {}
    for file in files:
        tensors, _ = safetensors_io.read(os.path.join(folder, file))
        for name, value in tensors.items():
            if name.endswith((".attn.bias", ".attn.masked_bias", "rotary_emb.inv_freq")):
                continue
            if is_gpt2(config) and not name.startswith("transformer.") and name != "lm_head.weight":
                name = "transformer." + name
            params[name] = torch.tensor(value.astype(np.float32))
    if is_gpt2(config):
        params.pop("lm_head.weight", None)
    return config, params
