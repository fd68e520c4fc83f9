"""Hugging Face import and export, and mlc's transformers, against hf_reference.py.

Each case writes a random tiny model as a Hugging Face folder with the
reference (plain PyTorch), imports it with `mlc import-hf`, and compares:

  <model>/gradients  the loss of one batch to 1e-4 (relative) and every
                     parameter's gradient (norm-wise per tensor) to 1e-4.
                     mlc's gradient is p - p' after one `sgd,lr=1` step.
  <model>/adamw      one `adamw,lr=1e-2,weight-decay=0.1,eps=1e-6` step from the same
                     state to 1e-5, decaying what mlc decays by default
                     (matrices that @forward does not read as an embedding
                     table) and nothing else, as torch.optim.AdamW param
                     groups.
  <model>/logits     the logits of the imported model on a batch to 1e-4.
                     They come out of a probe: @forward's loss plus
                     sum(logits * probe) for a zero parameter `probe`, so
                     one `sgd,lr=1` step leaves exactly -logits in it.
  <model>/roundtrip  import-hf then export-hf gives the same tensors bit for
                     bit and config.json's keys; the exported folder loads in
                     the reference with the same logits. A checkpoint saved
                     by `mlc-run --save` (with AdamW state) exports too.
  formats/<case>     bf16 and f16 weights, shards with an index, GPT2Model
                     names (no `transformer.`), buffers (attn.bias,
                     rotary_emb.inv_freq) and a tied lm_head.weight: the
                     imported parameters are the widened values exactly.

Models: GPT-2 (2 layers, 2 heads, width 16), LLaMA with grouped-query
attention (4 heads, 2 key/value heads, untied head) and LLaMA with one
key/value head and a tied head.

Usage: hf_test.py --bin BUILD/bin --case gpt2/gradients [--keep DIR]
       hf_test.py --list
"""
import json
import os
import sys
import zlib

import numpy as np
import torch

import hf_reference as ref
import suite
from suite import check, main, safetensors_io

BATCH, SEQ = 2, 8

MODELS = {
    "gpt2": lambda: ref.gpt2_config(layers=2, heads=2, dim=16, vocab=64, context=16),
    "llama_gqa": lambda: ref.llama_config(layers=2, heads=4, kv_heads=2, dim=32, ffn=64,
                                          vocab=64, context=16, tie=False),
    "llama_mqa_tied": lambda: ref.llama_config(layers=2, heads=4, kv_heads=1, dim=32, ffn=48,
                                               vocab=96, context=16, theta=500.0, tie=True),
}
CHECKS = ["gradients", "adamw", "logits", "roundtrip"]
FORMATS = ["gpt2_bf16_sharded", "llama_f16_sharded"]
# Embedding tables take no weight decay: mlc's rule skips tables read by an
# embedding lookup, and mlc gen marks GPT-2's position table (read with a
# slice when training) mlc.decay = false.
EMBEDDINGS = {"transformer.wte.weight", "transformer.wpe.weight",
              "model.embed_tokens.weight"}


def all_cases():
    return [f"{m}/{c}" for m in MODELS for c in CHECKS] + [f"formats/{f}" for f in FORMATS]


class Runner(suite.Runner):
    def import_hf(self, folder, name="model"):
        model, params = self.path(f"{name}.mlir"), self.path(f"{name}.params.safetensors")
        self.run("mlc", "import-hf", folder, "-o", model, "--params", params,
                 "--batch", str(BATCH), "--seq", str(SEQ), "--no-generation")
        return model, params

    def train_tokens(self, model_text, init, tokens, spec, save="--save-params"):
        """One step of `spec` from `init` on the first batch of `tokens`:
        (saved tensors, logged loss)."""
        exe = self.compile(model_text, spec, name="train")
        data = self.path("tokens.safetensors")
        safetensors_io.write(data, {"tokens": tokens.astype(np.int32)},
                             {"mlc.tokenizer": "test", "mlc.vocab": str(tokens.max() + 1)})
        tensors, records = self.train(exe, data, init, 1, save)
        return tensors, [r["loss"] for r in records]


def make_model(name, seed_text):
    config = MODELS[name]()
    params = ref.random_parameters(config, zlib.crc32(seed_text.encode()))
    rng = np.random.default_rng(zlib.crc32(seed_text.encode()))
    tokens = rng.integers(0, config["vocab_size"], size=BATCH * SEQ + 1)
    return config, params, tokens


def windows(tokens):
    """The first batch of `--sample sequential`: windows at 0, SEQ, ..."""
    x = np.stack([tokens[b * SEQ:b * SEQ + SEQ] for b in range(BATCH)])
    y = np.stack([tokens[b * SEQ + 1:b * SEQ + SEQ + 1] for b in range(BATCH)])
    return x, y


def imported(runner, config, params, **write_options):
    folder = runner.path("hf")
    ref.write_hf(folder, config, params, **write_options)
    model, init = runner.import_hf(folder)
    with open(model) as f:
        return f.read(), init


def gradients_case(runner, name):
    config, params, tokens = make_model(name, name + "/gradients")
    text, init = imported(runner, config, params)
    got, losses = runner.train_tokens(text, init, tokens, "sgd,lr=1")
    x, y = windows(tokens)
    want_loss, want_grads = ref.gradients(config, params, x, y)
    ok = len(losses) == 1 and check("loss", losses[0], want_loss, 1e-4)
    before = safetensors_io.read(init)[0]
    for k, g in want_grads.items():
        grad = before[k].astype(np.float64) - got[k].astype(np.float64)
        ok &= check(f"grad {k}", grad, g.numpy(), 1e-4)
    return ok


def adamw_case(runner, name):
    config, params, tokens = make_model(name, name + "/adamw")
    text, init = imported(runner, config, params)
    # GPT-2's key bias has a gradient that is zero but for rounding (softmax
    # ignores what it adds to a row of scores): Adam moves it by about
    # lr * sign(noise), in mlc and torch alike, so that third of c_attn.bias
    # is left out below. eps = 1e-6 keeps other near-zero gradients from
    # the same fate.
    got, _ = runner.train_tokens(text, init, tokens, "adamw,lr=1e-2,weight-decay=0.1,eps=1e-6")
    x, y = windows(tokens)
    decayed = {k for k, v in params.items() if v.dim() >= 2 and k not in EMBEDDINGS}
    want = ref.adamw_step(config, params, x, y, decayed, lr=1e-2, weight_decay=0.1, eps=1e-6)
    # Likewise, an element whose gradient cancels to far below the rest of
    # its tensor (|g| < 1e-3 of the tensor's rms: a value of GPT-2's v
    # weight at 1.8e-6, near eps, against a median of 1e-2) is mostly
    # rounding noise, and the first step's lr g / (|g| + eps) magnifies it a
    # thousandfold: kernels that add in another order move that weight by
    # 1e-4. Such elements are left out, and counted; exact zeros (rows of
    # wpe past the sequence) are not noise and stay.
    _, grads = ref.gradients(config, params, x, y)
    ok = True
    for k, v in want.items():
        mine, theirs = got[k].ravel(), v.numpy().ravel()
        g = grads[k].numpy().ravel()
        keep = (g == 0) | (np.abs(g) >= 1e-3 * np.sqrt(np.mean(np.square(g))))
        if k.endswith("attn.c_attn.bias"):
            d = config["n_embd"]
            keep[d:2 * d] = False
        left_out = keep.size - keep.sum()
        label = f"adamw {k}" + (f" ({left_out} near-zero gradients left out)" if left_out else "")
        ok &= check(label, mine[keep], theirs[keep], 1e-5)
    return ok


def with_logits_probe(text, vocab):
    """@forward with a zero parameter `probe` of the logits' shape whose
    gradient is the logits: loss + sum(logits * probe)."""
    logits_type = f"tensor<{BATCH}x{SEQ}x{vocab}xf32>"
    start = text.index("func.func @forward(")
    head_end = text.index(")\n    -> (", start)
    ret = text.index("  return %loss : tensor<f32>\n", head_end)
    probe = (f',\n    %probe: {logits_type} {{mlc.param = "probe", '
             f'mlc.init = #mlc.init<zeros>}}')
    body = (f"  %probe_m = mlc.mul %logits, %probe : ({logits_type}, {logits_type}) -> {logits_type}\n"
            f"  %probe_s = mlc.reduce_sum %probe_m axes = [0, 1, 2] : ({logits_type}) -> tensor<f32>\n"
            f"  %probe_l = mlc.add %loss, %probe_s : (tensor<f32>, tensor<f32>) -> tensor<f32>\n"
            f"  return %probe_l : tensor<f32>\n")
    return (text[:head_end] + probe + text[head_end:ret] + body +
            text[ret + len("  return %loss : tensor<f32>\n"):])


def mlc_logits(runner, text, init, tokens, vocab):
    probed = runner.path("probe-init.safetensors")
    tensors, _ = safetensors_io.read(init)
    tensors["probe"] = np.zeros((BATCH, SEQ, vocab), np.float32)
    safetensors_io.write(probed, tensors)
    got, _ = runner.train_tokens(with_logits_probe(text, vocab), probed, tokens, "sgd,lr=1")
    return -got["probe"]


def logits_case(runner, name):
    config, params, tokens = make_model(name, name + "/logits")
    text, init = imported(runner, config, params)
    x, _ = windows(tokens)
    with torch.no_grad():
        want = ref.logits(config, params, x).numpy()
    got = mlc_logits(runner, text, init, tokens, config["vocab_size"])
    return check("logits", got, want, 1e-4)


def roundtrip_case(runner, name):
    config, params, tokens = make_model(name, name + "/roundtrip")
    folder = runner.path("hf")
    ref.write_hf(folder, config, params)
    model, init = runner.import_hf(folder)
    out = runner.path("exported")
    runner.run("mlc", "export-hf", model, init, "-o", out)
    original, _ = safetensors_io.read(os.path.join(folder, "model.safetensors"))
    exported, metadata = safetensors_io.read(os.path.join(out, "model.safetensors"))
    ok = True
    if sorted(original) != sorted(exported):
        print(f"FAILED: exported tensors {sorted(exported)}, imported {sorted(original)}")
        return False
    for k, v in original.items():
        same = exported[k].dtype == np.float32 and exported[k].shape == v.shape and \
            exported[k].tobytes() == v.tobytes()
        ok &= same
        if not same:
            print(f"FAILED: {k} is not bitwise the imported tensor")
    print(f"{'ok' if ok else 'FAILED'}: {len(original)} tensors bitwise equal after the round trip")
    if metadata.get("format") != "pt":
        print(f"FAILED: metadata {metadata} lacks format = pt")
        ok = False
    with open(os.path.join(out, "config.json")) as f:
        written = json.load(f)
    for key, value in config.items():
        if value is not None and key in written and written[key] != value and not (
                isinstance(value, float) and abs(written[key] - value) <= 1e-12 * abs(value)):
            print(f"FAILED: config.json {key} = {written[key]!r}, expected {value!r}")
            ok = False
    loaded_config, loaded = ref.read_hf(out)
    x, y = windows(tokens)
    with torch.no_grad():
        ok &= check("logits of the exported folder", ref.logits(loaded_config, loaded, x).numpy(),
                    ref.logits(config, params, x).numpy(), 1e-7)

    # A training checkpoint (parameters and AdamW state) exports its
    # parameters; the state is left out.
    with open(model) as f:
        text = f.read()
    trained, _ = runner.train_tokens(text, init, tokens, "adamw,lr=1e-2", save="--save")
    checkpoint = runner.path("out.safetensors")
    again = runner.path("exported-trained")
    runner.run("mlc", "export-hf", model, checkpoint, "-o", again)
    # The folder is an earlier export: writing it again replaces it.
    runner.run("mlc", "export-hf", model, checkpoint, "-o", again)
    exported, _ = safetensors_io.read(os.path.join(again, "model.safetensors"))
    state = [k for k in trained if k not in original]
    if not state or sorted(exported) != sorted(original):
        print(f"FAILED: checkpoint export holds {sorted(exported)} (state {state})")
        return False
    for k in original:
        ok &= exported[k].tobytes() == trained[k].tobytes()
    print(f"{'ok' if ok else 'FAILED'}: the checkpoint's parameters exported, "
          f"{len(state)} optimizer tensors left out")
    return ok


def formats_case(runner, name):
    family, dtype, _ = name.split("_")
    model = "gpt2" if family == "gpt2" else "llama_gqa"
    config, params, _ = make_model(model, "formats/" + name)
    extra = {}
    if family == "gpt2":
        # What GPT2Model saves: no prefix, the causal-mask buffers, and a tied
        # head equal to wte.
        ctx = config["n_positions"]
        mask = np.tril(np.ones((1, 1, ctx, ctx), np.float32))
        for i in range(config["n_layer"]):
            extra[f"h.{i}.attn.bias"] = mask
            extra[f"h.{i}.attn.masked_bias"] = np.array(-1e4, np.float32)
        wte = params["transformer.wte.weight"].detach().numpy()
        extra["lm_head.weight"] = safetensors_io.Raw(
            "BF16", list(wte.shape), safetensors_io.bf16_bytes(wte))
    else:
        # f16's edge cases: subnormals, signed zero, the largest value and
        # infinities.
        with torch.no_grad():
            params["model.norm.weight"][:7] = torch.tensor(
                [5.96e-8, -3.05e-5, 6.1e-5, -0.0, 65504.0, float("inf"), -float("inf")])
        dh = config["hidden_size"] // config["num_attention_heads"]
        inv = (1.0 / 10000 ** (np.arange(0, dh, 2) / dh)).astype(np.float32)
        for i in range(config["num_hidden_layers"]):
            extra[f"model.layers.{i}.self_attn.rotary_emb.inv_freq"] = inv
    folder = runner.path("hf")
    ref.write_hf(folder, config, params, shards=2 if family == "gpt2" else 3, dtype=dtype,
                 drop_prefix=family == "gpt2", extra=extra)
    _, init = runner.import_hf(folder)
    got, metadata = safetensors_io.read(init)
    _, want = ref.read_hf(folder)
    ok = sorted(got) == sorted(params)
    if not ok:
        print(f"FAILED: imported {sorted(got)}, expected {sorted(params)}")
        return False
    for k, v in want.items():
        same = got[k].dtype == np.float32 and got[k].tobytes() == v.numpy().tobytes()
        ok &= same
        if not same:
            print(f"FAILED: {k} is not the widened {dtype} value")
    print(f"{'ok' if ok else 'FAILED'}: {len(got)} {dtype} tensors widened exactly")
    return ok


def run_case(runner, case):
    group, name = case.split("/")
    if group == "formats":
        return formats_case(runner, name)
    cases = {"gradients": gradients_case, "adamw": adamw_case,
             "logits": logits_case, "roundtrip": roundtrip_case}
    return cases[name](runner, group)


if __name__ == "__main__":
    sys.exit(main(__doc__, all_cases(), run_case, torch_threads=1, runner_class=Runner))
