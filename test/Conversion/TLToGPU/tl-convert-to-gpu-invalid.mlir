// RUN: tl-opt %s --split-input-file --verify-diagnostics --tl-convert-to-gpu

// expected-error @below {{'tmpl' is a template; run tl-expand-configs first}}
tl.func @tmpl() attributes {params = [#tl.param<"x" : index = 1>]} {
  tl.return
}

// -----

// expected-error @below {{the GPU targets launch one tl.kernel per tl.func; 'none' has 0}}
tl.func @none() {
  tl.return
}

// -----

tl.func @broadcast_write(%X: memref<32x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx) in (%c1) threads %c32 {
    %f = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
    %m = tl.alloc_fragment() : memref<32xf32, #tl.memory<fragment>>
    tl.parallel (%i, %j) in (%c32, %c32) {
      %v = memref.load %f[%i, %j] : memref<32x32xf32, #tl.memory<fragment>>
      %w = memref.load %m[%i] : memref<32xf32, #tl.memory<fragment>>
      // expected-error @below {{writes a fragment at indices other than the enclosing tl.parallel's; the CUDA lowering supports owner-local access only}}
      memref.store %v, %m[%i] : memref<32xf32, #tl.memory<fragment>>
    }
    tl.copy %f to %X[%c0, %c0] : memref<32x32xf32, #tl.memory<fragment>>, memref<32x32xf32>
  }
  tl.return
}

// -----

tl.func @too_big(%X: memref<512x2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c512 = arith.constant 512 : index
  %c64 = arith.constant 64 : index
  // expected-error @below {{reads a fragment of 512 elements at another tl.parallel's row index; the CUDA lowering replicates such fragments in every thread, up to 256 elements}}
  tl.kernel (%bx) in (%c1) threads %c64 {
    %f = tl.alloc_fragment() : memref<512x2xf32, #tl.memory<fragment>>
    %m = tl.alloc_fragment() : memref<512xf32, #tl.memory<fragment>>
    tl.parallel (%i, %j) in (%c512, %c2) {
      %v = memref.load %f[%i, %j] : memref<512x2xf32, #tl.memory<fragment>>
      %w = memref.load %m[%i] : memref<512xf32, #tl.memory<fragment>>
      %s = arith.addf %v, %w : f32
      memref.store %s, %f[%i, %j] : memref<512x2xf32, #tl.memory<fragment>>
    }
    tl.copy %f to %X[%c0, %c0] : memref<512x2xf32, #tl.memory<fragment>>, memref<512x2xf32>
  }
  tl.return
}

// -----

// A tile sized at run time is refused with the host lowering's message (it
// used to crash building the shared-memory view).
tl.func @dynamic_shared(%X: memref<64x64xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    // expected-error @below {{tile shape is not static; specialize the template (tl-expand-configs) first}}
    %s = tl.alloc_shared(%n) : memref<?x64xf16, #tl.memory<shared>>
    tl.copy %X[%c0, %c0] to %s : memref<64x64xf16>, memref<?x64xf16, #tl.memory<shared>>
  }
  tl.return
}

// -----

module attributes {tl.target = "sm_90a"} {
tl.func @wgmma_two_warps(%A: memref<64x64xf16>, %C: memref<64x64xf32>) attributes {tl.mma = "wgmma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c64 = arith.constant 64 : index
  tl.kernel (%bx) in (%c1) threads %c64 {
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{cannot run on wgmma as the kernel asks: the kernel runs 2 warps; wgmma needs whole warpgroups (a multiple of 4 warps); use mma = "auto" to fall back to mma.sync}}
    tl.gemm %a, %a, %c {clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}

// -----

tl.func @wgmma_on_sm80(%A: memref<64x64xf16>, %C: memref<64x64xf32>) attributes {tl.mma = "wgmma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{cannot run on wgmma as the kernel asks: the target chip is not sm_90a}}
    tl.gemm %a, %a, %c {clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}

// -----

module attributes {tl.target = "sm_90a"} {
tl.func @wgmma_narrow(%A: memref<32x64xf16>, %C: memref<32x64xf32>) attributes {tl.mma = "wgmma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %a = tl.alloc_shared() : memref<32x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<32x64xf32, #tl.memory<fragment>>
    // expected-error @below {{cannot run on wgmma as the kernel asks: the 32x64 accumulator does not split over 1 warpgroup(s) into blocks of a multiple of 64 rows and at most 256 columns}}
    tl.gemm %a, %b, %c {clear_accum} : memref<32x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<32x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<32x64xf32, #tl.memory<fragment>>, memref<32x64xf32>
  }
  tl.return
}
}

// -----

// expected-error @below {{unknown tensor-core choice 'tensor' for 'bad_choice'; use auto, wgmma, mma.sync, mfma or simt}}
tl.func @bad_choice() attributes {tl.mma = "tensor"} {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx) in (%c1) threads %c32 {
  }
  tl.return
}

// -----

// expected-error @below {{tl.mma must be a string: "auto", "wgmma", "mma.sync", "mfma" or "simt"}}
tl.func @bad_choice_type() attributes {tl.mma = 1 : i64} {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx) in (%c1) threads %c32 {
  }
  tl.return
}

// -----

// expected-error @below {{tl.async_copy must be true or false}}
tl.func @bad_async_copy() attributes {tl.async_copy = "no"} {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx) in (%c1) threads %c32 {
  }
  tl.return
}

// -----

// expected-error @below {{tl.tma_store must be true or false}}
tl.func @bad_tma_store() attributes {tl.tma_store = 0 : i64} {
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx) in (%c1) threads %c32 {
  }
  tl.return
}

// -----

module attributes {tl.target = "gfx942"} {
tl.func @wgmma_on_amd(%C: memref<64x64xf32>) attributes {tl.mma = "wgmma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  tl.kernel (%bx) in (%c1) threads %c256 {
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{cannot run on wgmma or mma.sync: the target chip is an AMD GPU; use mma = "auto", "simt" or "mfma"}}
    tl.gemm %a, %a, %c {clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}

// -----

tl.func @mfma_on_nvidia(%C: memref<64x64xf32>) attributes {tl.mma = "mfma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %a = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{cannot run on MFMA: the target chip is an NVIDIA GPU; use mma = "auto", "simt" or "mma.sync"}}
    tl.gemm %a, %a, %c {clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}

// -----

module attributes {tl.target = "gfx90a"} {
tl.func @mfma_f32_operands(%C: memref<64x64xf32>) attributes {tl.mma = "mfma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c256 = arith.constant 256 : index
  tl.kernel (%bx) in (%c1) threads %c256 {
    %a = tl.alloc_shared() : memref<64x64xf32, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    // expected-error @below {{cannot run on MFMA as the kernel asks: it needs f16 or bf16 operands in shared memory, an f32 accumulator and M, N, K multiples of 16 that the wavefronts can share; use mma = "auto" to fall back to SIMT}}
    tl.gemm %a, %a, %c {clear_accum} : memref<64x64xf32, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %c to %C[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}

// -----

module attributes {tl.target = "sm_80"} {
tl.func @cluster_sm80() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c1, %c2) threads %c128 {
    // expected-error @below {{launches clusters of 2 blocks; the GPU lowering has thread-block clusters for sm_90a only (drop tl.cluster or use 1)}}
    tl.cluster %c2
  }
  tl.return
}
}

// -----

module attributes {tl.target = "sm_90a"} {
tl.func @cluster_odd_rows() {
  %c3 = arith.constant 3 : index
  %c2 = arith.constant 2 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c2, %c3) threads %c128 {
    // expected-error @below {{launches 3 block rows in clusters of 2; the rows must be a multiple of the cluster}}
    tl.cluster %c2
  }
  tl.return
}
}

// -----

module attributes {tl.target = "sm_90a"} {
tl.func @pingpong_cluster() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx, %by) in (%c1, %c2) threads %c128 {
    tl.cluster %c2
    // expected-error @below {{runs two tiles at a time (2) in clusters of 2; the GPU lowering does one or the other (use tl.cluster 1 or tl.persistent 1)}}
    tl.persistent %c2
  }
  tl.return
}
}

// -----

// Persistent in clusters with a multicast load: only warp-specialized,
// and 1024 threads leave no room for the producer warpgroup.
module attributes {tl.target = "sm_90a"} {
tl.func @persistent_cluster_unspecialized(%A: memref<512x256xf16>, %B: memref<256x256xf16>, %C: memref<512x256xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c4 = arith.constant 4 : index
  %c64 = arith.constant 64 : index
  %c256 = arith.constant 256 : index
  %c1024 = arith.constant 1024 : index
  tl.kernel (%bx, %by) in (%c1, %c2) threads %c1024 {
    tl.cluster %c2
    // expected-error @below {{makes a kernel launched in clusters of 2 persistent, which needs a warp-specialized kernel: one pipelined loop of TMA loads at the top keeping a wgmma group in flight, and 1024 threads + a producer warpgroup at most 1024; use tl.cluster 1 or tl.persistent 0}}
    tl.persistent %c1
    %a = tl.alloc_shared() : memref<256x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x256xf16, #tl.memory<shared>>
    %c = tl.alloc_fragment() : memref<256x256xf32, #tl.memory<fragment>>
    tl.clear %c : memref<256x256xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %c256 : index
    tl.pipelined %ko = %c0 to %c4 num_stages %c2 {
      %k = arith.muli %ko, %c64 : index
      tl.copy %A[%row, %k] to %a : memref<512x256xf16>, memref<256x64xf16, #tl.memory<shared>>
      tl.copy %B[%k, %c0] to %b : memref<256x256xf16>, memref<64x256xf16, #tl.memory<shared>>
      tl.gemm %a, %b, %c : memref<256x64xf16, #tl.memory<shared>>, memref<64x256xf16, #tl.memory<shared>>, memref<256x256xf32, #tl.memory<fragment>>
    }
    tl.copy %c to %C[%row, %c0] : memref<256x256xf32, #tl.memory<fragment>>, memref<512x256xf32>
  }
  tl.return
}
}

// -----

module attributes {tl.target = "sm_90a"} {
tl.func @persistent_dynamic(%p: index) {
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    // expected-error @below {{needs a constant for the GPU lowering; specialize the template first}}
    tl.persistent %p
  }
  tl.return
}
}

// -----

module attributes {tl.target = "sm_80"} {
tl.func @pingpong_sm80() {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    // expected-error @below {{runs two tiles at a time (2), on consumer groups that need sm_90a's warp specialization; use tl.persistent 1}}
    tl.persistent %c2
  }
  tl.return
}
}

// -----

// No pipelined TMA loop, so no producer warpgroup for two groups to share.
module attributes {tl.target = "sm_90a"} {
tl.func @pingpong_unspecialized(%X: memref<128xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    // expected-error @below {{runs two tiles at a time (2), which needs a warp-specialized kernel: one pipelined loop of TMA loads at the top keeping a wgmma group in flight, and 2 x 128 threads + a producer warpgroup at most 1024; use tl.persistent 1}}
    tl.persistent %c2
    %f = tl.alloc_fragment() : memref<128xf32, #tl.memory<fragment>>
    tl.copy %X[%c0] to %f : memref<128xf32>, memref<128xf32, #tl.memory<fragment>>
    tl.copy %f to %X[%c0] : memref<128xf32, #tl.memory<fragment>>, memref<128xf32>
  }
  tl.return
}
}

// -----

// The lowering's own allocation is checked against the chip: a 64x1024 f32
// fragment reduced through a 256 KiB scratch tile.
module attributes {tl.target = "sm_90a"} {
tl.func @scratch_over_limit(%C: memref<64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  // expected-error @below {{needs 262144 bytes of shared memory as lowered (tiles, pipeline barriers, reduction scratch); sm_90a allows 232448: use smaller tiles or fewer stages}}
  tl.kernel (%bx) in (%c1) threads %c128 {
    %f = tl.alloc_fragment() : memref<64x1024xf32, #tl.memory<fragment>>
    %r = tl.alloc_fragment() : memref<64xf32, #tl.memory<fragment>>
    tl.clear %f : memref<64x1024xf32, #tl.memory<fragment>>
    tl.reduce sum %f, %r dim 1 : memref<64x1024xf32, #tl.memory<fragment>>, memref<64xf32, #tl.memory<fragment>>
    tl.copy %r to %C[%c0] : memref<64xf32, #tl.memory<fragment>>, memref<64xf32>
  }
  tl.return
}
}

// -----

// A gemm operand in registers: only wgmma reads one (A, in a wgmma
// accumulator's layout); mma.sync on sm_80 does not.
module attributes {tl.target = "sm_80"} {
tl.func @registers_sm80(%Q: memref<64x64xf16>, %O: memref<64x64xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %q = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %s = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    %p = tl.alloc_fragment() : memref<64x64xf16, #tl.memory<fragment>>
    %o = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %Q[%c0, %c0] to %q : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.gemm %q, %q, %s {clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %s to %p : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<fragment>>
    // expected-error @below {{reads A from registers, which only wgmma does (sm_90a), and not here: the target chip is not sm_90a; stage the tile through shared memory}}
    tl.gemm %p, %q, %o {clear_accum} : memref<64x64xf16, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %o to %O[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}

// -----

// Forced wgmma with A in a fragment no wgmma accumulator laid out.
module attributes {tl.target = "sm_90a"} {
tl.func @registers_unlaid(%Q: memref<64x64xf16>, %O: memref<64x64xf32>) attributes {tl.mma = "wgmma"} {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    %q = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %p = tl.alloc_fragment() : memref<64x64xf16, #tl.memory<fragment>>
    %o = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %Q[%c0, %c0] to %q : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.copy %q to %p : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<fragment>>
    // expected-error @below {{cannot run on wgmma as the kernel asks: wgmma reads A from registers only in a wgmma accumulator's layout of whole rows a warpgroup (a fragment copied from one), not transposed; use mma = "auto" to fall back to mma.sync}}
    tl.gemm %p, %q, %o {clear_accum} : memref<64x64xf16, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %o to %O[%c0, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf32>
  }
  tl.return
}
}
