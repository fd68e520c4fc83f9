#!/usr/bin/python3
"""GPT-2 training step in eager PyTorch: the baseline of bench/gpt2-cpu.

The same model and step as `mlc gen gpt2` compiled with an AdamW train step,
written the way Hugging Face's GPT2LMHeadModel computes it in eager mode:

  pre-LayerNorm blocks x + attn(ln_1(x)), then + mlp(ln_2(x)); learned
  positions; Conv1D weights [in, out] applied with addmm; causal multi-head
  attention as matmul, scale, mask, softmax, matmul; GELU with the tanh
  approximation; final ln_f; the LM head tied to wte; mean cross-entropy
  of each next token.

  torch.optim.AdamW (PyTorch 1.13's default single-tensor path) with mlc's
  default weight-decay rule: decay on the block matrices (attn.c_attn,
  attn.c_proj, mlp.c_fc, mlp.c_proj weights) only; biases, norm weights and
  both embedding tables (wte, wpe) take none.

Parameters come from a safetensors file with the Hugging Face names mlc uses
(the benchmark writes one file and gives it to both), token ids from the
benchmark's token file, read the way `mlc-run --sample sequential` reads
them: step s, row b is window w = s * B + b, tokens [w T, w T + T) and
targets shifted by one. Each step is timed whole (batch, forward, backward,
optimizer, reading the loss). Writes the step times and losses as JSON.

With --profile-steps K, K more steps run under torch's autograd profiler
after the timed ones, and the JSON gains the time of torch's GEMM ops
(aten::mm, addmm, bmm, baddbmm; their own time, which is OpenBLAS's) per
profiled step next to the profiled step's time: what the GEMMs alone cost
torch, which no faster non-GEMM code can take away.
"""
import argparse
import ctypes
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools", "py"))
import safetensors_io  # noqa: E402

# The ops whose own time is a GEMM (aten::matmul and aten::linear dispatch
# to them).
GEMM_OPS = ("aten::mm", "aten::addmm", "aten::bmm", "aten::baddbmm")

DECAYED = ("attn.c_attn.weight", "attn.c_proj.weight", "mlp.c_fc.weight",
           "mlp.c_proj.weight")


def block_names(layer):
    p = "transformer.h.%d." % layer
    return [p + n for n in (
        "ln_1.weight", "ln_1.bias", "attn.c_attn.weight", "attn.c_attn.bias",
        "attn.c_proj.weight", "attn.c_proj.bias", "ln_2.weight", "ln_2.bias",
        "mlp.c_fc.weight", "mlp.c_fc.bias", "mlp.c_proj.weight",
        "mlp.c_proj.bias")]


def parameter_names(layers):
    names = ["transformer.wte.weight", "transformer.wpe.weight"]
    for layer in range(layers):
        names += block_names(layer)
    return names + ["transformer.ln_f.weight", "transformer.ln_f.bias"]


def linear(x, weight, bias):
    """Conv1D: x [..., in] @ weight [in, out] + bias, as one addmm."""
    shape = x.shape[:-1] + (weight.shape[1],)
    return torch.addmm(bias, x.reshape(-1, x.shape[-1]), weight).view(shape)


def attention(x, c_attn_w, c_attn_b, c_proj_w, c_proj_b, heads, mask):
    b, t, d = x.shape
    q, k, v = linear(x, c_attn_w, c_attn_b).split(d, dim=2)
    q, k, v = (y.view(b, t, heads, d // heads).transpose(1, 2)
               for y in (q, k, v))
    scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(d // heads)
    scores = scores.masked_fill(~mask[:t, :t],
                                torch.finfo(scores.dtype).min)
    y = torch.matmul(torch.softmax(scores, dim=-1), v)
    y = y.transpose(1, 2).reshape(b, t, d)
    return linear(y, c_proj_w, c_proj_b)


def loss_of(p, tokens, targets, layers, heads, eps, mask):
    t = tokens.shape[1]
    d = p["transformer.wte.weight"].shape[1]
    h = p["transformer.wte.weight"][tokens] + p["transformer.wpe.weight"][:t]
    for layer in range(layers):
        (ln1w, ln1b, attw, attb, projw, projb, ln2w, ln2b, fcw, fcb, mprojw,
         mprojb) = (p[n] for n in block_names(layer))
        h = h + attention(F.layer_norm(h, (d,), ln1w, ln1b, eps), attw, attb,
                          projw, projb, heads, mask)
        m = F.gelu(linear(F.layer_norm(h, (d,), ln2w, ln2b, eps), fcw, fcb),
                   approximate="tanh")
        h = h + linear(m, mprojw, mprojb)
    h = F.layer_norm(h, (d,), p["transformer.ln_f.weight"],
                     p["transformer.ln_f.bias"], eps)
    logits = torch.matmul(h, p["transformer.wte.weight"].t())
    return F.cross_entropy(logits.view(-1, logits.shape[-1]),
                           targets.reshape(-1))


def openblas_core():
    """The OpenBLAS kernel this process runs, or a note saying why not."""
    try:
        lib = ctypes.CDLL("libopenblas.so.0")
        lib.openblas_get_corename.restype = ctypes.c_char_p
        return lib, lib.openblas_get_corename().decode()
    except (OSError, AttributeError) as e:
        return None, "unknown (%s)" % e


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--params", required=True,
                        help="initial parameters (safetensors, HF names)")
    parser.add_argument("--data", required=True,
                        help="token ids (safetensors, one i32 tensor)")
    # The model and step shapes, then the AdamW hyper-parameters of mlc's
    # --train spec: bench/gpt2-cpu passes every one.
    for name in ("layers", "heads", "batch", "seq", "steps", "warmup",
                 "threads"):
        parser.add_argument("--" + name, type=int, required=True)
    for name in ("lr", "weight-decay", "beta1", "beta2", "eps"):
        parser.add_argument("--" + name, type=float, required=True)
    parser.add_argument("--norm-eps", type=float, default=1e-5)
    parser.add_argument("--profile-steps", type=int, default=0,
                        help="steps profiled after the timed ones")
    parser.add_argument("--json", required=True, help="write results here")
    args = parser.parse_args()

    torch.set_num_threads(args.threads)
    blas, core = openblas_core()
    if blas is not None:
        # torch.set_num_threads sets OpenMP's count, not OpenBLAS's.
        blas.openblas_set_num_threads(args.threads)

    tensors, _ = safetensors_io.read(args.params)
    names = parameter_names(args.layers)
    missing = [n for n in names if n not in tensors]
    if missing:
        sys.exit("gpt2_torch.py: %s has no %s" % (args.params, missing[0]))
    p = {n: torch.tensor(np.asarray(tensors[n], dtype=np.float32),
                         requires_grad=True) for n in names}
    decayed = [p[n] for n in names if n.endswith(DECAYED)]
    others = [p[n] for n in names if not n.endswith(DECAYED)]
    optimizer = torch.optim.AdamW(
        [{"params": decayed, "weight_decay": args.weight_decay},
         {"params": others, "weight_decay": 0.0}],
        lr=args.lr, betas=(args.beta1, args.beta2), eps=args.eps)

    data = list(safetensors_io.read(args.data)[0].values())
    if len(data) != 1:
        sys.exit("gpt2_torch.py: %s should hold one tensor of token ids" %
                 args.data)
    stream = torch.from_numpy(np.asarray(data[0], dtype=np.int64).ravel())
    b, t = args.batch, args.seq
    total = args.warmup + args.steps + args.profile_steps
    if stream.numel() < (total * b) * t + 1:
        sys.exit("gpt2_torch.py: %s holds %d tokens, %d steps need %d" %
                 (args.data, stream.numel(), total, total * b * t + 1))
    context = p["transformer.wpe.weight"].shape[0]
    mask = torch.ones(context, context, dtype=torch.bool).tril()
    offsets = torch.arange(t)

    def train_step(step):
        starts = (step * b + torch.arange(b)) * t
        window = starts[:, None] + offsets[None, :]
        tokens, targets = stream[window], stream[window + 1]
        loss = loss_of(p, tokens, targets, args.layers, args.heads,
                       args.norm_eps, mask)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        return loss.item()

    losses, seconds = [], []
    for step in range(args.warmup + args.steps):
        start = time.perf_counter()
        losses.append(train_step(step))
        seconds.append(time.perf_counter() - start)
    result = {"torch": torch.__version__, "threads": args.threads,
              "openblas_core": core, "losses": losses,
              "step_seconds": seconds}
    if args.profile_steps > 0:
        gemm_us = step_us = 0.0
        for step in range(args.warmup + args.steps, total):
            start = time.perf_counter()
            with torch.autograd.profiler.profile() as prof:
                train_step(step)
            step_us += (time.perf_counter() - start) * 1e6
            gemm_us += sum(e.self_cpu_time_total for e in prof.key_averages()
                           if e.key in GEMM_OPS)
        result.update({"profiled_steps": args.profile_steps,
                       "profiled_step_s": step_us / 1e6 / args.profile_steps,
                       "gemm_s": gemm_us / 1e6 / args.profile_steps})
    with open(args.json, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
