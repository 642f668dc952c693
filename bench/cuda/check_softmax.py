#!/usr/bin/env python3
"""Runs the CUBINs of examples/softmax_gemm.mlir (built with
`tl-compile examples/softmax_gemm.mlir --instantiate=M=1000 -o DIR`) and
compares each with torch.softmax(A @ B) computed in float64 (rtol = atol =
1e-2, at most 1% mismatched; rows past M must stay untouched).

  python3 check_softmax.py DIR
"""
import ctypes
import json
import os
import sys

import torch

from check_matmul import check

root = sys.argv[1]
libcuda = ctypes.CDLL("libcuda.so.1")
torch.manual_seed(0)
index = json.load(open(os.path.join(root, "index.json")))
for entry in index["kernels"]:
    kdir = os.path.join(root, entry["dir"])
    meta = json.load(open(os.path.join(kdir, "kernel.json")))
    m = meta["args"][0]["shape"][0]
    a = torch.randn(m, 64, device="cuda", dtype=torch.float16)
    b = torch.randn(64, 64, device="cuda", dtype=torch.float16) * 0.25
    ref = torch.softmax(a.double() @ b.double(), dim=1)
    guard = 1024
    out = torch.full((m * 64 + guard,), 7.0, device="cuda", dtype=torch.float32)
    module, func = ctypes.c_void_p(), ctypes.c_void_p()
    check(libcuda.cuModuleLoadData(ctypes.byref(module),
                                   open(os.path.join(kdir, "kernel.cubin"), "rb").read()),
          "cuModuleLoadData")
    check(libcuda.cuModuleGetFunction(ctypes.byref(func), module, meta["symbol"].encode()),
          "cuModuleGetFunction")
    smem = meta["shared_memory_bytes"]
    check(libcuda.cuFuncSetAttribute(func, 8, ctypes.c_int(smem)), "cuFuncSetAttribute")
    ptrs = [ctypes.c_void_p(t.data_ptr()) for t in (a, b, out)]
    params = (ctypes.c_void_p * 3)(*[ctypes.addressof(p) for p in ptrs])
    grid = meta["grid"] + [1] * (3 - len(meta["grid"]))
    check(libcuda.cuLaunchKernel(func, grid[0], grid[1], grid[2], meta["threads"], 1, 1, smem,
                                 None, params, None), "cuLaunchKernel")
    torch.cuda.synchronize()
    got = out[: m * 64].view(m, 64).double()
    bad = ((got - ref).abs() > 1e-2 + 1e-2 * ref.abs()).sum().item()
    guard_ok = bool((out[m * 64:] == 7.0).all().item())
    ok = bad <= 0.01 * m * 64 and guard_ok
    print(f"{entry['name']:<48} mismatched {bad:>6} of {m * 64}, max err "
          f"{(got - ref).abs().max().item():.2e}, guard {guard_ok}: {'PASS' if ok else 'FAIL'}")
    libcuda.cuModuleUnload(module)
