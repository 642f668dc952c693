#!/usr/bin/env python3
"""Same-run comparison of code variants of the example GEMM on a GPU.

Every variant is a group directory of build-matmul-check.sh (one dtype, one
shape), built from a different compiler or flags. The kernels named by
--configs run interleaved: each round times every (variant, config) and
cuBLAS back to back (--reps launches after a warm-up), so clock and thermal
drift hit all of them alike; the table gives the median over --rounds.
Each kernel's output is first checked against torch.matmul in float64.
--flush times single launches after an L2 flush instead (median of --reps).

  python3 ab_matmul.py OUT LABEL=DIR [LABEL=DIR ...] \
      [--configs SUBSTR,...] [--rounds 7] [--reps 30] [--flush] [--mma-peak CUBIN]
      [--unchecked LABEL,...] [--triton]

--unchecked names variants whose output is not checked: builds that leave
a part of the kernel out (the epilogue's stores, say) to time the rest.

--triton also times Triton's autotuned matmul (triton_peer.py: the
tutorial's kernel over Hopper-sized tiles), tuned once before the rounds.

--mma-peak also times mma_peak.cu (mma.sync from registers, no memory) at
1, 2 and 3 blocks of 4 warps per SM: the tensor-core ceiling of mma.sync.
"""
import argparse
import ctypes
import json
import os
import random
import statistics
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_matmul import (  # noqa: E402
    CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES, check, flushed_median, group_inputs,
    kernel_launcher)

libcuda = ctypes.CDLL("libcuda.so.1")


def load(cubin, symbol, smem=0):
    module = ctypes.c_void_p()
    check(libcuda.cuModuleLoadData(ctypes.byref(module), open(cubin, "rb").read()),
          "cuModuleLoadData")
    func = ctypes.c_void_p()
    check(libcuda.cuModuleGetFunction(ctypes.byref(func), module, symbol.encode()),
          "cuModuleGetFunction")
    if smem:
        check(libcuda.cuFuncSetAttribute(func, CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES,
                                         ctypes.c_int(smem)), "cuFuncSetAttribute")
    return func


def timed(fn, reps):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    for _ in range(3):
        fn()
    start.record()
    for _ in range(reps):
        fn()
    end.record()
    torch.cuda.synchronize()
    return start.elapsed_time(end) / reps


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out")
    p.add_argument("variants", nargs="+", help="LABEL=GROUP_DIR")
    p.add_argument("--configs", default="", help="comma-separated substrings of kernel names")
    p.add_argument("--rounds", type=int, default=7)
    p.add_argument("--reps", type=int, default=30)
    p.add_argument("--flush", action="store_true",
                   help="time single launches after an L2 flush (median) instead")
    p.add_argument("--mma-peak", default="")
    p.add_argument("--unchecked", default="", help="comma-separated labels not checked")
    p.add_argument("--triton", action="store_true",
                   help="also time Triton's autotuned matmul (triton_peer.py) in the rounds")
    args = p.parse_args()
    stream = ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)
    variants = [v.split("=", 1) for v in args.variants]
    dtype_name, (m, n, k), dtype, a, b, bk, ref = group_inputs(variants[0][1])
    c = torch.empty(m, n, device="cuda", dtype=dtype)
    flop = 2.0 * m * n * k
    wanted = [s for s in args.configs.split(",") if s]

    kernels = []  # (label, name, launch)
    log = open(os.path.join(args.out, "ab.log"), "w")
    unchecked = args.unchecked.split(",")

    def check_and_keep(label, name_of, launch):
        """Launches once (triton.autotune tunes there), checks C against the
        float64 reference, keeps the kernel for the rounds."""
        c.zero_()
        launch()
        torch.cuda.synchronize()
        bad = ((c.double() - ref).abs() > 1e-2 + 1e-2 * ref.abs()).sum().item()
        name = name_of()
        log.write(f"{label} {name}: {bad} mismatched\n")
        if bad > 0.01 * m * n and label not in unchecked:
            raise SystemExit(f"{label} {name}: {bad} mismatched elements")
        kernels.append((label, name, launch))

    for label, gdir in variants:
        index = json.load(open(os.path.join(gdir, "index.json")))
        for entry in index["kernels"]:
            name = entry["name"]
            if wanted and not any(w in name for w in wanted):
                continue
            kdir = os.path.join(gdir, entry["dir"])
            launch = kernel_launcher(kdir, [t.data_ptr() for t in (a, b, c)], stream)
            check_and_keep(label, lambda: name, launch)
    if args.triton:
        import triton_peer
        check_and_keep("Triton", triton_peer.best_config, triton_peer.launcher(a, bk, c))

    # Flushed: single launches after zeroing 256 MiB, median (tl-tune's and
    # Triton's do_bench's protocol, with one warm-up launch).
    timer = (lambda fn, reps: flushed_median(fn, warmup=1, reps=reps)) if args.flush else timed
    times = {(lab, name): [] for lab, name, _ in kernels}
    blas = []
    # Each round in its own (seeded) order: a fixed order would give the
    # kernels timed late in a round the heat of those before, every round.
    order = random.Random(0)
    for r in range(args.rounds):
        blas.append(timer(lambda: torch.matmul(a, bk), args.reps))
        for lab, name, launch in order.sample(kernels, len(kernels)):
            times[(lab, name)].append(timer(launch, args.reps))
        blas.append(timer(lambda: torch.matmul(a, bk), args.reps))
    blas_ms = statistics.median(blas)
    rows = []
    for (lab, name), ts in times.items():
        ms = statistics.median(ts)
        rows.append({"variant": lab, "kernel": name, "ms": ms, "tflops": flop / ms / 1e9,
                     "of_cublas": blas_ms / ms, "all_ms": ts})
    rows.append({"variant": "cuBLAS", "kernel": "torch.matmul", "ms": blas_ms,
                 "tflops": flop / blas_ms / 1e9, "of_cublas": 1.0, "all_ms": blas})

    peak = []
    if args.mma_peak:
        func = load(args.mma_peak, "mma_peak")
        sms = torch.cuda.get_device_properties(0).multi_processor_count
        out = torch.empty(3 * sms * 128, device="cuda", dtype=torch.float32)
        iters = 4096
        for per_sm in (1, 2, 3):
            blocks = per_sm * sms
            optr = ctypes.c_void_p(out.data_ptr())
            it = ctypes.c_int(iters)
            params = (ctypes.c_void_p * 2)(ctypes.addressof(optr), ctypes.addressof(it))
            ms = timed(lambda: check(libcuda.cuLaunchKernel(func, blocks, 1, 1, 128, 1, 1, 0,
                                                            stream, params, None), "launch"), 5)
            tf = blocks * 4 * iters * 32 * 2 * 16 * 8 * 16 / ms / 1e9
            peak.append({"blocks_per_sm": per_sm, "warps_per_scheduler": per_sm,
                         "ms": ms, "tflops": tf})

    with open(os.path.join(args.out, "ab.jsonl"), "w") as f:
        for r in rows + peak:
            f.write(json.dumps(r) + "\n")
    how = "single launches after an L2 flush" if args.flush else "launches back to back"
    print(f"{dtype_name} {m}x{n}x{k}, median of {args.rounds} rounds x {args.reps} {how}")
    for r in sorted(rows, key=lambda r: r["ms"]):
        print(f"  {r['variant']:<10} {r['kernel']:<62} {r['ms']:.4f} ms {r['tflops']:6.1f} TF"
              f" {100 * r['of_cublas']:5.1f}%  spread {min(r['all_ms']):.4f}-{max(r['all_ms']):.4f}")
    for q in peak:
        print(f"  mma.sync peak, {q['warps_per_scheduler']} warp(s)/scheduler: {q['tflops']:6.1f} TF"
              f" ({100 * q['tflops'] * blas_ms / (flop / 1e9):5.1f}% of cuBLAS here)")


if __name__ == "__main__":
    main()
