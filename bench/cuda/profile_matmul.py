#!/usr/bin/env python3
"""Launches the kernels of a group directory whose names contain one of
--configs (each --launches times), then cuBLAS (torch.matmul) as often: a
program for `ncu` to profile (every launch its filter matches).

  ncu --clock-control none -k 'regex:^(matmul_sm90|nvjet|sm90_xmma_gemm_(f16|bf16))' \
      python3 profile_matmul.py GROUP_DIR --configs SUBSTR,...
"""
import argparse
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check_matmul import group_inputs, kernel_launcher  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("group")
    p.add_argument("--configs", required=True, help="comma-separated substrings of kernel names")
    p.add_argument("--launches", type=int, default=2)
    args = p.parse_args()
    _, (m, n, k), dtype, a, b, bk, _ = group_inputs(args.group)
    c = torch.empty(m, n, device="cuda", dtype=dtype)
    stream = torch.cuda.current_stream().cuda_stream
    wanted = args.configs.split(",")
    for entry in json.load(open(os.path.join(args.group, "index.json")))["kernels"]:
        if not any(w in entry["name"] for w in wanted):
            continue
        launch = kernel_launcher(os.path.join(args.group, entry["dir"]),
                                 [t.data_ptr() for t in (a, b, c)], stream)
        for _ in range(args.launches):
            launch()
        torch.cuda.synchronize()
        print("launched", entry["name"], flush=True)
    for _ in range(args.launches):
        torch.matmul(a, bk)
    torch.cuda.synchronize()


if __name__ == "__main__":
    main()
