#!/usr/bin/env python3
"""Runs the CUBINs of test/Conversion/TLToGPU/Inputs/attention_pv_rs.mlir
and attention_pv_rs_loop.mlir (attention's P V with P in registers:
wgmma's RS form), built with `tl-compile ... --chip=sm_90a
--instantiate=M=1000[,N=300] -o DIR`, through TileMLIR's runtime, and
compares O with (Q K^T rounded to f16 or bf16) V over the N keys, computed
in float64 (rtol = atol = 1e-2, at most 1% mismatched; rows past M must
stay untouched).

  python3 check_pv_rs.py DIR [DIR ...]
"""
import json
import os
import sys

import torch

from check_matmul import kernel_launcher

failed = 0
torch.manual_seed(0)
for root in sys.argv[1:]:
    index = json.load(open(os.path.join(root, "index.json")))
    for entry in index["kernels"]:
        kdir = os.path.join(root, entry["dir"])
        meta = json.load(open(os.path.join(kdir, "kernel.json")))
        m = meta["args"][0]["shape"][0]
        dtype = {"f16": torch.float16, "bf16": torch.bfloat16}[meta["args"][0]["dtype"]]
        q = torch.randn(m, 64, device="cuda", dtype=dtype) * 0.5
        n = meta["args"][1]["shape"][0]
        k = torch.randn(n, 64, device="cuda", dtype=dtype) * 0.5
        v = torch.randn(n, 64, device="cuda", dtype=dtype)
        p = (q.double() @ k.double().T).to(dtype)  # the kernel's 16-bit copy of S
        ref = p.double() @ v.double()
        guard = 1024
        out = torch.full((m * 64 + guard,), 7.0, device="cuda", dtype=torch.float32)
        launch = kernel_launcher(kdir, [t.data_ptr() for t in (q, k, v, out)],
                                 torch.cuda.current_stream().cuda_stream)
        launch()
        torch.cuda.synchronize()
        got = out[: m * 64].view(m, 64).double()
        bad = ((got - ref).abs() > 1e-2 + 1e-2 * ref.abs()).sum().item()
        guard_ok = bool((out[m * 64:] == 7.0).all().item())
        ok = bad <= 0.01 * m * 64 and guard_ok
        failed += not ok
        print(f"{entry['name']:<34} {meta['args'][0]['dtype']:<4} M={m:<5} N={n:<4} mismatched {bad:>6} of {m * 64}, max err "
              f"{(got - ref).abs().max().item():.2e}, guard {guard_ok}: {'PASS' if ok else 'FAIL'}")
sys.exit(1 if failed else 0)
