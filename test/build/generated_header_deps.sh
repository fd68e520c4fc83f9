#!/usr/bin/env bash
# Builds the object files of each target on its own, in a fresh build
# folder, after removing every generated file. A target whose sources
# include a generated header (ir/*.inc, passes/Passes.h.inc, the .mlcx
# schema header) without depending on the target that generates it fails
# here whatever the parallelism; a full build can hide that by luck.
# Usage: generated_header_deps.sh SOURCE_DIR WORK_DIR SETTINGS JOBS [CMAKE_ARGS...]
set -euo pipefail
src="$1" work="$2" settings="$3" jobs="$4"
shift 4

rm -rf "$work"
mkdir -p "$work"
if ! cmake -G Ninja -S "$src" -B "$work" -C "$settings" "$@" \
    > "$work/configure.log" 2>&1; then
  cat "$work/configure.log"
  exit 1
fi

# Every object file with the target it belongs to (the CMakeFiles/<target>.dir
# folder it is built in), one "target object" pair a line.
ninja -C "$work" -t targets all |
  sed -n 's|^\(.*CMakeFiles/\([^/]*\)\.dir/.*\.o\): CXX_COMPILER__.*|\2 \1|p' |
  sort > "$work/objects.txt"
targets=$(cut -d' ' -f1 "$work/objects.txt" | uniq)
if [ -z "$targets" ]; then
  echo "no object files found in $work/build.ninja" >&2
  exit 1
fi

failed=()
for t in $targets; do
  objects=$(awk -v t="$t" '$1 == t { print $2 }' "$work/objects.txt")
  # Objects built for earlier targets stay; their generated inputs go, so
  # that only this target's own dependencies can bring them back.
  ninja -C "$work" -t clean -r CUSTOM_COMMAND > /dev/null
  # shellcheck disable=SC2086
  if ninja -C "$work" -j "$jobs" $objects > "$work/$t.log" 2>&1; then
    echo "ok     $t ($(echo "$objects" | wc -l) objects)"
  else
    echo "FAILED $t: its objects do not wait for a generated header they include"
    grep -E -m 3 "fatal error|No such file" "$work/$t.log" || tail -n 20 "$work/$t.log"
    failed+=("$t")
  fi
done

if [ ${#failed[@]} -ne 0 ]; then
  echo "missing build dependencies on generated headers in: ${failed[*]}"
  echo "(declare them with DEPENDS on add_mlir_library, or add_dependencies)"
  exit 1
fi
