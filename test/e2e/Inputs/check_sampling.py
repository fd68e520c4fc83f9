"""Sampling and causality checks of a generated transformer against its own
full forward pass (NumPy on the logits mlc-run --save-outputs writes).

The executable has prefill/decode entry points (batch 1) and an eval entry
point over windows of T tokens whose batch B is the number of sequences
checked at once; T is the context, so a prompt and its continuation fill
one window. Files go to DIR; mlc-run and mlc-dump are found on PATH.

  check_sampling.py random-params EXE PARAMS DIR STD SEED
      writes PARAMS: every parameter of EXE drawn from N(0, STD^2), larger
      than an initialization, so that a model that was not trained already
      has peaked next-token distributions that depend on the context
  check_sampling.py nucleus EXE PARAMS DIR PROMPT P [--temperature T]
      generates B sequences with --top-p P, one per seed 1..B, to the end
      of the context, and evaluates them in one batch. Every sampled token
      must lie in the nucleus of the full pass's distribution at the
      position before it: the tokens more likely than it hold less than P
      of the probability (softmax of logits / T). The first token after
      the prompt, whose distribution all seeds share, must vary across the
      seeds when the nucleus holds more than one token.
  check_sampling.py like-greedy EXE PARAMS DIR PROMPT SEEDS OPTION...
      generation with OPTION... (e.g. --top-k 1 --temperature 1.5) gives
      the greedy (--temperature 0) ids for every seed 1..SEEDS, and the
      greedy ids are not one repeated token
  check_sampling.py causality EXE PARAMS DIR DATA
      takes B windows of DATA (a token file) and a copy in which window j
      has token t + 1 changed (to a space, or from a space to 'e'), with
      t spread from 0 to T - 2 over the windows, and evaluates both: the
      logits of window j at positions <= t must be the same in both (to
      1e-5 of their scale), and some logit at t + 1 must change
"""
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
from suite import Runner, fail, safetensors_io  # noqa: E402

# Cached and full-pass logits differ by rounding; a token whose rank puts
# it this close to the nucleus boundary counts as inside.
MASS_TOLERANCE = 1e-4


def dump(exe):
    """Program 0 of `mlc-dump --json EXE`."""
    return json.loads(Runner(None, ".").run("mlc-dump", "--json", exe))["programs"][0]


class Model:
    """An executable with its parameters: the eval batch B and window T, the
    context of generation, and the runs the checks need."""

    def __init__(self, exe, params, work):
        self.exe, self.params, self.runner = exe, params, Runner(None, work)
        program = dump(exe)
        entries = {e["kind"]: e for e in program["entry_points"]}
        if "eval" not in entries or "prefill" not in entries:
            fail(f"{exe} needs eval and prefill entry points")
        tokens = program["buffers"][entries["eval"]["inputs"][0]["buffer"]]
        self.batch, self.window = tokens["shape"]
        self.context = entries["prefill"]["context"]
        if self.window != self.context:
            fail(f"the eval window T = {self.window} is not the context {self.context}")

    def generate(self, prompt, *options):
        """The ids of the prompt and a continuation to the end of the context."""
        new = self.context - len(prompt.encode())
        out = self.runner.run("mlc-run", self.exe, "--init-from", self.params, "--generate",
                              "--prompt", prompt, "--max-new-tokens", str(new), "--print-ids",
                              *options)
        return [int(i) for i in out.strip().split(",")]

    def logits(self, windows, name):
        """The eval entry point's logits [B, T, V] on `windows` [B, T]."""
        if np.shape(windows) != (self.batch, self.window):
            fail(f"{np.shape(windows)} windows for an eval batch of {self.batch} x {self.window}")
        data, out = (self.runner.path(f"{name}.{x}.safetensors") for x in ("in", "out"))
        tokens = np.concatenate([np.asarray(windows).ravel(), [0]])  # one more: the targets
        safetensors_io.write(data, {"tokens": tokens.astype(np.int32)},
                             {"mlc.tokenizer": "bytes", "mlc.vocab": "256"})
        self.runner.run("mlc-run", self.exe, "--init-from", self.params, "--eval",
                        "--eval-data", data, "--eval-batches", "1", "--save-outputs", out,
                        "--no-progress")
        return safetensors_io.read(out)[0]["logits"].astype(np.float64)


def probabilities(logits, temperature):
    z = logits / temperature
    z = z - z.max(axis=-1, keepdims=True)
    p = np.exp(z)
    return p / p.sum(axis=-1, keepdims=True)


def check_nucleus(model, prompt, top_p, temperature):
    start = len(prompt.encode())
    sequences = [model.generate(prompt, "--top-p", str(top_p), "--temperature", str(temperature),
                                "--seed", str(seed))
                 for seed in range(1, model.batch + 1)]
    probs = probabilities(model.logits(sequences, "nucleus"), temperature)
    checked, outside = 0, []
    for s, ids in enumerate(sequences):
        for t in range(start, len(ids)):
            p = probs[s, t - 1]
            above = p[p > p[ids[t]]].sum()  # the tokens more likely than it
            checked += 1
            if not above < top_p + MASS_TOLERANCE:
                outside.append((s + 1, t, ids[t], round(float(above), 6)))
    if outside:
        fail(f"{len(outside)} of {checked} tokens lie outside the top-p {top_p} nucleus "
             f"(seed, position, id, mass above it): {outside[:5]}")
    # The first new token: one distribution, many seeds.
    first = np.sort(probs[0, start - 1])[::-1]
    size = int(np.searchsorted(np.cumsum(first), top_p - 1e-12) + 1)
    chosen = {ids[start] for ids in sequences}
    if size > 1 and len(chosen) < 2:
        fail(f"every seed sampled {chosen} first although the nucleus holds {size} tokens")
    print(f"top-p {top_p}: {checked} sampled tokens of {len(sequences)} seeds lie in the "
          f"nucleus; the first token's nucleus holds {size} of {first.size} tokens and the "
          f"seeds chose {len(chosen)} of them")


def like_greedy(model, prompt, seeds, options):
    greedy = model.generate(prompt, "--temperature", "0")
    if len(set(greedy[len(prompt.encode()):])) < 2:
        fail(f"the greedy generation repeats one token, which proves little: {greedy}")
    for seed in range(1, seeds + 1):
        ids = model.generate(prompt, "--seed", str(seed), *options)
        if ids != greedy:
            fail(f"seed {seed} with {' '.join(options)} gives {ids}, greedy gives {greedy}")
    print(f"{' '.join(options)}: {seeds} seeds give the greedy ids")


def causality(model, data):
    tokens = safetensors_io.read(data)[0]["tokens"].astype(np.int64)
    windows = tokens[:model.batch * model.window].reshape(model.batch, model.window)
    changed = windows.copy()
    # Positions t from 0 to T - 2, spread over the windows.
    where = [j * (model.window - 2) // max(model.batch - 1, 1) for j in range(model.batch)]
    for j, t in enumerate(where):
        # A space for a letter or a letter for a space: a real change.
        changed[j, t + 1] = ord("e") if changed[j, t + 1] == ord(" ") else ord(" ")
    a, b = model.logits(windows, "original"), model.logits(changed, "changed")
    scale = np.abs(a).max()
    worst_before, least_after = 0.0, np.inf
    for j, t in enumerate(where):
        before = np.abs(a[j, :t + 1] - b[j, :t + 1]).max()
        after = np.abs(a[j, t + 1] - b[j, t + 1]).max()
        if not before <= 1e-5 * scale:
            fail(f"window {j}: changing token {t + 1} changed the logits at positions <= {t} "
                 f"by {before:.3g}")
        if not after > 1e-4 * scale:
            fail(f"window {j}: changing token {t + 1} left its logits unchanged ({after:.3g})")
        worst_before, least_after = max(worst_before, before), min(least_after, after)
    print(f"causality: {model.batch} windows, token t + 1 changed for t from 0 to {max(where)}: "
          f"the logits at <= t differ by at most {worst_before:.3g}, those at t + 1 by at "
          f"least {least_after:.3g} (logit scale {scale:.3g})")


def random_params(exe, path, std, seed):
    """Every parameter of `exe` drawn from N(0, std^2): weights larger than
    an initialization's, so that the next-token distributions are peaked
    and differ from position to position, as a trained model's do."""
    program = dump(exe)
    rng = np.random.default_rng(seed)
    params = {b["name"]: (rng.standard_normal(b["shape"]) * std).astype(np.float32)
              for b in program["buffers"] if b["role"] == "parameter"}
    safetensors_io.write(path, params)
    print(f"{len(params)} parameters, {sum(p.size for p in params.values())} values")


def main(argv):
    command, exe, params, work, *rest = argv[1:]
    if command == "random-params":
        random_params(exe, params, float(rest[0]), int(rest[1]))
        return
    model = Model(exe, params, work)
    if command == "nucleus":
        prompt, top_p, *options = rest
        temperature = float(options[1]) if options[:1] == ["--temperature"] else 1.0
        check_nucleus(model, prompt, float(top_p), temperature)
    elif command == "like-greedy":
        prompt, seeds, *options = rest
        like_greedy(model, prompt, int(seeds), options)
    elif command == "causality":
        causality(model, rest[0])
    else:
        fail("unknown command " + command)


main(sys.argv)
