#!/usr/bin/env bash
# The sanitizer and fuzzing run: builds TileMLIR with clang under
# AddressSanitizer + UndefinedBehaviorSanitizer (and libFuzzer coverage) in
# build-sanitize/, runs every lit and unit test there, then each libFuzzer
# target for a bounded time from a seed corpus cut from the repo's tests.
#
#   scripts/sanitize.sh [SECONDS_PER_FUZZER]   (default 60; 0: no fuzzing)
#
# The fuzzers start from TL_FUZZ_SEED (default 1), so a run explores the
# same inputs in the same order wherever it runs; set another seed (or
# TL_FUZZ_SEED=0, libFuzzer's random one) to search further.
#
# Any sanitizer report fails the tests (UBSan does not recover); a fuzzer
# that finds a crash stops with its reproducer under build-sanitize/fuzz/.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TL_SANITIZE_BUILD_DIR:-$root/build-sanitize}
seconds=${1:-60}

"$root/scripts/setup.sh"
# clang 22, the LLVM the project builds on: its sanitizer runtime locks
# its allocator around fork(), which the tuner's reference and worker
# processes need (clang 14's deadlocks there).
cc=clang-22
cxx=clang++-22
for tool in "$cc" "$cxx"; do
  command -v "$tool" >/dev/null || {
    echo "sanitize: $tool is missing; scripts/setup.sh installs clang-22" >&2
    exit 1
  }
done

flags="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
flags+=" -fsanitize=fuzzer-no-link -fno-omit-frame-pointer -g1"
if [ ! -f "$build/build.ninja" ]; then
  cmake -G Ninja -S "$root" -B "$build" \
    -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER="$cc" -DCMAKE_CXX_COMPILER="$cxx" \
    -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
    -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=address,undefined" \
    -DTL_BUILD_FUZZERS=ON \
    -DMLIR_DIR=/usr/lib/llvm-22/lib/cmake/mlir \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit
fi
ninja -C "$build" tl-opt tl-compile tl-tune TLUnitTests \
  tl-fuzz-ir tl-fuzz-constraint tl-fuzz-npy

# Leaks are not checked: the tuner leaks, on purpose, a compile session
# whose thread it had to abandon, and MLIR keeps process-lifetime state.
# Faults planted in tests must reach the tuner as signals, so ASan leaves
# SIGSEGV to them. LLVM's headers poison allocator slabs when compiled
# under ASan, which the uninstrumented LLVM/MLIR libraries then touch:
# manual poisoning is off (allow_user_poisoning=0), the rest is checked.
export ASAN_OPTIONS=detect_leaks=0:handle_segv=0:handle_sigbus=0:handle_sigfpe=0:abort_on_error=1:allow_user_poisoning=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ninja -C "$build" check-tl

[ "$seconds" -gt 0 ] || exit 0
corpus=$build/fuzz
rm -rf "$corpus"
mkdir -p "$corpus"/{ir,constraint,npy,crashes}
# Seeds: every split of every .mlir test and example; the constraint
# strings the tests use; .npy files written by the test inputs' script.
python3 - "$root" "$corpus" <<'EOF'
import glob, os, re, struct, sys
root, out = sys.argv[1], sys.argv[2]
n = 0
for path in glob.glob(f"{root}/test/**/*.mlir", recursive=True) + \
        glob.glob(f"{root}/examples/*.mlir"):
    text = open(path).read()
    for part in re.split(r"^// -----$", text, flags=re.M):
        open(f"{out}/ir/seed{n}.mlir", "w").write(part)
        n += 1
    for m in re.finditer(r"constraint='([^']*)'", text):
        open(f"{out}/constraint/seed{n}", "w").write(m.group(1))
        n += 1
for i, c in enumerate(["block_M * block_K <= 8192 && threads % 32 == 0",
                       "(a + 1) / (b - 2) % 3 != -c", "!(x > 1) || y == 0"]):
    open(f"{out}/constraint/extra{i}", "w").write(c)
for i, (shape, count) in enumerate([("(4, 64)", 256), ("(3,)", 3), ("()", 1)]):
    header = "{'descr': '<f4', 'fortran_order': False, 'shape': %s, }" % shape
    header += " " * (63 - len(header) % 64) + "\n"
    data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode()
    open(f"{out}/npy/seed{i}.npy", "wb").write(data + b"\0" * 4 * count)
EOF
status=0
for name in ir constraint npy; do
  echo "sanitize: fuzzing $name for $seconds s"
  "$build/bin/tl-fuzz-$name" "$corpus/$name" -max_total_time="$seconds" \
    -seed="${TL_FUZZ_SEED:-1}" \
    -timeout=20 -rss_limit_mb=4096 -max_len=65536 -print_final_stats=1 \
    -artifact_prefix="$corpus/crashes/$name-" 2>"$corpus/$name.log" ||
    status=1
  grep -E "stat::number_of_executed_units|ERROR|SUMMARY" "$corpus/$name.log" || true
done
exit $status
