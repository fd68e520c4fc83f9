"""Checks `mlc analyze --json` of a generated GPT-2 against closed forms
computed here from its configuration, and against the executable that
`mlc compile` makes of the same model (mlc-dump --json).

  check_analysis.py REPORT DUMP LAYERS DIM VOCAB CONTEXT BATCH SEQ

GPT-2 with a tied head: N = 12 L D^2 (the blocks' matrices) + D V (the
head) multiplying parameters; P = V D + C D + L (12 D^2 + 13 D) + 2 D
parameters. The train step's matmuls do 6 N B T FLOPs (forward 2 N per
token, the gradients of inputs and weights 4 N); AdamW keeps two moments
per parameter and an i64 step; each trained parameter has a gradient.
"""
import json
import re
import sys


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def elements(tensor_type):
    dims = re.match(r"tensor<((?:\d+x)*)\w+>", tensor_type).group(1)
    n = 1
    for d in dims.split("x")[:-1]:
        n *= int(d)
    return n


def main(argv):
    report, dump = json.load(open(argv[1])), json.load(open(argv[2]))
    l, d, v, c, b, t = (int(a) for a in argv[3:9])
    n = 12 * l * d * d + d * v
    p = v * d + c * d + l * (12 * d * d + 13 * d) + 2 * d
    entries = {e["name"]: e for e in report["entry_points"]}
    train = entries.get("train_step")
    if train is None:
        fail("no train_step entry point in %s" % sorted(entries))
    mm = sum(m["flops"] for m in train["matmuls"])
    if mm != 6 * n * b * t:
        fail("train_step matmuls: %d FLOPs, 6 N B T = %d" % (mm, 6 * n * b * t))
    for m in train["matmuls"]:
        moved = 4 * (elements(m["lhs"]) + elements(m["rhs"]) +
                     elements(m["result"]))
        if m["bytes"] != moved:
            fail("%s x %s: %d bytes, operands and result hold %d" %
                 (m["lhs"], m["rhs"], m["bytes"], moved))
        if abs(m["intensity"] - m["flops"] / moved) > 1e-9 * m["intensity"]:
            fail("%s x %s: intensity %g" % (m["lhs"], m["rhs"], m["intensity"]))
    memory = report["memory"]
    want = {"parameter_bytes": 4 * p, "gradient_bytes": 4 * p,
            "optimizer_state_bytes": 8 * p + 8}
    for key, value in want.items():
        if memory[key] != value:
            fail("memory %s: %d, expected %d" % (key, memory[key], value))
    program = dump["programs"][0]
    if memory["planned_bytes"] != program["memory"]["planned_bytes"]:
        fail("planned %d bytes, the executable plans %d" %
             (memory["planned_bytes"], program["memory"]["planned_bytes"]))
    if train["flops"] != dump["flops_per_step"]:
        fail("train_step: %d FLOPs, the executable records %d" %
             (train["flops"], dump["flops_per_step"]))
    print("train_step: %d matmuls, 6 N B T = %d FLOPs; parameters 4 P = %d "
          "bytes, AdamW state 8 P + 8; plan and FLOPs as the executable's" %
          (len(train["matmuls"]), mm, 4 * p))


main(sys.argv)
