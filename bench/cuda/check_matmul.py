#!/usr/bin/env python3
"""Runs the CUBINs of build-matmul-check.sh on an NVIDIA GPU.

Groups named nt-<dtype>_<shape> hold matmul_nt.mlir's kernels (B stored
N x K); they are compared with, and timed against, torch.matmul(a, b.t()).

For every kernel: random inputs (torch, seeded), launch through TileMLIR's
runtime (the C API library of the bundle's companion archive, through the
tilemlir package on PYTHONPATH: it encodes the TMA tensor maps kernels
take), compare with torch.matmul in float64
under the guide's tolerances (rtol = atol = 1e-2, at most 1% mismatched), and
check that nothing was written past the end of C. At 4096^3 it also times
every config and cuBLAS (torch.matmul) in the same run (the shapes in
$TL_CHECK_TIMED, default 4096x4096x4096), two ways: the mean
of 50 back-to-back launches, and the median of 100 launches each after an
L2 flush (as Triton's do_bench and tl-tune measure).

  python3 check_matmul.py DIR [OUT]       # DIR: .device/matmul-check

Each (dtype, shape) group runs in its own process, so a faulting kernel costs
only its group. Prints a table last; writes results.jsonl to OUT.
"""
import ctypes
import json
import os
import subprocess
import sys

CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES = 8


def check(err, what):
    if err != 0:
        raise RuntimeError(f"{what} failed with CUDA error {err}")


_flush_buffer = None


def flushed_median(fn, warmup=25, reps=100):
    """Median of `reps` runs of `fn`, each timed with CUDA events after the
    L2 cache was flushed by zeroing 256 MiB (Triton's do_bench, tl-tune)."""
    import torch

    global _flush_buffer
    if _flush_buffer is None:
        _flush_buffer = torch.empty(256 * 1024 * 1024, dtype=torch.int8, device="cuda")
    cache = _flush_buffer
    for _ in range(warmup):
        fn()
    starts = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    ends = [torch.cuda.Event(enable_timing=True) for _ in range(reps)]
    for i in range(reps):
        cache.zero_()
        starts[i].record()
        fn()
        ends[i].record()
    torch.cuda.synchronize()
    times = sorted(s.elapsed_time(e) for s, e in zip(starts, ends))
    return times[reps // 2]


def kernel_launcher(kdir, ptrs, stream):
    """A function launching the kernel in `kdir` on the data pointers
    `ptrs` (ints) in `stream`, through TileMLIR's runtime (tlKernelLoad /
    tlKernelLaunch, which encode the tensor maps a TMA kernel takes)."""
    from tilemlir import _capi

    err, L = _capi.Handle(), _capi.runtime()
    kernel = _capi.check(L.tlKernelLoad(_capi.ref(kdir), 0, ctypes.byref(err)), err, L)
    stream = getattr(stream, "value", stream)  # an int or a ctypes.c_void_p
    values = [ctypes.c_void_p(p) for p in ptrs]
    args = (ctypes.c_void_p * len(values))(*[ctypes.addressof(v) for v in values])

    def launch():
        e = _capi.Handle()
        if not L.tlKernelLaunch(kernel, args, ctypes.c_void_p(stream), ctypes.byref(e)):
            _capi.check(_capi.Handle(), e, L)

    launch.keep = (kernel, values, args)  # alive as long as the launcher
    return launch


def group_inputs(group_dir):
    """The problem of a group directory, [<variant>-]<dtype>_<M>x<N>x<K>
    (a variant token nt: matmul_nt.mlir, B stored N x K): the dtype name,
    (m, n, k), the torch dtype, seeded random A and B as the kernel takes
    them, B as K x N (for the reference and cuBLAS) and A @ B in float64."""
    import torch

    torch.manual_seed(0)
    dtype_name, shape = os.path.basename(os.path.normpath(group_dir)).split("_")
    nt = "nt" in dtype_name.split("-")[:-1]
    dtype_name = dtype_name.split("-")[-1]
    m, n, k = map(int, shape.split("x"))
    dtype = {"f16": torch.float16, "bf16": torch.bfloat16}[dtype_name]
    a = torch.randn(m, k, device="cuda", dtype=dtype)
    b = torch.randn(n, k, device="cuda", dtype=dtype) if nt else torch.randn(k, n, device="cuda", dtype=dtype)
    bk = b.t() if nt else b
    return dtype_name, (m, n, k), dtype, a, b, bk, a.double() @ bk.double()


def run_group(group_dir, timing):
    import torch

    _, (m, n, k), dtype, a, b, bk, ref = group_inputs(group_dir)
    dev = "cuda"
    guard = 4096
    c_full = torch.empty(m * n + guard, device=dev, dtype=dtype)
    stream = torch.cuda.current_stream().cuda_stream
    index = json.load(open(os.path.join(group_dir, "index.json")))
    results = []
    for entry in index["kernels"]:
        name = entry["name"]
        kdir = os.path.join(group_dir, entry["dir"])
        meta = json.load(open(os.path.join(kdir, "kernel.json")))
        c_full.fill_(7.0)
        launch = kernel_launcher(kdir, [t.data_ptr() for t in (a, b, c_full)], stream)

        launch()
        torch.cuda.synchronize()
        c = c_full[: m * n].view(m, n).double()
        err = (c - ref).abs()
        bad = (err > 1e-2 + 1e-2 * ref.abs()).sum().item()
        ratio = bad / (m * n)
        guard_ok = bool((c_full[m * n:] == 7.0).all().item())
        result = {"group": os.path.basename(group_dir), "kernel": name,
                  "config": meta["config"], "mismatched": bad, "ratio": ratio,
                  "max_abs_err": err.max().item(), "guard_ok": guard_ok,
                  "passed": ratio <= 0.01 and guard_ok}
        if timing:
            for _ in range(10):
                launch()
            start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            reps = 50
            start.record()
            for _ in range(reps):
                launch()
            end.record()
            torch.cuda.synchronize()
            ms = start.elapsed_time(end) / reps
            result["ms"] = ms
            result["tflops"] = 2.0 * m * n * k / ms / 1e9
            result["flushed_ms"] = flushed_median(launch)
            result["flushed_tflops"] = 2.0 * m * n * k / result["flushed_ms"] / 1e9
        results.append(result)
    if timing:
        for _ in range(10):
            torch.matmul(a, bk)
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        for _ in range(50):
            torch.matmul(a, bk)
        end.record()
        torch.cuda.synchronize()
        ms = start.elapsed_time(end) / 50
        fms = flushed_median(lambda: torch.matmul(a, bk))
        results.append({"group": os.path.basename(group_dir), "kernel": "cuBLAS (torch.matmul)",
                        "ms": ms, "tflops": 2.0 * m * n * k / ms / 1e9,
                        "flushed_ms": fms, "flushed_tflops": 2.0 * m * n * k / fms / 1e9,
                        "passed": True})
    return results


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "--group":
        results = run_group(sys.argv[2], sys.argv[3] == "1")
        print(json.dumps(results))
        return
    root = sys.argv[1]
    out = sys.argv[2] if len(sys.argv) > 2 else "."
    timed_shapes = os.environ.get("TL_CHECK_TIMED", "4096x4096x4096").split()
    all_results = []
    log = open(os.path.join(out, "check.log"), "w")
    for group in sorted(os.listdir(root)):
        gdir = os.path.join(root, group)
        if not os.path.isdir(gdir):
            continue
        timing = group.split("_")[-1] in timed_shapes
        try:
            proc = subprocess.run([sys.executable, __file__, "--group", gdir, "1" if timing else "0"],
                                  capture_output=True, text=True,
                                  timeout=int(os.environ.get("TL_GROUP_TIMEOUT", "120")))
        except subprocess.TimeoutExpired:
            log.write(f"== {group} timed out\n")
            all_results.append({"group": group, "kernel": "*", "passed": False,
                                "error": ["timed out (a hung kernel?)"]})
            continue
        log.write(f"== {group} rc={proc.returncode}\n{proc.stderr}\n")
        if proc.returncode != 0:
            all_results.append({"group": group, "kernel": "*", "passed": False,
                                "error": proc.stderr.strip().splitlines()[-1:]})
            continue
        all_results.extend(json.loads(proc.stdout.strip().splitlines()[-1]))
    with open(os.path.join(out, "results.jsonl"), "w") as f:
        for r in all_results:
            f.write(json.dumps(r) + "\n")
    # Summary per group, then timings.
    print(f"{'group':<22} {'kernels':>7} {'passed':>7} {'worst mismatch':>15} {'guard':>6}")
    groups = {}
    for r in all_results:
        groups.setdefault(r["group"], []).append(r)
    for g, rs in groups.items():
        ks = [r for r in rs if r["kernel"] != "cuBLAS (torch.matmul)"]
        worst = max((r.get("ratio", 1.0) for r in ks), default=1.0)
        print(f"{g:<22} {len(ks):>7} {sum(r['passed'] for r in ks):>7} {worst:>15.4%} "
              f"{str(all(r.get('guard_ok', False) for r in ks)):>6}")
        for r in ks:
            if not r["passed"]:
                print("   FAIL", r.get("kernel"), r.get("error", ""), r.get("ratio"), r.get("max_abs_err"))
    for g, rs in groups.items():
        timed = [r for r in rs if "ms" in r]
        if not timed:
            continue
        print(f"\n{g}: top configs by time")
        blas = [r for r in timed if r["kernel"].startswith("cuBLAS")]
        print(f"  {'':<64} {'back-to-back mean':>30}   {'L2 flushed, median':>30}")
        for r in sorted(timed, key=lambda r: r["ms"])[:6] + blas:
            rel = f"{100 * blas[0]['ms'] / r['ms']:5.1f}%" if blas else ""
            frel = f"{100 * blas[0]['flushed_ms'] / r['flushed_ms']:5.1f}%" if blas else ""
            print(f"  {r['kernel']:<64} {r['ms']:7.3f} ms {r['tflops']:6.1f} TF {rel}"
                  f"   {r['flushed_ms']:7.3f} ms {r['flushed_tflops']:6.1f} TF {frel}")


if __name__ == "__main__":
    main()
