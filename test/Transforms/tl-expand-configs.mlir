// The guide's space on the example: 32 configs, all kept on sm_90a, every
// kernel static.
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 target=sm_90a" 2>/dev/null | FileCheck %s --check-prefix=MATMUL --implicit-check-not=tl.param --implicit-check-not='?x'
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 target=sm_90a" 2>&1 >/dev/null | FileCheck %s --check-prefix=REMARK
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 target=sm_90a" | grep -c "tl.func @matmul_" | FileCheck %s --check-prefix=COUNT

// The report lists every config with its resources (shared memory as the
// GPU lowering allocates it: the tiles' stages and the TMA pipeline's
// mbarriers, 16384 + 128 bytes for the first).
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 target=sm_90a report=%t.json" -o /dev/null
// RUN: FileCheck %s --check-prefix=REPORT < %t.json

// A JSON configs file replaces the template's space.
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=1000,N=72,K=40 configs-file=%S/Inputs/configs.json" | FileCheck %s --check-prefix=FILE --implicit-check-not='module @'

// A constraint option filters before anything is built.
// RUN: tl-opt %examples/matmul.mlir --tl-expand-configs="instantiate=M=4096,N=4096,K=4096 constraint='block_M * block_K <= 4096 && threads == 128'" 2>&1 | FileCheck %s --check-prefix=CONSTRAINT

// Other templates of this file: order of product spaces, explicit lists,
// attributes for instantiation values and constraints.
// RUN: tl-opt %s --tl-expand-configs="target=host" 2>/dev/null | FileCheck %s

// REMARK: remark: expanded 'matmul' for sm_90a: 32 configs, 32 kept, 0 dropped
// MATMUL-LABEL: module @matmul_block_M64_block_N64_block_K32_num_stages2_threads128
// MATMUL-SAME: tl.config = {block_K = 32 : i64, block_M = 64 : i64, block_N = 64 : i64, num_stages = 2 : i64, threads = 128 : i64}
// MATMUL-SAME: tl.config_index = 0
// MATMUL-SAME: tl.resources = {registers_per_thread = 64 : i64, shared_memory_bytes = 16512 : i64, threads = 128 : i64}
// MATMUL-SAME: tl.target = "sm_90a"
// MATMUL: tl.func @matmul_block_M64_block_N64_block_K32_num_stages2_threads128(%[[A:.*]]: memref<4096x4096xf16>, %[[B:.*]]: memref<4096x4096xf16>, %[[C:.*]]: memref<4096x4096xf16>)
// MATMUL-SAME: attributes {config =
// MATMUL-DAG: %[[C128:.*]] = arith.constant 128 : index
// MATMUL-DAG: %[[C64:.*]] = arith.constant 64 : index
// MATMUL-DAG: %[[C2:.*]] = arith.constant 2 : index
// MATMUL: tl.kernel (%[[BX:.*]], %[[BY:.*]]) in (%[[C64]], %[[C64]]) threads %[[C128]]
// MATMUL: tl.alloc_shared() : memref<64x32xf16, #tl.memory<shared>>
// MATMUL: tl.alloc_shared() : memref<32x64xf16, #tl.memory<shared>>
// MATMUL: tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
// MATMUL: tl.pipelined %{{.*}} = %{{.*}} to %[[C128]] num_stages %[[C2]]
// MATMUL: tl.copy %[[A]][%{{.*}}, %{{.*}}] to %{{.*}} : memref<4096x4096xf16>, memref<64x32xf16, #tl.memory<shared>>
// MATMUL: tl.gemm %{{.*}} : memref<64x32xf16, #tl.memory<shared>>, memref<32x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
// The second config varies the last parameter declared (threads) first.
// MATMUL-LABEL: module @matmul_block_M64_block_N64_block_K32_num_stages2_threads256
// MATMUL-LABEL: module @matmul_block_M64_block_N64_block_K32_num_stages3_threads128
// MATMUL-LABEL: module @matmul_block_M128_block_N128_block_K64_num_stages3_threads256
// MATMUL-SAME: tl.config_index = 31
// MATMUL-SAME: shared_memory_bytes = 98432
// MATMUL: tl.kernel (%{{.*}}, %{{.*}}) in (%[[C32:.*]], %[[C32]]) threads

// COUNT: {{^}}32{{$}}

// REPORT: "target": "sm_90a"
// REPORT: "configs": [
// REPORT: "index": 0
// REPORT: "kernel": "matmul_block_M64_block_N64_block_K32_num_stages2_threads128"
// REPORT: "shared_memory_bytes": 16512
// REPORT: "status": "kept"
// REPORT: "dropped": 0
// REPORT: "kept": 32
// REPORT: "space": 32
// REPORT: "template": "matmul"

// FILE-LABEL: module @matmul_block_M128_block_N64_block_K32_num_stages3_threads128
// FILE: tl.func @matmul_block_M128_block_N64_block_K32_num_stages3_threads128(%{{.*}}: memref<1000x40xf16>, %{{.*}}: memref<40x72xf16>, %{{.*}}: memref<1000x72xf16>)
// FILE: tl.kernel (%{{.*}}, %{{.*}}) in (%[[GX:.*]], %[[GY:.*]]) threads
// FILE-LABEL: module @matmul_block_M64_block_N128_block_K64_num_stages2_threads256

// CONSTRAINT: remark: config 1 {block_M = 64, block_N = 64, block_K = 32, num_stages = 2, threads = 256} dropped: breaks constraint 'block_M * block_K <= 4096 && threads == 128'
// CONSTRAINT: remark: expanded 'matmul' for sm_90a: 32 configs, 12 kept, 20 dropped (constraint: 20)
// CONSTRAINT: module @matmul_block_M64_block_N64_block_K32_num_stages2_threads128
// CONSTRAINT: module @matmul_block_M64_block_N64_block_K32_num_stages3_threads128
// CONSTRAINT: module @matmul_block_M64_block_N64_block_K64_num_stages2_threads128

// Product spaces enumerate in declaration order (b before a), the first
// declared parameter varying slowest.
// CHECK-LABEL: module @order_b10_a1
// CHECK-SAME: tl.config_index = 0
// CHECK-LABEL: module @order_b10_a2
// CHECK-LABEL: module @order_b20_a1
// CHECK-LABEL: module @order_b20_a2
// CHECK-SAME: tl.config_index = 3
tl.func @order(%x: memref<?xf32> {tl.shape = ["n"]})
    attributes {params = [#tl.param<"n" : index = 16>,
                          #tl.param<"b" : index = 10>,
                          #tl.param<"a" : index = 1>],
                configs = #tl.product<{a = [1, 2], b = [10, 20]}>} {
  tl.return
}

// An explicit list keeps its order; the instantiation values come from the
// tl.instantiate attribute; the tl.constraints attribute drops block = 32.
// CHECK-LABEL: module @scale_block256
// CHECK: tl.func @scale_block256(%{{.*}}: memref<1000xf32>)
// CHECK: tl.kernel (%{{.*}}) in (%[[G:.*]]) threads
// CHECK: tl.alloc_fragment() : memref<256xf32, #tl.memory<fragment>>
// CHECK-LABEL: module @scale_block128
// CHECK-NOT: module @scale_block32
tl.func @scale(%x: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>,
                          #tl.param<"block" : index = 128 in [32, 128, 256]>],
                configs = #tl.configs<[{block = 256}, {block = 128}, {block = 32}]>,
                tl.instantiate = {N = 1000},
                tl.constraints = ["block >= 64"]} {
  %n = tl.param "N" : index
  %b = tl.param "block" : index
  %g = tl.ceildiv %n, %b : index
  tl.kernel (%bx) in (%g) threads %b {
    %f = tl.alloc_fragment(%b) : memref<?xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %b : index
    tl.copy %x[%row] to %f : memref<?xf32>, memref<?xf32, #tl.memory<fragment>>
    tl.copy %f to %x[%row] : memref<?xf32, #tl.memory<fragment>>, memref<?xf32>
  }
  tl.return
}

// A template without a space is instantiated once, with its defaults.
// CHECK-LABEL: module @defaults
// CHECK-SAME: tl.config = {}
tl.func @defaults() attributes {params = [#tl.param<"x" : index = 4>]} {
  tl.return
}

// Specialized kernels (no params) pass through untouched.
// CHECK-LABEL: tl.func @already_static
tl.func @already_static() attributes {config = {x = 1}} {
  tl.return
}

// Negative values are spelled with an 'n' in kernel names, INT64_MIN too.
// CHECK-LABEL: module @negative_xn9223372036854775808
// CHECK-LABEL: module @negative_xn3
tl.func @negative() attributes {params = [
      #tl.param<"x" : i64 = -3 in [-9223372036854775808, -3]>],
    configs = #tl.configs<[{x = -9223372036854775808}, {x = -3}]>} {
  tl.return
}
