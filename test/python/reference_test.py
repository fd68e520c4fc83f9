"""Optimizer, training and einsum checks of mlc against PyTorch (Debian's python3-torch).

Each case compiles a model with `mlc compile`, runs it with `mlc-run`, and
compares the results with the same computation in torch:

  optim/<case>  the update rule alone: the model's loss is sum(w * g) for
                an input g, so the gradient is exactly g; ten given gradients
                go through mlc and through torch.optim, and the parameters
                and optimizer state must agree to 1e-6 (relative, norm-wise).
  mlp/<case>    ten full training steps of a small MLP (forward, autodiff,
                optimizer) against torch autograd + torch.optim: the losses
                and the final parameters must agree to 1e-5. With gradient
                accumulation (accumulate=K), each mlc step runs K
                micro-batches and torch takes them as one batch.
  einsum/<case> the forward einsum on random data against torch.einsum
                (PyTorch 1.13 semantics; NumPy too where it accepts the
                equation) to 1e-6. The data are the operands and the loss is
                sum(einsum(...) * w) for a parameter w that starts at zero,
                so one SGD step with lr=1 leaves exactly -einsum(...) in w.

Usage: reference_test.py --bin BUILD/bin --case optim/adam [--keep DIR]
       reference_test.py --list
"""
import sys
import zlib

import numpy as np
import torch

from suite import check, main, safetensors_io, tensor_type

STEPS = 10

# name -> (mlc --train spec, torch optimizer factory)
OPTIMIZERS = {
    "sgd": ("sgd,lr=0.1", lambda p: torch.optim.SGD(p, lr=0.1)),
    "sgd_momentum": ("sgd,lr=0.1,momentum=0.9",
                     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9)),
    "sgd_dampening": ("sgd,lr=0.1,momentum=0.9,dampening=0.3",
                      lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.3)),
    "sgd_nesterov": ("sgd,lr=0.1,momentum=0.9,nesterov=true",
                     lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True)),
    "sgd_weight_decay": ("sgd,lr=0.1,momentum=0.5,weight-decay=0.01",
                         lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.5, weight_decay=0.01)),
    "adam": ("adam,lr=1e-2", lambda p: torch.optim.Adam(p, lr=1e-2)),
    "adam_default_lr": ("adam", lambda p: torch.optim.Adam(p)),
    "adam_betas_eps": ("adam,lr=1e-2,beta1=0.8,beta2=0.95,eps=1e-6",
                       lambda p: torch.optim.Adam(p, lr=1e-2, betas=(0.8, 0.95), eps=1e-6)),
    "adam_weight_decay": ("adam,lr=1e-2,weight-decay=0.1",
                          lambda p: torch.optim.Adam(p, lr=1e-2, weight_decay=0.1)),
    "adam_amsgrad": ("adam,lr=1e-2,amsgrad=true",
                     lambda p: torch.optim.Adam(p, lr=1e-2, amsgrad=True)),
    "adamw": ("adamw,lr=1e-2,weight-decay=0.1",
              lambda p: torch.optim.AdamW(p, lr=1e-2, weight_decay=0.1)),
    "adamw_defaults": ("adamw", lambda p: torch.optim.AdamW(p)),
    "adamw_amsgrad": ("adamw,lr=1e-2,amsgrad=true",
                      lambda p: torch.optim.AdamW(p, lr=1e-2, amsgrad=True)),
}

# name -> (loss, optimizer, training options). The options append to the
# --train spec and say what torch does alike: a warmup + cosine schedule
# (warmup, decay-steps, min-lr) through LambdaLR, clip_grad_norm_, and
# weight decay on every parameter instead of matrices only.
MLP_CASES = {
    "regression_sgd_nesterov": ("mse", "sgd_nesterov", {}),
    "regression_sgd_weight_decay": ("mse", "sgd_weight_decay", {}),
    "regression_adam": ("mse", "adam", {}),
    "classifier_adamw": ("ce", "adamw", {}),
    "classifier_adam_amsgrad": ("ce", "adam_amsgrad", {}),
    "classifier_sgd_momentum": ("ce", "sgd_momentum", {}),
    "classifier_adamw_decay_all": ("ce", "adamw", {"decay_all": True}),
    "regression_sgd_warmup": ("mse", "sgd", {"schedule": (4, 0, 0.0)}),
    "classifier_adamw_cosine": ("ce", "adamw", {"schedule": (3, 8, 1e-3)}),
    "regression_sgd_momentum_clip": ("mse", "sgd_momentum", {"clip": 0.5}),
    "classifier_adam_cosine_clip": ("ce", "adam", {"schedule": (2, 6, 0.0), "clip": 1.0}),
    # Gradient accumulation: K micro-batches of 4 rows per step in mlc, one
    # batch of 4K rows in torch.
    "accumulate_4": ("ce", "adamw", {"accumulate": 4}),
    "accumulate_clip": ("mse", "sgd_momentum", {"accumulate": 3, "clip": 0.5}),
    "accumulate_cosine_clip": ("ce", "adam", {"accumulate": 2, "schedule": (2, 6, 0.0),
                                              "clip": 1.0}),
}


def training_spec(options):
    """The --train suffix of an MLP case's options."""
    spec = ""
    if "schedule" in options:
        warmup, decay, min_lr = options["schedule"]
        spec += f",warmup={warmup}" if warmup else ""
        spec += f",decay-steps={decay},min-lr={min_lr}" if decay else ""
    if "clip" in options:
        spec += f",clip={options['clip']}"
    if options.get("decay_all"):
        spec += ",decay-all=true"
    if "accumulate" in options:
        spec += f",accumulate={options['accumulate']}"
    return spec


def lr_factor(schedule, lr, step):
    """The learning rate of step `step` (0-based) over lr, as mlc documents."""
    warmup, decay, min_lr = schedule
    if step < warmup:
        return (step + 1) / warmup
    if decay == 0:
        return 1.0
    if step >= decay:
        return min_lr / lr
    progress = (step - warmup) / (decay - warmup)
    return (min_lr + 0.5 * (1 + np.cos(np.pi * progress)) * (lr - min_lr)) / lr

# name -> (equation, operand shapes)
EINSUM_CASES = {
    "matvec_no_batch": ("...i,ij->...j", [(3,), (3, 4)]),
    "matvec_one_batch": ("...i,ij->...j", [(2, 3), (3, 4)]),
    "matvec_two_batch": ("...i,ij->...j", [(5, 2, 3), (3, 4)]),
    "matmul_broadcast_batch": ("...ij,...jk->...ik", [(2, 1, 3, 4), (5, 4, 6)]),
    "ellipsis_last": ("i...->...i", [(2, 3, 4)]),
    "ellipsis_middle": ("i...j,j...->i...", [(2, 3, 4), (4, 3)]),
    "full_sum": ("...->", [(2, 3, 4)]),
    "row_dot": ("b...,b...->b", [(2, 3, 4), (2, 3, 4)]),
    "row_dot_broadcast": ("b...,b...->b", [(2, 3, 1), (2, 1, 4)]),
    "product_broadcast": ("...,...->...", [(2, 1), (3,)]),
    "batch_summed": ("...ij,jk->ik", [(2, 3, 4), (4, 5)]),
}


def all_cases():
    return ([f"optim/{n}" for n in OPTIMIZERS] + [f"mlp/{n}" for n in MLP_CASES] +
            [f"einsum/{n}" for n in EINSUM_CASES])


def optimizer_case(runner, name):
    """The update rule alone, on given gradients."""
    spec, make = OPTIMIZERS[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    w0 = rng.standard_normal((3, 4)).astype(np.float32)
    grads = rng.standard_normal((STEPS, 3, 4)).astype(np.float32)
    source = """
func.func @forward(%g: tensor<1x3x4xf32> {mlc.input = "g"},
                   %w: tensor<3x4xf32> {mlc.param = "w", mlc.init = #mlc.init<zeros>})
                   -> tensor<f32> {
  %g2 = mlc.reshape %g : (tensor<1x3x4xf32>) -> tensor<3x4xf32>
  %m = mlc.mul %w, %g2 : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %l = mlc.reduce_sum %m axes = [0, 1] : (tensor<3x4xf32>) -> tensor<f32>
  return %l : tensor<f32>
}
"""
    exe = runner.compile(source, spec)
    data = runner.path("grads.safetensors")
    safetensors_io.write(data, {"g": grads})
    init = runner.path("init.safetensors")
    safetensors_io.write(init, {"w": w0})
    got, _ = runner.train(exe, data, init, STEPS)

    w = torch.tensor(w0, requires_grad=True)
    opt = make([w])
    for t in range(STEPS):
        w.grad = torch.tensor(grads[t])
        opt.step()
    ok = check("w", got["w"], w.detach().numpy(), 1e-6)
    # torch keeps momentum_buffer = None for plain SGD; mlc keeps no tensor.
    state = {k: v for k, v in opt.state[w].items() if v is not None}
    for key, value in state.items():
        ours = got["step"] if key == "step" else got[f"w.{key}"]
        ok &= check(f"state {key}", ours, np.asarray(value), 1e-6)
    expected = {"w"} | {("step" if k == "step" else f"w.{k}") for k in state}
    # SGD with momentum also counts steps (its first step differs), which
    # torch tracks by the buffer being None instead.
    extra = set(got) - expected - {"step"}
    missing = expected - set(got)
    if extra or missing:
        print(f"FAILED: checkpoint holds {sorted(got)}, torch state is {sorted(expected)}")
        ok = False
    return ok


def mlp_case(runner, name):
    """Ten full training steps of a small MLP against torch."""
    loss_kind, optimizer, options = MLP_CASES[name]
    spec, make = OPTIMIZERS[optimizer]
    spec += training_spec(options)
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    batch, n_in, hidden, n_out = 4, 5, 8, 3
    # torch's batch: the micro-batches of one mlc step together.
    step_rows = batch * options.get("accumulate", 1)
    x = rng.standard_normal((step_rows * STEPS, n_in)).astype(np.float32)
    params = {
        "w1": (rng.standard_normal((n_in, hidden)) * 0.5).astype(np.float32),
        "b1": (rng.standard_normal(hidden) * 0.1).astype(np.float32),
        "w2": (rng.standard_normal((hidden, n_out)) * 0.5).astype(np.float32),
        "b2": (rng.standard_normal(n_out) * 0.1).astype(np.float32),
    }
    if loss_kind == "mse":
        y = rng.standard_normal((step_rows * STEPS, n_out)).astype(np.float32)
        y_type, loss_line = f"tensor<{batch}x{n_out}xf32>", (
            f"%l = mlc.mse_loss %o, %y : (tensor<{batch}x{n_out}xf32>, tensor<{batch}x{n_out}xf32>) -> tensor<f32>")
    else:
        y = rng.integers(0, n_out, size=step_rows * STEPS).astype(np.int64)
        y_type, loss_line = f"tensor<{batch}xi64>", (
            f"%l = mlc.softmax_cross_entropy %o, %y : (tensor<{batch}x{n_out}xf32>, tensor<{batch}xi64>) -> tensor<f32>")
    source = f"""
func.func @forward(%x: tensor<{batch}x{n_in}xf32> {{mlc.input = "x"}},
                   %y: {y_type} {{mlc.input = "y"}},
                   %w1: tensor<{n_in}x{hidden}xf32> {{mlc.param = "w1", mlc.init = #mlc.init<zeros>}},
                   %b1: tensor<{hidden}xf32> {{mlc.param = "b1", mlc.init = #mlc.init<zeros>}},
                   %w2: tensor<{hidden}x{n_out}xf32> {{mlc.param = "w2", mlc.init = #mlc.init<zeros>}},
                   %b2: tensor<{n_out}xf32> {{mlc.param = "b2", mlc.init = #mlc.init<zeros>}}) -> tensor<f32> {{
  %h = mlc.matmul %x, %w1 : (tensor<{batch}x{n_in}xf32>, tensor<{n_in}x{hidden}xf32>) -> tensor<{batch}x{hidden}xf32>
  %hb = mlc.add %h, %b1 : (tensor<{batch}x{hidden}xf32>, tensor<{hidden}xf32>) -> tensor<{batch}x{hidden}xf32>
  %a = mlc.tanh %hb : tensor<{batch}x{hidden}xf32>
  %z = mlc.matmul %a, %w2 : (tensor<{batch}x{hidden}xf32>, tensor<{hidden}x{n_out}xf32>) -> tensor<{batch}x{n_out}xf32>
  %o = mlc.add %z, %b2 : (tensor<{batch}x{n_out}xf32>, tensor<{n_out}xf32>) -> tensor<{batch}x{n_out}xf32>
  {loss_line}
  return %l : tensor<f32>
}}
"""
    exe = runner.compile(source, spec)
    data = runner.path("data.safetensors")
    safetensors_io.write(data, {"x": x, "y": y})
    init = runner.path("init.safetensors")
    safetensors_io.write(init, params)
    got, records = runner.train(exe, data, init, STEPS)
    losses = [r["loss"] for r in records]

    p = {k: torch.tensor(v, requires_grad=True) for k, v in params.items()}
    # mlc decays matrices only unless told otherwise; torch by param groups.
    if options.get("decay_all"):
        opt = make(list(p.values()))
    else:
        opt = make([{"params": [p["w1"], p["w2"]]},
                    {"params": [p["b1"], p["b2"]], "weight_decay": 0.0}])
    scheduler = None
    if "schedule" in options:
        lr = opt.defaults["lr"]
        scheduler = torch.optim.lr_scheduler.LambdaLR(
            opt, lambda step: lr_factor(options["schedule"], lr, step))
    want_losses, want_lrs, want_norms = [], [], []
    for t in range(STEPS):
        xb = torch.tensor(x[t * step_rows:(t + 1) * step_rows])
        yb = torch.tensor(y[t * step_rows:(t + 1) * step_rows])
        o = torch.tanh(xb @ p["w1"] + p["b1"]) @ p["w2"] + p["b2"]
        if loss_kind == "mse":
            loss = torch.nn.functional.mse_loss(o, yb)
        else:
            loss = torch.nn.functional.cross_entropy(o, yb)
        want_losses.append(loss.item())
        opt.zero_grad()
        loss.backward()
        if "clip" in options:
            norm = torch.nn.utils.clip_grad_norm_(list(p.values()), options["clip"])
            want_norms.append(norm.item())
        want_lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        if scheduler:
            scheduler.step()
    ok = len(losses) == STEPS
    if not ok:
        print(f"FAILED: {len(losses)} losses logged, expected {STEPS}")
    ok &= check("losses", losses, want_losses, 1e-5)
    if scheduler:
        ok &= check("lr", [r.get("lr", 0.0) for r in records], want_lrs, 1e-12)
    if want_norms:
        ok &= check("grad_norm", [r.get("grad_norm", 0.0) for r in records], want_norms, 1e-5)
    for k in params:
        ok &= check(k, got[k], p[k].detach().numpy(), 1e-5)
    return ok


def einsum_case(runner, name):
    """The forward einsum against torch.einsum, read back from one SGD step."""
    equation, shapes = EINSUM_CASES[name]
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    operands = [rng.standard_normal(s).astype(np.float32) for s in shapes]
    want = torch.einsum(equation, *[torch.tensor(x) for x in operands]).numpy()
    out = tensor_type(want.shape)
    args, lines, values = [], [], []
    for i, shape in enumerate(shapes):
        args.append(f'%x{i}: {tensor_type((1,) + shape)} {{mlc.input = "x{i}"}}')
        lines.append(f"%v{i} = mlc.reshape %x{i} : ({tensor_type((1,) + shape)}) -> "
                     f"{tensor_type(shape)}")
        values.append(f"%v{i}")
    args.append(f'%w: {out} {{mlc.param = "w", mlc.init = #mlc.init<zeros>}}')
    types = ", ".join(tensor_type(s) for s in shapes)
    lines.append(f'%e = mlc.einsum "{equation}" {", ".join(values)} : ({types}) -> {out}')
    lines.append(f"%m = mlc.mul %e, %w : ({out}, {out}) -> {out}")
    loss = "%m"
    if want.ndim:
        axes = ", ".join(str(d) for d in range(want.ndim))
        lines.append(f"%l = mlc.reduce_sum %m axes = [{axes}] : ({out}) -> tensor<f32>")
        loss = "%l"
    body = "\n  ".join(lines)
    source = (f"func.func @forward({', '.join(args)}) -> tensor<f32> {{\n  {body}\n"
              f"  return {loss} : tensor<f32>\n}}\n")
    exe = runner.compile(source, "sgd,lr=1")
    data = runner.path("data.safetensors")
    safetensors_io.write(data, {f"x{i}": x[None] for i, x in enumerate(operands)})
    init = runner.path("init.safetensors")
    safetensors_io.write(init, {"w": np.zeros(want.shape, np.float32)})
    got, _ = runner.train(exe, data, init, 1)
    ok = True
    try:
        numpy_result = np.einsum(equation, *operands)
        ok &= check("numpy agrees with torch", numpy_result, want, 1e-6)
    except ValueError as e:  # NumPy rejects summing the ellipsis dimensions.
        print(f"numpy rejects {equation}: {e}")
    if got["w"].shape != want.shape:
        print(f"FAILED: result shape {got['w'].shape}, torch gives {want.shape}")
        return False
    return ok & check(f"einsum {equation}", -got["w"], want, 1e-6)


def run_case(runner, case):
    kind, name = case.split("/")
    cases = {"optim": optimizer_case, "mlp": mlp_case, "einsum": einsum_case}
    return cases[kind](runner, name)


if __name__ == "__main__":
    sys.exit(main(__doc__, all_cases(), run_case))
