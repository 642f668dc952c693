// tl-opt lists the tl passes and the upstream ones pipelines use.
// RUN: tl-opt --help | FileCheck %s
// CHECK: --canonicalize
// CHECK: --tl-expand-configs
// CHECK-SAME: Expand kernel templates into one specialized module per config

// The example template parses, verifies and round-trips.
// RUN: tl-opt %examples/matmul.mlir | tl-opt | FileCheck %s --check-prefix=EXAMPLE
// EXAMPLE-LABEL: tl.func @matmul
// EXAMPLE-SAME: configs = #tl.product<{block_K = [32, 64], block_M = [64, 128], block_N = [64, 128], num_stages = [2, 3], threads = [128, 256]}>
// EXAMPLE: tl.kernel
// EXAMPLE: tl.pipelined
// EXAMPLE: tl.gemm
