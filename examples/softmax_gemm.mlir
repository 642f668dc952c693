// O = softmax(A * B) row by row: a tensor-core product followed by the
// reductions and broadcasts of attention's softmax. M is the problem size;
// block_M and threads are tuned.
//
//   tl-tune examples/softmax_gemm.mlir --instantiate=M=4096
tl.func @softmax_gemm(%A: memref<?x64xf16> {tl.shape = ["M", 64]},
                      %B: memref<64x64xf16>,
                      %O: memref<?x64xf32> {tl.shape = ["M", 64]})
    attributes {
      params = [#tl.param<"M" : index>,
                #tl.param<"block_M" : index = 64 in [64, 128]>,
                #tl.param<"threads" : index = 128 in [128, 256]>],
      configs = #tl.product<{block_M = [64, 128], threads = [128, 256]}>
    } {
  %c0 = arith.constant 0 : index
  %c64 = arith.constant 64 : index
  %M = tl.param "M" : index
  %bm = tl.param "block_M" : index
  %threads = tl.param "threads" : index
  %grid = tl.ceildiv %M, %bm : index
  tl.kernel (%bx) in (%grid) threads %threads {
    %a = tl.alloc_shared(%bm) : memref<?x64xf16, #tl.memory<shared>>
    %b = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %s = tl.alloc_fragment(%bm) : memref<?x64xf32, #tl.memory<fragment>>
    %m = tl.alloc_fragment(%bm) : memref<?xf32, #tl.memory<fragment>>
    %l = tl.alloc_fragment(%bm) : memref<?xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %bm : index
    tl.copy %A[%row, %c0] to %a : memref<?x64xf16>, memref<?x64xf16, #tl.memory<shared>>
    tl.copy %B[%c0, %c0] to %b : memref<64x64xf16>, memref<64x64xf16, #tl.memory<shared>>
    tl.gemm %a, %b, %s {clear_accum} : memref<?x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<?x64xf32, #tl.memory<fragment>>
    tl.reduce max %s, %m dim 1 : memref<?x64xf32, #tl.memory<fragment>>, memref<?xf32, #tl.memory<fragment>>
    tl.parallel (%i, %j) in (%bm, %c64) {
      %v = memref.load %s[%i, %j] : memref<?x64xf32, #tl.memory<fragment>>
      %mx = memref.load %m[%i] : memref<?xf32, #tl.memory<fragment>>
      %d = arith.subf %v, %mx : f32
      %e = math.exp %d : f32
      memref.store %e, %s[%i, %j] : memref<?x64xf32, #tl.memory<fragment>>
    }
    tl.reduce sum %s, %l dim 1 : memref<?x64xf32, #tl.memory<fragment>>, memref<?xf32, #tl.memory<fragment>>
    tl.parallel (%i, %j) in (%bm, %c64) {
      %v = memref.load %s[%i, %j] : memref<?x64xf32, #tl.memory<fragment>>
      %sum = memref.load %l[%i] : memref<?xf32, #tl.memory<fragment>>
      %q = arith.divf %v, %sum : f32
      memref.store %q, %s[%i, %j] : memref<?x64xf32, #tl.memory<fragment>>
    }
    tl.copy %s to %O[%row, %c0] : memref<?x64xf32, #tl.memory<fragment>>, memref<?x64xf32>
  }
  tl.return
}
