"""Checks the ZeRO memory of `mlc analyze --json` of a generated GPT-2
(tied head) against closed forms computed here from its configuration, and
the optimizer-state arena against the executable (mlc-dump --json).

  check_zero_memory.py REPORT DUMP STAGE RANKS LAYERS DIM VOCAB CONTEXT

P (psi) is the number of parameter elements; over N ranks each tensor of
n elements is cut into chunks of ceil(n / N), and P_N is the sum of the
chunks, P / N when every tensor divides. AdamW in the mixed-precision
accounting of the ZeRO paper keeps K = 12 bytes per parameter (an fp32
master copy and two moments) beside f16 parameters and gradients (2 bytes
each): per rank (2 + 2 + K) P at stage 0, 4 P + K P_N at 1, 2 P + (2 + K)
P_N at 2, (4 + K) P_N at 3. The fp32 executable holds 4-byte parameters,
gradients and two 4-byte moments, sharded the same way.
"""
import json
import sys


def fail(message):
    print("FAILED: " + message)
    sys.exit(1)


def main(argv):
    report, dump = json.load(open(argv[1])), json.load(open(argv[2]))
    stage, ranks, l, d, v, c = (int(a) for a in argv[3:9])
    tensors = [v * d, c * d] + l * [d, d, 3 * d * d, 3 * d, d * d, d, d, d,
                                     4 * d * d, 4 * d, 4 * d * d, d] + [d, d]
    psi = sum(tensors)
    chunks = [-(-n // ranks) for n in tensors]
    psi_n = sum(chunks)
    k = 12
    totals = [(2 + 2 + k) * psi, 4 * psi + k * psi_n,
              2 * psi + (2 + k) * psi_n, (4 + k) * psi_n]
    zero = report["memory"]["zero"]
    mixed = zero["mixed_precision"]
    want = {
        "parameter_bytes": 2 * (psi_n if stage >= 3 else psi),
        "gradient_bytes": 2 * (psi_n if stage >= 2 else psi),
        "optimizer_state_bytes": k * (psi_n if stage >= 1 else psi),
        "total_bytes": totals[stage],
    }
    for key, value in want.items():
        if mixed[key] != value:
            fail("mixed precision %s: %d, expected %d" % (key, mixed[key], value))
    if (zero["stage"], zero["ranks"], zero["trained_elements"],
            zero["elements_per_rank"], zero["optimizer_bytes_per_element"]) != \
            (stage, ranks, psi, psi_n, k):
        fail("zero report %s, expected stage %d over %d ranks, P = %d, P_N = %d, K = %d" %
             (zero, stage, ranks, psi, psi_n, k))
    fp32 = zero["fp32"]
    want32 = {
        "parameter_bytes": 4 * (psi_n if stage >= 3 else psi),
        "gradient_bytes": 4 * (psi_n if stage >= 2 else psi),
        "optimizer_state_bytes": 8 * (psi_n if stage >= 1 else psi),
    }
    for key, value in want32.items():
        if fp32[key] != value:
            fail("fp32 %s: %d, expected %d" % (key, fp32[key], value))
    # The optimizer-state arena: each moment its own 64-byte-aligned slice
    # (the step counter lives in an arena of its own).
    align = lambda n: (n + 63) // 64 * 64
    arena = 2 * sum(align(4 * (ch if stage >= 1 else n)) for n, ch in zip(tensors, chunks))
    program = dump["programs"][0]
    planned = report["memory"]["arenas"].get("optimizer_state")
    held = [a["size"] for a in program["memory"]["arenas"] if a["kind"] == "optimizer_state"]
    if planned != arena or held != [arena]:
        fail("optimizer-state arena: analysis %s, executable %s, closed form %d bytes" %
             (planned, held, arena))
    print("ZeRO %d over %d ranks: P = %d, P_N = %d; mixed precision %d bytes per rank; "
          "fp32 optimizer state %d bytes, arena %d as the executable's" %
          (stage, ranks, psi, psi_n, totals[stage], want32["optimizer_state_bytes"], arena))


main(sys.argv)
