#!/usr/bin/env python3
"""Triton's triton.autotune over a 32-config GEMM space of the same shape as
the example's (BLOCK_M, BLOCK_N in {64, 128}, BLOCK_K in {32, 64}, stages in
{2, 3}, warps in {4, 8}), fp16 at M=N=K (default 4096): the wall time of the
first call (compile + benchmark every config, cold cache) and the tuned
kernel's time, beside torch.matmul.

  TRITON_CACHE_DIR=$(mktemp -d) python3 triton_autotune.py [size]
"""
import sys
import time

import torch
import triton
import triton.language as tl

configs = [
    triton.Config({"BLOCK_M": bm, "BLOCK_N": bn, "BLOCK_K": bk}, num_stages=s, num_warps=w)
    for bm in (64, 128) for bn in (64, 128) for bk in (32, 64) for s in (2, 3) for w in (4, 8)
]


@triton.autotune(configs=configs, key=["M", "N", "K"])
@triton.jit
def matmul_kernel(a_ptr, b_ptr, c_ptr, M, N, K, BLOCK_M: tl.constexpr, BLOCK_N: tl.constexpr,
                  BLOCK_K: tl.constexpr):
    pid_m = tl.program_id(1)
    pid_n = tl.program_id(0)
    rm = pid_m * BLOCK_M + tl.arange(0, BLOCK_M)
    rn = pid_n * BLOCK_N + tl.arange(0, BLOCK_N)
    rk = tl.arange(0, BLOCK_K)
    acc = tl.zeros((BLOCK_M, BLOCK_N), dtype=tl.float32)
    for k in range(0, tl.cdiv(K, BLOCK_K)):
        kk = k * BLOCK_K + rk
        a = tl.load(a_ptr + rm[:, None] * K + kk[None, :],
                    mask=(rm[:, None] < M) & (kk[None, :] < K), other=0.0)
        b = tl.load(b_ptr + kk[:, None] * N + rn[None, :],
                    mask=(kk[:, None] < K) & (rn[None, :] < N), other=0.0)
        acc += tl.dot(a, b)
    tl.store(c_ptr + rm[:, None] * N + rn[None, :], acc.to(tl.float16),
             mask=(rm[:, None] < M) & (rn[None, :] < N))


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 4096
    a = torch.randn(n, n, device="cuda", dtype=torch.float16)
    b = torch.randn(n, n, device="cuda", dtype=torch.float16)
    c = torch.empty(n, n, device="cuda", dtype=torch.float16)
    grid = lambda meta: (triton.cdiv(n, meta["BLOCK_N"]), triton.cdiv(n, meta["BLOCK_M"]))
    torch.cuda.synchronize()
    start = time.time()
    matmul_kernel[grid](a, b, c, n, n, n)
    torch.cuda.synchronize()
    tune_s = time.time() - start
    ok = torch.allclose(c.float(), (a.double() @ b.double()).float(), rtol=1e-2, atol=1e-2)
    ms = triton.testing.do_bench(lambda: matmul_kernel[grid](a, b, c, n, n, n), return_mode="median")
    blas = triton.testing.do_bench(lambda: torch.matmul(a, b), return_mode="median")
    tf = lambda t: 2 * n ** 3 / t / 1e9
    print(f"triton.autotune: {len(configs)} configs, first call (compile + tune) {tune_s:.2f} s, "
          f"best {matmul_kernel.best_config}, {ms:.3f} ms ({tf(ms):.1f} TFLOP/s), correct={ok}")
    print(f"cuBLAS (torch.matmul): {blas:.3f} ms ({tf(blas):.1f} TFLOP/s)")


if __name__ == "__main__":
    main()
