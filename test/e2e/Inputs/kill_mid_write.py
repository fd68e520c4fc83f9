"""Kills mlc-run while it writes a checkpoint, then resumes from the file.

  kill_mid_write.py EXE DATA DIR

Starts `mlc-run EXE --data DATA --save DIR/ckpt.safetensors
--checkpoint-every 1` for many steps, waits until a first checkpoint is in
place and a later one is being written (its temporary DIR/ckpt.safetensors
.tmp.PID holds a MiB or more), and sends SIGKILL. A kill that lands after the rename
(the temporary is gone) proves nothing, so it starts again, a few times at
most. Then:

  - the temporary the killed writer left is still there, shorter than a
    whole checkpoint (the kill was mid-write);
  - the checkpoint loads: `--resume` from it to two steps further gives
    bit-identical parameters to a run that trains that far at once, so it
    is the whole previous checkpoint, not a torn one;
  - the next write to the same file removes the dead writer's temporary.

mlc-run is found on PATH.
"""
import os
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "python"))
from suite import Runner, fail, safetensors_io  # noqa: E402

ATTEMPTS = 5
# The kill waits until the temporary holds this much, so that a real part
# of the checkpoint is written when it lands.
MID_WRITE_BYTES = 1 << 20


def written(path):
    try:
        return os.path.getsize(path)
    except FileNotFoundError:
        return -1


def kill_while_writing(exe, data, ckpt):
    """Starts a run and kills it mid-write; returns the temporary it left,
    or None if the kill came too late."""
    for name in os.listdir(os.path.dirname(ckpt)):
        if name.startswith(os.path.basename(ckpt)):
            os.remove(os.path.join(os.path.dirname(ckpt), name))
    process = subprocess.Popen(
        ["mlc-run", exe, "--data", data, "--steps", "100000", "--checkpoint-every", "1",
         "--save", ckpt, "--threads", "2", "--seed", "5", "--no-progress"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    temporary = f"{ckpt}.tmp.{process.pid}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and process.poll() is None:
        if os.path.exists(ckpt) and written(temporary) >= MID_WRITE_BYTES:
            process.send_signal(signal.SIGKILL)
            process.wait()
            return temporary if os.path.exists(temporary) else None
        time.sleep(0.0002)
    process.kill()
    process.wait()
    fail(f"mlc-run ended or never wrote a second checkpoint: {process.stderr.read().decode()}")


def main(exe, data, work):
    runner = Runner(None, work)
    ckpt = runner.path("ckpt.safetensors")
    for attempt in range(1, ATTEMPTS + 1):
        temporary = kill_while_writing(exe, data, ckpt)
        if not temporary:
            print(f"attempt {attempt}: the kill came after the rename; again")
            continue
        # Every checkpoint of the run has the same size: a temporary as
        # large as the last one was written whole, the kill landing between
        # the write and the rename.
        if os.path.getsize(temporary) >= os.path.getsize(ckpt):
            print(f"attempt {attempt}: the kill came after the write, before "
                  f"the rename; again")
            continue
        break
    else:
        fail(f"no kill landed mid-write in {ATTEMPTS} attempts")
    tensors, metadata = safetensors_io.read(ckpt)
    whole = os.path.getsize(ckpt)
    partial = os.path.getsize(temporary)
    step = int(metadata["mlc.step"])
    print(f"killed mid-write: {partial} of {whole} bytes written; "
          f"the checkpoint holds step {step}")

    target = str(step + 2)
    straight, resumed = runner.path("straight.safetensors"), runner.path("resumed.safetensors")
    runner.run("mlc-run", exe, "--data", data, "--steps", target, "--threads", "2", "--seed", "5",
               "--save-params", straight, "--no-progress")
    out = runner.run("mlc-run", exe, "--data", data, "--steps", target, "--threads", "2",
                     "--resume", ckpt, "--save", ckpt, "--save-params", resumed, "--no-progress")
    if f"at step {step}" not in out:
        fail(f"resumed at another step than {step}:\n{out}")
    a, b = safetensors_io.read(straight)[0], safetensors_io.read(resumed)[0]
    if sorted(a) != sorted(b) or any((a[k] != b[k]).any() for k in a):
        fail("the resumed parameters differ from the uninterrupted run's")
    print(f"resumed from step {step} to {target}: {len(a)} parameters bit-identical")
    if os.path.exists(temporary):
        fail(f"the next write left the dead writer's temporary {temporary}")
    print("the next write removed the dead writer's temporary")


if __name__ == "__main__":
    main(*sys.argv[1:])
