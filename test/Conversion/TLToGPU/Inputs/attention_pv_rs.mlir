// Attention's two gemms on one block of 64 query rows, P kept in
// registers: S = Q K^T (wgmma from shared memory), P = S in f16 (a copy,
// which gives P S's layout), O = P V (wgmma with A from P's registers, the
// RS form). 64 keys, head 64. bench/cuda/check_pv_rs.py runs it on a GPU.
tl.func @pv_rs(%Q: memref<?x64xf16> {tl.shape = ["M", 64]},
               %K: memref<64x64xf16>, %V: memref<64x64xf16>,
               %O: memref<?x64xf32> {tl.shape = ["M", 64]})
    attributes {
      params = [#tl.param<"M" : index>, #tl.param<"bf" : index = 0 in [0]>],
      configs = #tl.product<{bf = [0]}>
    } {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %c128 = arith.constant 128 : index
  %M = tl.param "M" : index
  %grid = tl.ceildiv %M, %c64 : index
  tl.kernel (%bx) in (%grid) threads %c128 {
    %q = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %k = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %v = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %s = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    %p = tl.alloc_fragment() : memref<64x64xf16, #tl.memory<fragment>>
    %o = tl.alloc_fragment() : memref<64x64xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %c64 : index
    tl.copy %Q[%row, %c0] to %q : memref<?x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.copy %K[%c0, %c0] to %k : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.copy %V[%c0, %c0] to %v : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.gemm %q, %k, %s {transpose_b, clear_accum} : memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %s to %p : memref<64x64xf32, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<fragment>>
    tl.gemm %p, %v, %o {clear_accum} : memref<64x64xf16, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<shared>>, memref<64x64xf32, #tl.memory<fragment>>
    tl.copy %o to %O[%row, %c0] : memref<64x64xf32, #tl.memory<fragment>>, memref<?x64xf32>
  }
  tl.return
}
