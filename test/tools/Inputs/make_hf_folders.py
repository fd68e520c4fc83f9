"""Writes Hugging Face folders for test/tools/import-hf-errors.test: two good
ones (PREFIX.gpt2, PREFIX.llama) and one broken folder per error,
PREFIX.<case>. Usage: make_hf_folders.py PREFIX"""
import json
import os
import shutil
import sys

import numpy as np

here = os.path.dirname(__file__)
sys.path.insert(0, os.path.join(here, "..", "..", "python"))
sys.path.insert(0, os.path.join(here, "..", "..", "..", "tools", "py"))
import hf_reference as ref  # noqa: E402
import safetensors_io  # noqa: E402

prefix = sys.argv[1]
gpt2 = ref.gpt2_config(layers=1, heads=2, dim=8, vocab=16, context=8)
llama = ref.llama_config(layers=1, heads=2, kv_heads=1, dim=8, ffn=16, vocab=16, context=8)


def folder(case, config, params=None, **options):
    path = f"{prefix}.{case}"
    shutil.rmtree(path, ignore_errors=True)
    if params is None:
        params = ref.random_parameters(config, 1)
    ref.write_hf(path, config, params, **options)
    return path


def with_config(case, base, **changes):
    config = dict(base)
    for k, v in changes.items():
        if v is None:
            config.pop(k, None)
        else:
            config[k] = v
    return folder(case, config, ref.random_parameters(base, 1))


def tensors(config):
    return {k: v.detach().numpy() for k, v in ref.random_parameters(config, 1).items()}


def with_tensors(case, config, tensor_map):
    path = folder(case, config)
    safetensors_io.write(os.path.join(path, "model.safetensors"), tensor_map)
    return path


folder("gpt2", gpt2)
folder("llama", llama)

# config.json
for case, text in {"not-json": "{ n_layer: 2", "not-object": "[1, 2]"}.items():
    path = folder(case, gpt2)
    with open(os.path.join(path, "config.json"), "w") as f:
        f.write(text)
with_config("type-string", gpt2, n_head="two")
with_config("type-bool", llama, tie_word_embeddings="yes")
with_config("type-negative", gpt2, n_layer=-1)
with_config("missing-key", gpt2, n_embd=None)
with_config("no-model-type", gpt2, model_type=None)
with_config("bert", gpt2, model_type="bert")
with_config("architecture", gpt2, architectures=["GPT2ForSequenceClassification"])
with_config("rope-scaling", llama, rope_scaling={"type": "linear", "factor": 2.0})
with_config("attention-bias", llama, attention_bias=True)
with_config("mlp-bias", llama, mlp_bias=True)
with_config("gpt2-relu", gpt2, activation_function="relu")
with_config("llama-gelu", llama, hidden_act="gelu")
with_config("heads", gpt2, n_head=3)
with_config("kv-heads", llama, num_key_value_heads=3, num_attention_heads=4)
with_config("scale-by-layer", gpt2, scale_attn_by_inverse_layer_idx=True)

# Weights
t = tensors(gpt2)
del t["transformer.h.0.mlp.c_fc.bias"]
with_tensors("missing-tensor", gpt2, t)
t = tensors(gpt2)
t["transformer.h.0.attn.c_attn.extra"] = np.zeros(3, np.float32)
with_tensors("extra-tensor", gpt2, t)
t = tensors(gpt2)
t["transformer.h.0.attn.c_attn.weight"] = t["transformer.h.0.attn.c_attn.weight"].T.copy()
with_tensors("transposed", gpt2, t)
folder("vocab", dict(gpt2, vocab_size=24), ref.random_parameters(gpt2, 1))
t = tensors(gpt2)
t["lm_head.weight"] = t["transformer.wte.weight"] + 1
with_tensors("untied-head", gpt2, t)
path = folder("llama-untied-head", dict(llama, tie_word_embeddings=True),
              ref.random_parameters(dict(llama, tie_word_embeddings=True), 1))
t, _ = safetensors_io.read(os.path.join(path, "model.safetensors"))
t["lm_head.weight"] = t["model.embed_tokens.weight"] * 2
safetensors_io.write(os.path.join(path, "model.safetensors"), t)
t = tensors(gpt2)
t["ln_f.weight"] = t["transformer.ln_f.weight"]
with_tensors("twice", gpt2, t)
t = tensors(gpt2)
t["transformer.wpe.weight"] = t["transformer.wpe.weight"].astype(np.float64)
with_tensors("f64", gpt2, t)

# Files
path = folder("truncated", gpt2)
weights = os.path.join(path, "model.safetensors")
with open(weights, "rb") as f:
    data = f.read()
with open(weights, "wb") as f:
    f.write(data[: len(data) - 10])
path = folder("garbage", gpt2)
with open(os.path.join(path, "model.safetensors"), "wb") as f:
    f.write(b"\x10\x00\x00\x00\x00\x00\x00\x00not json at all!")
path = folder("no-weights", gpt2)
os.remove(os.path.join(path, "model.safetensors"))
path = folder("no-config", gpt2)
os.remove(os.path.join(path, "config.json"))
path = folder("index-not-json", gpt2, shards=2)
with open(os.path.join(path, "model.safetensors.index.json"), "w") as f:
    f.write("{ weight_map")
path = folder("index-missing-shard", gpt2, shards=2)
os.remove(os.path.join(path, "model-00002-of-00002.safetensors"))
path = folder("index-wrong-shard", gpt2, shards=2)
index = os.path.join(path, "model.safetensors.index.json")
with open(index) as f:
    content = json.load(f)
content["weight_map"]["transformer.wte.weight"] = "model-00002-of-00002.safetensors"
with open(index, "w") as f:
    json.dump(content, f)
path = folder("index-escape", gpt2, shards=2)
with open(index.replace("index-wrong-shard", "index-escape"), "w") as f:
    json.dump({"weight_map": {"transformer.wte.weight": "../x.safetensors"}}, f)
with open(f"{prefix}.a-file", "w") as f:
    f.write("not a folder")
