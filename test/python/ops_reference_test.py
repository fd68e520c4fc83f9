"""Forward and gradient checks of mlc's transformer ops against PyTorch 1.13.

Each case is one op y = op(p1, p2, ...) on parameters p_i. The model's loss
is sum(y * (g + w)) for a fixed input g and a parameter w that starts at
zero, compiled with `mlc compile --train sgd,lr=1` and run for ONE step by
`mlc-run`. So, read back from the saved parameters:

  - w after the step is exactly -y (the forward, elementwise),
  - p_i minus p_i after the step is exactly dloss/dp_i (the gradient for
    the cotangent g), and
  - the logged loss is sum(y * g).

All three are compared with torch (autograd for the gradients) to 1e-5,
relative and norm-wise, in f32. g is drawn at a scale of 100 so that the
gradients are large next to the parameters and p - p' loses no digits.

Usage: ops_reference_test.py --bin BUILD/bin --case attention/gqa [--keep DIR]
       ops_reference_test.py --list
"""
import math
import sys
import zlib

import numpy as np
import torch

import suite
from suite import main, safetensors_io, tensor_type

F = torch.nn.functional
TOLERANCE = 1e-5
G_SCALE = 100.0


def functional(params, out, op):
    """`%y = mlc.<op> %p0, ... : (P0, ...) -> Y` for parameter shapes `params`."""
    names = ", ".join(f"%p{i}" for i in range(len(params)))
    types = ", ".join(tensor_type(s) for s in params)
    return f"%y = mlc.{op.format(names=names)} : ({types}) -> {tensor_type(out)}"


def same_type(shape, op):
    """`%y = mlc.<op> %p0 ... : T` for an op of type `T -> T`."""
    return f"%y = mlc.{op.format(names='%p0')} : {tensor_type(shape)}"


# ---------------------------------------------------------------------------
# References written out in torch
# ---------------------------------------------------------------------------


def llama_rms_norm(x, weight, eps):
    """transformers' LlamaRMSNorm.forward."""
    variance = x.pow(2).mean(-1, keepdim=True)
    return x * torch.rsqrt(variance + eps) * weight


def rotate_half(x):
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def apply_rotary_pos_emb(x, positions, theta):
    """transformers' LlamaRotaryEmbedding + apply_rotary_pos_emb, angles in
    double."""
    dim = x.shape[-1]
    inv_freq = 1.0 / (theta ** (torch.arange(0, dim, 2, dtype=torch.float64) / dim))
    freqs = torch.outer(torch.tensor(positions, dtype=torch.float64), inv_freq)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
    return x * cos + rotate_half(x) * sin


def causal_keep(steps, keys, offset=None):
    """[T, S] booleans: which keys each query sees (bottom-right aligned, or
    from an absolute position offset)."""
    ones = torch.ones(steps, keys, dtype=torch.bool)
    if offset is None:
        return torch.tril(ones, diagonal=keys - steps)
    return torch.tril(ones, diagonal=offset)


def attention(q, k, v, causal, scale=None, offset=None):
    """softmax(q k^T * scale + mask) v with Hugging Face's repeat_kv grouping
    (torch 1.13 has no scaled_dot_product_attention)."""
    heads, kv_heads = q.shape[1], k.shape[1]
    k = k.repeat_interleave(heads // kv_heads, dim=1)
    v = v.repeat_interleave(heads // kv_heads, dim=1)
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    scores = torch.matmul(q, k.transpose(-1, -2)) * scale
    if causal:
        keep = causal_keep(q.shape[-2], k.shape[-2], offset)
        scores = scores.masked_fill(~keep, float("-inf"))
    return torch.matmul(torch.softmax(scores, dim=-1), v)


# ---------------------------------------------------------------------------
# Cases: name -> (parameter shapes, output shape, mlc op line, torch function,
# parameter value range)
# ---------------------------------------------------------------------------

X3 = (2, 3, 8)
POSITIONS = [0, 3, 1, 7, 30]
QKV = (2, 4, 5, 8)


def attention_case(q, kv, causal, scale=None, offset=None, offset_type="i64"):
    attrs = ""
    lines = []
    if offset is not None:
        lines.append(f"%offset = mlc.constant dense<{offset}> : tensor<{offset_type}>")
        attrs += " offset %offset"
    if causal:
        attrs += " causal"
    if scale is not None:
        attrs += f" scale = {scale!r}"
    types = ", ".join(tensor_type(s) for s in (q, kv, kv))
    if offset is not None:
        types += f", tensor<{offset_type}>"
    lines.append(f"%y = mlc.attention %p0, %p1, %p2{attrs} : ({types}) -> {tensor_type(q)}")
    return ([q, kv, kv], q, "\n  ".join(lines),
            lambda a, b, c: attention(a, b, c, causal, scale, offset), (-2, 2))


CASES = {
    "layer_norm/default_eps": (
        [X3, (8,), (8,)], X3,
        functional([X3, (8,), (8,)], X3, "layer_norm {names}"),
        lambda x, w, b: F.layer_norm(x, [8], w, b, 1e-5), (-2, 3)),
    "layer_norm/eps": (
        [X3, (8,), (8,)], X3,
        functional([X3, (8,), (8,)], X3, "layer_norm {names} eps = 0.1"),
        lambda x, w, b: F.layer_norm(x, [8], w, b, 0.1), (-2, 3)),
    "rms_norm/llama": (
        [X3, (8,)], X3,
        functional([X3, (8,)], X3, "rms_norm {names}"),
        lambda x, w: llama_rms_norm(x, w, 1e-6), (-2, 3)),
    "rms_norm/eps": (
        [X3, (8,)], X3,
        functional([X3, (8,)], X3, "rms_norm {names} eps = 1.0e-02"),
        lambda x, w: llama_rms_norm(x, w, 1e-2), (-2, 3)),
    "gelu/none": ([X3], X3, same_type(X3, "gelu {names}"),
                  lambda x: F.gelu(x), (-4, 4)),
    "gelu/tanh": ([X3], X3, same_type(X3, 'gelu {names} approximate = "tanh"'),
                  lambda x: F.gelu(x, approximate="tanh"), (-4, 4)),
    "silu/silu": ([X3], X3, same_type(X3, "silu {names}"), F.silu, (-4, 4)),
    "log_softmax/last": ([X3], X3, same_type(X3, "log_softmax {names} axis = -1"),
                         lambda x: F.log_softmax(x, dim=-1), (-4, 4)),
    "log_softmax/middle": ([X3], X3, same_type(X3, "log_softmax {names} axis = 1"),
                           lambda x: F.log_softmax(x, dim=1), (-4, 4)),
    "rope/default_theta": (
        [(2, 3, 5, 8)], (2, 3, 5, 8),
        "%pos = mlc.constant dense<" + str(POSITIONS) + "> : tensor<5xi64>\n  "
        "%y = mlc.rope %p0, %pos : (tensor<2x3x5x8xf32>, tensor<5xi64>) -> tensor<2x3x5x8xf32>",
        lambda x: apply_rotary_pos_emb(x, POSITIONS, 10000.0), (-2, 2)),
    "rope/theta_i32": (
        [(3, 5, 16)], (3, 5, 16),
        "%pos = mlc.constant dense<" + str(POSITIONS) + "> : tensor<5xi32>\n  "
        "%y = mlc.rope %p0, %pos theta = 500.0 : (tensor<3x5x16xf32>, tensor<5xi32>) "
        "-> tensor<3x5x16xf32>",
        lambda x: apply_rotary_pos_emb(x, POSITIONS, 500.0), (-2, 2)),
    "causal_mask/square": (
        [(2, 4, 4)], (2, 4, 4), same_type((2, 4, 4), "causal_mask {names} fill = -3.0"),
        lambda x: x.masked_fill(~causal_keep(4, 4), -3.0), (-2, 2)),
    "causal_mask/fewer_queries": (
        [(2, 3, 3, 6)], (2, 3, 3, 6),
        same_type((2, 3, 3, 6), "causal_mask {names} fill = -3.0"),
        lambda x: x.masked_fill(~causal_keep(3, 6), -3.0), (-2, 2)),
    "attention/causal": attention_case(QKV, QKV, True),
    "attention/non_causal": attention_case(QKV, QKV, False),
    "attention/gqa_kv2": attention_case(QKV, (2, 2, 5, 8), True),
    "attention/multi_query": attention_case(QKV, (2, 1, 5, 8), True),
    "attention/fewer_queries": attention_case((2, 4, 3, 8), (2, 2, 7, 8), True, scale=0.2),
    "attention/fewer_queries_non_causal": attention_case((1, 2, 3, 8), (1, 2, 6, 8), False),
    "attention/offset": attention_case((1, 4, 2, 8), (1, 2, 9, 8), True, offset=4),
    "attention/offset_i32": attention_case((1, 2, 1, 8), (1, 1, 6, 8), True, offset=5,
                                           offset_type="i32"),
    # Shapes of the kernel's register tiles: GPT-2's head (64 x 64), rows,
    # keys and widths that are not multiples of a tile with GQA, one query at
    # the end of a cache.
    "attention/gpt2_head": attention_case((1, 2, 64, 64), (1, 2, 64, 64), True),
    "attention/tiles_gqa": attention_case((1, 4, 37, 20), (1, 2, 37, 20), True),
    "attention/tiles_non_causal": attention_case((2, 2, 13, 12), (2, 1, 45, 12), False),
    "attention/decode_step": attention_case((1, 2, 1, 16), (1, 1, 70, 16), True, offset=69),
}


# ---------------------------------------------------------------------------
# Running one case
# ---------------------------------------------------------------------------


def check(label, got, want):
    return suite.check(label, got, want, TOLERANCE)


def model_source(shapes, out, op_line):
    args = [f'%p{i}: {tensor_type(s)} {{mlc.param = "p{i}", mlc.init = #mlc.init<zeros>}}'
            for i, s in enumerate(shapes)]
    args.append(f'%w: {tensor_type(out)} {{mlc.param = "w", mlc.init = #mlc.init<zeros>}}')
    args.append(f'%g: {tensor_type((1,) + out)} {{mlc.input = "g"}}')
    t, axes = tensor_type(out), ", ".join(str(d) for d in range(len(out)))
    body = [
        op_line,
        f"%gv = mlc.reshape %g : ({tensor_type((1,) + out)}) -> {t}",
        f"%c = mlc.add %gv, %w : ({t}, {t}) -> {t}",
        f"%m = mlc.mul %y, %c : ({t}, {t}) -> {t}",
        f"%l = mlc.reduce_sum %m axes = [{axes}] : ({t}) -> tensor<f32>",
    ]
    return (f"func.func @forward({', '.join(args)}) -> tensor<f32> {{\n  "
            + "\n  ".join(body) + "\n  return %l : tensor<f32>\n}\n")


def run_case(runner, name):
    shapes, out, op_line, reference, (lo, hi) = CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    params = [rng.uniform(lo, hi, s).astype(np.float32) for s in shapes]
    g = (rng.standard_normal(out) * G_SCALE).astype(np.float32)

    exe = runner.compile(model_source(shapes, out, op_line), "sgd,lr=1")
    data, init = runner.path("data.safetensors"), runner.path("init.safetensors")
    safetensors_io.write(data, {"g": g[None]})
    init_values = {f"p{i}": p for i, p in enumerate(params)}
    init_values["w"] = np.zeros(out, np.float32)
    safetensors_io.write(init, init_values)
    got, records = runner.train(exe, data, init, 1)
    losses = [r["loss"] for r in records]

    inputs = [torch.tensor(p, requires_grad=True) for p in params]
    y = reference(*inputs)
    loss = (y * torch.tensor(g)).sum()
    loss.backward()

    ok = check("forward (w after the step is -y)", -got["w"], y.detach().numpy())
    ok &= len(losses) == 1 and check("loss", losses, [loss.item()])
    for i, (p, t) in enumerate(zip(params, inputs)):
        step = p.astype(np.float64) - got[f"p{i}"].astype(np.float64)
        ok &= check(f"gradient of p{i}", step, t.grad.numpy())
    return ok


if __name__ == "__main__":
    sys.exit(main(__doc__, list(CASES), run_case))
