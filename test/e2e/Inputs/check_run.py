"""Checks on the files an mlc-run produced (metrics JSON lines, safetensors).

  check_run.py eval-below-variance METRICS DATA RATIO
      the last eval loss is at least RATIO times below var(y) of DATA
  check_run.py eval-at-least METRICS KEY VALUE
      the last eval record has KEY >= VALUE
  check_run.py same-losses A B | different-losses A B
      the train losses of two metrics files are (not) bit-identical
  check_run.py same-losses-after STEP A B
      the train losses logged after STEP are bit-identical, and there are
      some (A may have logged more before STEP)
  check_run.py same-tensors A B
      two safetensors files hold bit-identical tensors
  check_run.py close-losses A B RTOL
      the train losses of two metrics files, logged at the same steps, agree
      to RTOL relative: |a - b| <= RTOL |b|
  check_run.py close-losses-after STEP A B RTOL
      as close-losses, for the losses logged after STEP (A resumed there)
  check_run.py close-tensors A B RTOL [--zero-gradient NAME:START:END]...
      two safetensors files hold the same tensors, each equal to RTOL
      relative in the L2 norm, ||a - b|| <= RTOL ||b|| (Adam turns the
      rounding of a gradient near zero into a step: single elements differ
      more, as they do between runs of one rank with other BLAS thread
      counts; the largest such difference is printed). Elements [START,
      END) of the 1-D tensor NAME, whose gradient is zero in exact
      arithmetic, are left out: in floating point their gradient is rounding
      noise, which Adam scales up to a step, different noise for every
      order of summation. They must hold no more than noise in both files:
      below 1e-3 of the tensor's scale
  check_run.py all-reduce-bytes DUMP_JSON LOG STEPS [ANALYSIS_JSON]
      every rank's all-reduce bytes in the LOG of a data-parallel mlc-run
      ("collectives of rank R: ...") are STEPS times the bytes of the
      trainable parameters (a gradient each) and of the scalar outputs of the
      train step (each rank's loss), in STEPS x (1 + 1) calls: one bucket of
      gradients, one of outputs; and STEPS times the train step's all-reduce
      calls and bytes in ANALYSIS_JSON (mlc analyze --json) when given
  check_run.py trace-bubbles TRACE RANKS ENTRY CALLS
      every rank of a pipeline's --trace has CALLS calls of ENTRY, each
      holding at least one wait for a receive (category bubble)
  check_run.py zero3-frees ANALYSIS_ZERO3 ANALYSIS_ZERO2 LARGEST_PARAM_BYTES
      ZeRO stage 3's plan frees what it gathers: its eval's workspace holds
      less than two of the largest parameter, its train step's no more than
      stage 2's
  check_run.py pp-workspace ANALYSIS_A ANALYSIS_B
      each stage's train step in ANALYSIS_A (mlc analyze --json of a
      pipeline) plans less workspace than in ANALYSIS_B
  check_run.py pp-send-bytes LOG ANALYSIS_JSON STEPS ROWS SEQ WIDTH
      the sends of each rank of a pipeline of untied stages (pp the mesh's
      last axis) and of each stage in ANALYSIS_JSON (mlc analyze --json)
      are the closed form: per step, to each neighbour, the activations or
      adjoints of ROWS x SEQ x WIDTH floats in one call per micro-batch,
      and the loss from the last stage to every other
  check_run.py tp-all-reduce-bytes DUMP_JSON LOG STEPS LAYERS ROWS WIDTH [ANALYSIS_JSON]
      every rank's all-reduce calls and bytes in the LOG of a tensor-parallel
      mlc-run are Megatron's: per step and layer 2 all-reduces of ROWS x
      WIDTH floats in forward (after the row-split matmuls) and 2 in
      backward (the adjoints of the blocks' inputs), ROWS the tokens a rank
      holds (its rows of the batch times the sequence); the vocabulary-
      parallel embedding's rows and the LM head's adjoint (ROWS x WIDTH
      each) and the cross-entropy's maximum, sum of exponentials and target
      logit (ROWS each; the two sums in one call); with a dp axis as well,
      the 2 of data parallelism: the rank's gradients (its pieces of the
      split parameters, as DUMP_JSON lists them) and the loss; the same per
      step as the train step's collectives in ANALYSIS_JSON when given
  check_run.py zero-bytes STAGE ONE_DUMP DUMP LOG STEPS ANALYSIS_JSON
      every rank's collective bytes in the LOG of a ZeRO run (stage STAGE,
      executable DUMP over N ranks) are STEPS times the closed forms from
      the parameters of the one-rank executable ONE_DUMP (P_i elements
      each, chunks of c_i = ceil(P_i / N)): stage 1 all-reduces 4 sum P_i
      bytes of gradients, stages 2 and 3 reduce-scatter 4 N sum c_i; all
      all-reduce the train step's loss (4) and clipping's sum of squares
      (8, f64); stages 1 and 2 all-gather the updated chunks, 4 sum c_i,
      stage 3 each parameter before its first use in forward and again in
      backward where the gradients read it (once or twice each, as DUMP's
      train step does), 4 sum g_i c_i; and mlc analyze says the same
  check_run.py eval-bigram-loss METRICS TEXT
      the last eval loss of a byte bigram model is below the unigram
      entropy (in nats) of TEXT, what predicting each byte from its
      frequency alone costs, and not far below the entropy of a byte given
      the one before it, which no bigram model beats by much: a lower loss
      means the targets leak into the inputs
  check_run.py ids-to-tokens IDS OUT
      writes the comma-separated ids in the file IDS (mlc-run --print-ids)
      as a token file OUT, with one more token so that they make a window
  check_run.py greedy-matches-logits OUTPUTS IDS PROMPT_LEN
      every id after the prompt in IDS (a greedy generation with the KV
      cache) is the argmax of the full forward pass's logits (saved by
      mlc-run --save-outputs) at the position before it
  check_run.py eval-below-bigram METRICS TEXT
      the last eval loss is below the entropy of a byte given the one
      before it in TEXT: the model uses more context than one byte
  check_run.py trace TRACE RANKS ENTRY CALLS
      a Chrome trace (mlc-run --trace) of RANKS ranks, each with CALLS calls
      of ENTRY on its compute track holding its commands one after the
      other, and its collectives on its communication track; prints what
      each rank's tracks hold
  check_run.py region-writes PROFILE ENTRY
      every kernel region of ENTRY in PROFILE (mlc-run --profile) wrote
      each byte of its results once per call and no intermediate tensor;
      prints the regions by kind
"""
import json
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "..", "tools", "py"))
import safetensors_io  # noqa: E402


def records(path, phase):
    with open(path) as f:
        rows = [json.loads(line) for line in f if line.strip()]
    return [r for r in rows if r["phase"] == phase]


def byte_entropies(path):
    """The unigram and bigram (a byte given the one before) entropies of
    the bytes of `path`, in nats."""
    text = np.fromfile(path, dtype=np.uint8).astype(np.int64)
    counts = np.bincount(text, minlength=256).astype(np.float64)
    p = counts[counts > 0] / counts.sum()
    unigram = float(-(p * np.log(p)).sum())
    pairs = np.bincount(text[:-1] * 256 + text[1:], minlength=65536)
    pairs = pairs.reshape(256, 256).astype(np.float64)
    rows = pairs.sum(axis=1, keepdims=True)
    seen = pairs > 0
    bigram = float(-(pairs[seen] * np.log((pairs / np.maximum(rows, 1))[seen])).sum()
                   / pairs.sum())
    return unigram, bigram


def check_all_reduces(log, ranks, analysis, steps, want_calls, want_bytes, why):
    """Every rank of a run's LOG reports WANT_CALLS all-reduces of WANT_BYTES
    bytes in its STEPS steps (all its collectives), as does the train step
    of ANALYSIS (mlc analyze --json) per step when not None; WHY says the
    closed form in the message. Returns the number of ranks."""
    if analysis:
        step = [e for e in json.load(open(analysis))["entry_points"] if e["kind"] == "train"][0]
        reduce = [c for c in step["collectives"] if c["kind"] == "all_reduce"]
        calls, got = sum(c["calls"] for c in reduce), sum(c["bytes"] for c in reduce)
        if (steps * calls, steps * got) != (want_calls, want_bytes):
            fail(f"mlc analyze: train step all-reduces {calls} calls of {got} bytes, expected "
                 f"{want_calls // steps} calls of {want_bytes // steps} bytes per step")
    lines = [l for l in open(log) if l.startswith("collectives of rank ")]
    if len(lines) != ranks:
        fail(f"{len(lines)} ranks report collectives, the mesh has {ranks}")
    for line in lines:
        rank, rest = line[len("collectives of rank "):].split(": ", 1)
        words = rest.split()
        if words[:1] != ["all_reduce"] or words[2:5:2] != ["calls", "bytes"] or "," in rest:
            fail(f"rank {rank}: expected all-reduces alone, got: {rest.strip()}")
        if (int(words[1]), int(words[3])) != (want_calls, want_bytes):
            fail(f"rank {rank}: {words[1]} calls, {words[3]} bytes; expected {want_calls} calls, "
                 f"{want_bytes} = {why}")
    return len(lines)


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def main(argv):
    command = argv[1]
    if command == "eval-below-variance":
        metrics, data, ratio = argv[2], argv[3], float(argv[4])
        loss = records(metrics, "eval")[-1]["loss"]
        y = safetensors_io.read(data)[0]["y"].astype(np.float64)
        variance = float(np.var(y))
        print(f"eval mse {loss:.6g}, var(y) {variance:.6g}, ratio {variance / loss:.1f}")
        if not loss * ratio <= variance:
            fail(f"mse {loss} is not {ratio}x below the variance {variance}")
    elif command == "eval-at-least":
        metrics, key, value = argv[2], argv[3], float(argv[4])
        got = records(metrics, "eval")[-1][key]
        print(f"eval {key} = {got}")
        if not got >= value:
            fail(f"{key} {got} < {value}")
    elif command in ("same-losses", "different-losses"):
        a = [r["loss"] for r in records(argv[2], "train")]
        b = [r["loss"] for r in records(argv[3], "train")]
        if len(a) < 2 or len(a) != len(b):
            fail(f"expected two equally long runs, got {len(a)} and {len(b)} records")
        same = a == b
        print(f"{len(a)} logged losses, identical: {same}")
        if same != (command == "same-losses"):
            fail("the losses " + ("differ" if not same else "are identical"))
    elif command == "same-losses-after":
        after = int(argv[2])
        a = [(r["step"], r["loss"]) for r in records(argv[3], "train") if r["step"] > after]
        b = [(r["step"], r["loss"]) for r in records(argv[4], "train") if r["step"] > after]
        if not a or a != b:
            fail(f"the losses after step {after} differ: {a[:4]}... vs {b[:4]}...")
        print(f"{len(a)} logged losses after step {after} identical")
    elif command == "close-losses-after":
        after, rtol = int(argv[2]), float(argv[5])
        a = [(r["step"], r["loss"]) for r in records(argv[3], "train") if r["step"] > after]
        b = [(r["step"], r["loss"]) for r in records(argv[4], "train") if r["step"] > after]
        if not a or [s for s, _ in a] != [s for s, _ in b]:
            fail(f"expected losses after step {after} at the same steps, got {a} and {b}")
        worst = max(abs(x - y) / abs(y) for (_, x), (_, y) in zip(a, b))
        print(f"{len(a)} logged losses after step {after} agree to {worst:.2g} relative "
              f"(at most {rtol:g})")
        if not worst <= rtol:
            fail(f"losses after step {after} differ by {worst:.3g} relative: {a} vs {b}")
    elif command in ("eval-bigram-loss", "eval-below-bigram"):
        loss = records(argv[2], "eval")[-1]["loss"]
        unigram, bigram = byte_entropies(argv[3])
        if command == "eval-below-bigram":
            print(f"eval loss {loss:.4f}, bigram entropy {bigram:.4f} nats")
            if not loss < bigram:
                fail(f"eval loss {loss} is not below the bigram entropy {bigram}")
            return
        print(f"eval loss {loss:.4f}, unigram entropy {unigram:.4f}, "
              f"bigram entropy {bigram:.4f} nats")
        if not loss < unigram:
            fail(f"eval loss {loss} is not below the unigram entropy {unigram}")
        if not loss > bigram - 0.25:
            fail(f"eval loss {loss} is far below the bigram entropy {bigram}")
    elif command == "ids-to-tokens":
        ids = [int(i) for i in open(argv[2]).read().strip().split(",")]
        safetensors_io.write(argv[3], {"tokens": np.array(ids + [0], dtype=np.int32)},
                             {"mlc.tokenizer": "bytes", "mlc.vocab": "256"})
        print(f"{len(ids)} ids")
    elif command == "greedy-matches-logits":
        tensors, _ = safetensors_io.read(argv[2])
        ids = [int(i) for i in open(argv[3]).read().strip().split(",")]
        prompt = int(argv[4])
        best = tensors["logits"][0].argmax(axis=-1)
        want = np.array(ids[prompt:])
        got = best[prompt - 1:len(ids) - 1]
        if len(set(ids[prompt:])) < 2:
            fail(f"the generation repeats one token, which proves little: {ids}")
        if not np.array_equal(got, want):
            fail(f"greedy ids {want.tolist()} differ from the full pass's argmax {got.tolist()}")
        print(f"{len(want)} greedy ids match the full forward pass")
    elif command == "same-tensors":
        a, _ = safetensors_io.read(argv[2])
        b, _ = safetensors_io.read(argv[3])
        if sorted(a) != sorted(b):
            fail(f"different tensors: {sorted(a)} vs {sorted(b)}")
        for name in a:
            if a[name].dtype != b[name].dtype or not np.array_equal(a[name], b[name]):
                fail(f"tensor {name} differs")
        print(f"{len(a)} tensors identical")
    elif command == "close-losses":
        a = [(r["step"], r["loss"]) for r in records(argv[2], "train")]
        b = [(r["step"], r["loss"]) for r in records(argv[3], "train")]
        rtol = float(argv[4])
        if len(a) < 2 or [s for s, _ in a] != [s for s, _ in b]:
            fail(f"expected losses at the same steps, got {a} and {b}")
        worst = max(abs(x - y) / abs(y) for (_, x), (_, y) in zip(a, b))
        print(f"{len(a)} logged losses agree to {worst:.2g} relative (at most {rtol:g})")
        if not worst <= rtol:
            fail(f"losses differ by {worst:.3g} relative: {a} vs {b}")
    elif command == "close-tensors":
        a, _ = safetensors_io.read(argv[2])
        b, _ = safetensors_io.read(argv[3])
        rtol = float(argv[4])
        zero = {}
        rest = argv[5:]
        while rest:
            if rest[0] != "--zero-gradient" or len(rest) < 2:
                fail(f"unexpected arguments {rest}")
            name, start, end = rest[1].split(":")
            zero.setdefault(name, []).append((int(start), int(end)))
            rest = rest[2:]
        if sorted(a) != sorted(b):
            fail(f"different tensors: {sorted(a)} vs {sorted(b)}")
        worst, where, noise, element = 0.0, None, 0.0, 0.0
        for name in a:
            if a[name].dtype != b[name].dtype or a[name].shape != b[name].shape:
                fail(f"tensor {name}: {a[name].dtype}{a[name].shape} vs {b[name].dtype}{b[name].shape}")
            x, y = a[name].astype(np.float64), b[name].astype(np.float64)
            compared = np.ones(x.shape, dtype=bool)
            scale = np.abs(y).max()
            for start, end in zero.get(name, []):
                compared[start:end] = False
                for t in (x, y):
                    noise = max(noise, np.abs(t[start:end]).max() / scale)
            x, y = x[compared], y[compared]
            norm = np.linalg.norm(y)
            diff = np.linalg.norm(x - y) / (norm if norm > 0 else 1.0)
            element = max(element, np.abs(x - y).max() / (scale if scale > 0 else 1.0))
            if diff > worst:
                worst, where = diff, name
        unknown = sorted(set(zero) - set(a))
        if unknown:
            fail(f"no tensors {unknown}")
        print(f"{len(a)} tensors agree to {worst:.2g} relative in norm (at most {rtol:g}; "
              f"worst {where}); the largest difference of an element is {element:.2g} of its "
              f"tensor's largest")
        if zero:
            print(f"elements of zero gradient hold {noise:.2g} of their tensor's scale (at most 1e-3)")
        if not worst <= rtol:
            fail(f"tensor {where} differs by {worst:.3g} relative in norm")
        if not noise <= 1e-3:
            fail(f"elements of zero gradient reach {noise:.3g} of their tensor's scale")
    elif command == "all-reduce-bytes":
        dump = json.load(open(argv[2]))
        steps = int(argv[4])
        program = dump["programs"][0]
        grads = sum(b["bytes"] for b in program["buffers"]
                    if b["role"] == "parameter" and not b["frozen"])
        train = [e for e in program["entry_points"] if e["kind"] == "train"][0]
        outputs = sum(program["buffers"][o["buffer"]]["bytes"] for o in train["outputs"])
        want_bytes, want_calls = steps * (grads + outputs), steps * 2
        ranks = check_all_reduces(argv[3], dump["mesh"]["ranks"], argv[5] if len(argv) > 5 else None,
                                  steps, want_calls, want_bytes,
                                  f"{steps} x ({grads} gradient + {outputs} output bytes)")
        print(f"{ranks} ranks: all_reduce {want_calls} calls, {want_bytes} bytes = "
              f"{steps} steps x ({grads} bytes of gradients + {outputs} of outputs)" +
              (", as mlc analyze says" if len(argv) > 5 else ""))
    elif command == "tp-all-reduce-bytes":
        dump = json.load(open(argv[2]))
        steps, layers, rows, width = (int(a) for a in argv[4:8])
        program = dump["programs"][0]
        tp_calls = 4 * layers + 2 + 2
        tp_bytes = (4 * layers + 2) * rows * width * 4 + 3 * rows * 4
        dp = [a["size"] for a in dump["mesh"]["axes"] if a["name"] == "dp"]
        grads = sum(b["bytes"] for b in program["buffers"]
                    if b["role"] == "parameter" and not b["frozen"])
        dp_calls, dp_bytes = (2, grads + 4) if dp and dp[0] > 1 else (0, 0)
        want_calls = steps * (tp_calls + dp_calls)
        want_bytes = steps * (tp_bytes + dp_bytes)
        ranks = check_all_reduces(argv[3], dump["mesh"]["ranks"], argv[8] if len(argv) > 8 else None,
                                  steps, want_calls, want_bytes,
                                  f"{steps} x ((4 x {layers} + 2) x {rows} x {width} x 4 + 3 x {rows} x 4"
                                  f" + {dp_bytes})")
        print(f"{ranks} ranks: all_reduce {want_calls} calls, {want_bytes} bytes = {steps} steps x "
              f"((4 x {layers} layers + 2) x {rows} x {width} + 3 x {rows} floats over tp" +
              (f" + {grads} bytes of gradients and 4 of the loss over dp)" if dp_calls else ")") +
              (", as mlc analyze says" if len(argv) > 8 else ""))
    elif command == "pp-send-bytes":
        # A pipeline of untied stages over pp, the mesh's last axis (rank r
        # runs stage r % K): per step each stage but the last sends the
        # next one its activations, ROWS x SEQ x WIDTH floats over the M
        # micro-batches, in M calls; each but the first sends the previous
        # one their adjoints alike; the last sends the loss (4 bytes) to
        # every other stage.
        log, analysis = argv[2], json.load(open(argv[3]))
        steps, rows, seq, width = (int(a) for a in argv[4:8])
        k, m = analysis["pipeline"]["stages"], analysis["pipeline"]["micro_batches"]
        activations = rows * seq * width * 4
        want = []
        for stage in range(k):
            calls = (m if stage < k - 1 else 0) + (m if stage > 0 else 0)
            sent = activations * ((stage < k - 1) + (stage > 0))
            if stage == k - 1:
                calls, sent = calls + k - 1, sent + 4 * (k - 1)
            want.append((calls, sent))
        for program in analysis["stages"]:
            train = [e for e in program["entry_points"] if e["kind"] == "train"][0]
            said = [(c["calls"], c["bytes"]) for c in train["collectives"] if c["kind"] == "send"]
            said = said[0] if said else (0, 0)
            if said != want[program["stage"]]:
                fail(f"mlc analyze: stage {program['stage']} sends {said} (calls, bytes) a step, "
                     f"expected {want[program['stage']]}")
        lines = [l for l in open(log) if l.startswith("collectives of rank ")]
        if not lines:
            fail(f"{log} has no 'collectives of rank' lines")
        for line in lines:
            rank = int(line.split()[3].rstrip(":"))
            got = re.search(r"send (\d+) calls (\d+) bytes", line)
            got = (int(got[1]), int(got[2])) if got else (0, 0)
            calls, sent = want[rank % k]
            if got != (steps * calls, steps * sent):
                fail(f"rank {rank} sent {got} (calls, bytes) in {steps} steps, expected "
                     f"{(steps * calls, steps * sent)}")
        print(f"{len(lines)} ranks: each stage sends {m} micro-batches x {rows // m} x {seq} x "
              f"{width} floats per boundary and step ({activations} bytes), the last the loss too, "
              f"as mlc analyze says")
    elif command == "pp-workspace":
        # 1F1B holds at most K - k micro-batches' activations on stage k,
        # GPipe all M: each stage's planned workspace is smaller.
        first, second = json.load(open(argv[2])), json.load(open(argv[3]))
        peaks = []
        for a, b in zip(first["stages"], second["stages"]):
            wa = [e["workspace_bytes"] for e in a["entry_points"] if e["kind"] == "train"][0]
            wb = [e["workspace_bytes"] for e in b["entry_points"] if e["kind"] == "train"][0]
            if not wa < wb:
                fail(f"stage {a['stage']}: {first['pipeline']['schedule']} plans {wa} bytes of "
                     f"workspace, {second['pipeline']['schedule']} {wb}")
            peaks.append(f"stage {a['stage']} {wa / wb:.2f}")
        print(f"{first['pipeline']['schedule']} plans less workspace than "
              f"{second['pipeline']['schedule']} on every stage (" + ", ".join(peaks) + ")")
    elif command == "zero3-frees":
        # Stage 3 gathers a parameter before its first use in a pass and
        # the plan frees it after its last: the eval holds one gathered
        # parameter at a time (below two), and the train step's peak is no
        # higher than stage 2's, which holds the parameters whole.
        z3, z2 = json.load(open(argv[2])), json.load(open(argv[3]))
        largest = int(argv[4])
        entry = lambda a, kind: [e for e in a["entry_points"] if e["kind"] == kind][0]
        ev = entry(z3, "eval")["workspace_bytes"]
        if not ev < 2 * largest:
            fail(f"stage 3's eval plans {ev} bytes of workspace: more than two gathered "
                 f"parameters of {largest} bytes live at once")
        t3, t2 = entry(z3, "train")["workspace_bytes"], entry(z2, "train")["workspace_bytes"]
        if not t3 <= t2:
            fail(f"stage 3's train step plans {t3} bytes of workspace, stage 2's {t2}")
        print(f"stage 3: eval workspace {ev} bytes < 2 x {largest} (one gathered parameter "
              f"at a time); train step {t3} <= stage 2's {t2}")
    elif command == "zero-bytes":
        stage, one, dump = int(argv[2]), json.load(open(argv[3])), json.load(open(argv[4]))
        steps, analysis = int(argv[6]), json.load(open(argv[7]))
        ranks = dump["mesh"]["ranks"]
        whole = {b["name"]: int(np.prod(b["shape"])) for b in one["programs"][0]["buffers"]
                 if b["role"] == "parameter" and not b["frozen"]}
        chunk = {name: -(-n // ranks) for name, n in whole.items()}
        program = dump["programs"][0]
        train = [e for e in program["entry_points"] if e["kind"] == "train"][0]
        gathers = {}
        for c in train["commands"]:
            if c["type"] == "collective" and c["collective"]["kind"] == "all_gather":
                name = program["buffers"][c["operands"][0]]["name"]
                gathers[name] = gathers.get(name, 0) + 1
        want = {"all_reduce": 4 + 8}
        if stage == 1:
            want["all_reduce"] += 4 * sum(whole.values())
        else:
            want["reduce_scatter"] = 4 * ranks * sum(chunk.values())
        if stage < 3:
            want["all_gather"] = 4 * sum(chunk.values())
        else:
            if sorted(gathers) != sorted(whole) or not all(1 <= g <= 2 for g in gathers.values()):
                fail(f"stage 3 gathers {gathers}; expected each of {sorted(whole)} once or twice")
            want["all_gather"] = 4 * sum(gathers[n] * chunk[n] for n in whole)
        step = [e for e in analysis["entry_points"] if e["kind"] == "train"][0]
        said = {c["kind"]: c["bytes"] for c in step["collectives"] if c["kind"] != "all_slice"}
        if said != want:
            fail(f"mlc analyze: the train step hands {said} to collectives per step, expected {want}")
        lines = [l for l in open(argv[5]) if l.startswith("collectives of rank ")]
        if len(lines) != ranks:
            fail(f"{len(lines)} ranks report collectives, the mesh has {ranks}")
        for line in lines:
            rank, rest = line[len("collectives of rank "):].split(": ", 1)
            got = {}
            for part in rest.split(";")[0].split(", "):
                words = part.split()
                got[words[0]] = int(words[3])
            got.pop("all_slice", None)
            if got != {k: steps * v for k, v in want.items()}:
                fail(f"rank {rank}: {got}; expected {steps} steps x {want}")
        print(f"ZeRO {stage}, {ranks} ranks: per step " +
              ", ".join(f"{k} {v} bytes" for k, v in sorted(want.items())) +
              ", as the closed forms and mlc analyze say")
    elif command == "profile":
        # profile FILE DUMP_JSON ENTRY=CALLS...: the profile has the entry
        # points called, each as often as said, with one record per command
        # in the executable's order, and its times add up.
        profile = json.load(open(argv[2]))
        dump = json.load(open(argv[3]))
        expected = dict((a.split("=")[0], int(a.split("=")[1])) for a in argv[4:])
        got_names = sorted(e["name"] for e in profile["entries"])
        if got_names != sorted(expected):
            fail(f"profiled entry points {got_names}, expected {sorted(expected)}")
        program = dump["programs"][0]
        commands = {e["name"]: e["commands"] for e in program["entry_points"]}
        kernels = program["kernels"]
        if not profile["entries"]:
            fail("no profiled entry point")
        for entry in profile["entries"]:
            want = commands[entry["name"]]
            got = entry["commands"]
            if entry["calls"] != expected[entry["name"]]:
                fail(f"{entry['name']}: {entry['calls']} calls, expected {expected[entry['name']]}")
            if len(got) != len(want):
                fail(f"{entry['name']}: {len(got)} commands profiled, the executable has {len(want)}")
            for c, w in zip(got, want):
                # A copy command has no kernel; the profile calls it "copy",
                # a collective by its kind.
                name = ("copy" if w["type"] == "copy" else
                        w["collective"]["kind"] if w["type"] == "collective" else
                        kernels[w["kernel"]]["name"])
                if c["kernel"] != name:
                    fail(f"command {c['index']} is {c['kernel']}, expected {name}")
                if c["seconds_per_call"] < 0 or c["bytes"] <= 0:
                    fail(f"command {c['index']}: bad time or bytes {c}")
            total = sum(c["seconds_per_call"] for c in got)
            if not total > 0 or abs(total - entry["seconds_per_call"]) > 1e-9 * max(1, total):
                fail(f"{entry['name']}: commands sum to {total}, entry says {entry['seconds_per_call']}")
            print(f"{entry['name']}: {len(got)} commands, {entry['calls']} calls, {total:.3g} s/call")
    elif command == "region-writes":
        profile = json.load(open(argv[2]))
        entry = [e for e in profile["entries"] if e["name"] == argv[3]]
        if not entry:
            fail(f"{argv[2]}: no profiled entry point {argv[3]}")
        kinds = {}
        for c in entry[0]["commands"]:
            if c["kind"] not in ("FusedLoop", "FusedReduce"):
                if "written_per_call" in c:
                    fail(f"command {c['index']} ({c['kind']}) reports region writes")
                continue
            w = c.get("written_per_call")
            if w is None:
                fail(f"region {c['index']} ({c['kernel']}) reports no writes")
            if w["results"] != c["result_bytes"]:
                fail(f"region {c['index']} ({c['kernel']}) wrote {w['results']} result "
                     f"bytes per call, its results have {c['result_bytes']}")
            if w["intermediates"] != 0:
                fail(f"region {c['index']} ({c['kernel']}, ops {c['fused_ops']}) wrote "
                     f"{w['intermediates']} bytes of intermediate tensors per call")
            kinds[c["kind"]] = kinds.get(c["kind"], 0) + 1
        print(", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) +
              ": results written once, no intermediate tensors")
    elif command == "trace":
        check_trace(argv[2], int(argv[3]), argv[4], int(argv[5]))
    elif command == "trace-bubbles":
        trace = json.load(open(argv[2]))
        ranks, entry, calls = int(argv[3]), argv[4], int(argv[5])
        slices = [e for e in trace["traceEvents"] if e["ph"] == "X"]
        counts = []
        for r in range(ranks):
            mine = [e for e in slices if e["pid"] == r]
            call_slices = [e for e in mine if e["cat"] == "call" and e["name"] == entry]
            if len(call_slices) != calls:
                fail(f"{argv[2]}: rank {r} has {len(call_slices)} calls of {entry}, expected {calls}")
            bubbles = [e for e in mine if e["cat"] == "bubble"]
            if any(e["name"] not in ("recv", "wait for recv") for e in bubbles):
                fail(f"{argv[2]}: rank {r} has bubbles that are not receives: "
                     f"{sorted({e['name'] for e in bubbles})}")
            for c in call_slices:
                if not any(c["ts"] - 1e-3 <= b["ts"] <= c["ts"] + c["dur"] + 1e-3 for b in bubbles):
                    fail(f"{argv[2]}: rank {r}: a call of {entry} at {c['ts']} waits for no stage")
            counts.append(len(bubbles))
        print(f"{ranks} ranks: every rank's {entry} calls wait for a neighbouring stage (bubble "
              f"events on " + ", ".join(f"rank {r}: {n}" for r, n in enumerate(counts)) + ")")
    else:
        fail("unknown command " + command)


def check_trace(path, ranks, entry, calls):
    """A trace of `ranks` ranks, each with `calls` calls of `entry` on its
    compute track, the commands of each call inside it and one after the
    other, and the collectives on the communication track; prints what
    each rank's tracks hold."""
    trace = json.load(open(path))
    events = trace["traceEvents"]
    names = {(e["pid"], e.get("tid")): e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] in ("process_name", "thread_name")}
    slices = [e for e in events if e["ph"] == "X"]
    pids = sorted({e["pid"] for e in slices})
    if pids != list(range(ranks)):
        fail(f"{path}: slices of processes {pids}, expected ranks 0..{ranks - 1}")
    for r in pids:
        if names.get((r, None)) != f"rank {r}":
            fail(f"{path}: process {r} is not named 'rank {r}'")
        if names.get((r, 0)) != "compute" or names.get((r, 1)) != "communication":
            fail(f"{path}: rank {r}'s tracks are not named compute and communication")
        mine = [e for e in slices if e["pid"] == r]
        call_slices = sorted((e for e in mine if e["cat"] == "call"), key=lambda e: e["ts"])
        if [e["name"] for e in call_slices] != [entry] * calls:
            fail(f"{path}: rank {r} has calls {[e['name'] for e in call_slices]}, "
                 f"expected {calls} of {entry}")
        compute = sorted((e for e in mine if e["tid"] == 0 and e["cat"] != "call"),
                         key=lambda e: e["ts"])
        # Commands of the device follow one another (to the rounding of the
        # nanosecond), each inside a call.
        for a, b in zip(compute, compute[1:]):
            if b["ts"] + 1e-3 < a["ts"] + a["dur"]:
                fail(f"{path}: rank {r}: {a['name']} and {b['name']} overlap on the compute track")
        for e in compute:
            if not any(c["ts"] - 1e-3 <= e["ts"] and
                       e["ts"] + e["dur"] <= c["ts"] + c["dur"] + 1e-3 for c in call_slices):
                fail(f"{path}: rank {r}: {e['name']} lies outside every call")
        comm = [e for e in mine if e["tid"] == 1]
        if any(e["cat"] != "collective" for e in comm):
            fail(f"{path}: rank {r}: the communication track holds more than collectives")
        kinds = {}
        for e in comm:
            kinds[e["name"]] = kinds.get(e["name"], 0) + 1
        cats = {}
        for e in compute:
            cats[e["cat"]] = cats.get(e["cat"], 0) + 1
        print(f"rank {r}: {len(call_slices)} calls; compute " +
              ", ".join(f"{k} {n}" for k, n in sorted(cats.items())) +
              "; communication " +
              (", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) or "none"))


main(sys.argv)
