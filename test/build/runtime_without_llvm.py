#!/usr/bin/env python3
"""Checks that LLVM's settings do not reach the runtime side of the build.

Configures a fresh build folder without the compiler (MLC_BUILD_COMPILER=OFF,
and find_package(MLIR) and find_package(LLVM) disabled, so nothing of LLVM
can be there), then compares every compile and link command of that
configuration (libmlcrt, mlc-run, the runtime's unit tests, the test
utilities) with the same command of the full build. Any difference, such as
LLVM's include path, its definitions or HandleLLVMOptions' flags, fails.

Usage: runtime_without_llvm.py SOURCE_DIR BUILD_DIR WORK_DIR SETTINGS [CMAKE_ARGS...]
"""
import os
import shlex
import shutil
import subprocess
import sys


def commands(build_dir):
    """Maps each compiled or linked output to its command, with the build
    folder's path replaced so that two folders compare."""
    out = subprocess.run(["ninja", "-C", build_dir, "-t", "commands"],
                         check=True, capture_output=True, text=True).stdout
    root = os.path.realpath(build_dir)
    result = {}
    for line in out.splitlines():
        is_compile = " -c " in line
        is_link = line.startswith(": && ")
        if not (is_compile or is_link):
            continue
        tokens = shlex.split(line.replace(root, "<build>"))
        if "-o" not in tokens:
            continue
        output = tokens[tokens.index("-o") + 1]
        result[output] = ("compile" if is_compile else "link", tokens)
    return result


def main():
    source, build, work, settings = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    configure = subprocess.run(
        ["cmake", "-G", "Ninja", "-S", source, "-B", work, "-C", settings,
         "-DMLC_BUILD_COMPILER=OFF", "-DCMAKE_DISABLE_FIND_PACKAGE_MLIR=ON",
         "-DCMAKE_DISABLE_FIND_PACKAGE_LLVM=ON", "--no-warn-unused-cli"] + sys.argv[5:],
        capture_output=True, text=True)
    if configure.returncode != 0:
        print(configure.stdout + configure.stderr)
        print("the runtime alone (MLC_BUILD_COMPILER=OFF) does not configure")
        return 1

    full = commands(build)
    alone = commands(work)
    failures = 0
    for output, (kind, tokens) in sorted(alone.items()):
        if output not in full:
            print(f"{output}: built without the compiler but not in {build}")
            failures += 1
            continue
        full_tokens = full[output][1]
        if full_tokens != tokens:
            extra = [t for t in full_tokens if t not in tokens]
            missing = [t for t in tokens if t not in full_tokens]
            print(f"{output}: the {kind} command differs from the build "
                  "without the compiler")
            print(f"  only with the compiler: {shlex.join(extra)}")
            if missing:
                print(f"  only without it: {shlex.join(missing)}")
            failures += 1
    kinds = [kind for kind, _ in alone.values()]
    if kinds.count("compile") == 0 or kinds.count("link") == 0:
        print(f"found no compile or no link commands in {work}")
        return 1
    if failures:
        print(f"{failures} of {len(alone)} runtime-side commands get settings "
              "from the compiler side; keep LLVM's settings inside compiler/")
        return 1
    print(f"{kinds.count('compile')} compile and {kinds.count('link')} link "
          "commands of the runtime side are those of a build without LLVM")
    return 0


if __name__ == "__main__":
    sys.exit(main())
