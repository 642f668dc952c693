// Attention's second gemm, O = P V, with P computed in registers (here a
// constant) and O written whole: M comes from O's write-back, the key
// dimension from V's copies over the loop. Its FLOPs are 2 * M * N * 64.
tl.func @pv(%V: memref<?x64xf16> {tl.shape = ["N", 64]},
            %O: memref<?x64xf32> {tl.shape = ["M", 64]})
    attributes {
      params = [#tl.param<"M" : index>, #tl.param<"N" : index>,
                #tl.param<"block" : index = 64 in [32, 64]>],
      configs = #tl.product<{block = [32, 64]}>
    } {
  %c0 = arith.constant 0 : index
  %threads = arith.constant 128 : index
  %stages = arith.constant 2 : index
  %one = arith.constant 1.0 : f16
  %M = tl.param "M" : index
  %N = tl.param "N" : index
  %block = tl.param "block" : index
  %grid = tl.ceildiv %M, %block : index
  %keys = tl.ceildiv %N, %block : index
  tl.kernel (%bx) in (%grid) threads %threads {
    %p = tl.alloc_fragment(%block, %block) : memref<?x?xf16, #tl.memory<fragment>>
    %v = tl.alloc_shared(%block) : memref<?x64xf16, #tl.memory<shared>>
    %o = tl.alloc_fragment(%block) : memref<?x64xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %block : index
    tl.clear %o : memref<?x64xf32, #tl.memory<fragment>>
    tl.pipelined %j = %c0 to %keys num_stages %stages {
      %key = arith.muli %j, %block : index
      tl.fill %p, %one : memref<?x?xf16, #tl.memory<fragment>>, f16
      tl.copy %V[%key, %c0] to %v : memref<?x64xf16>, memref<?x64xf16, #tl.memory<shared>>
      tl.gemm %p, %v, %o : memref<?x?xf16, #tl.memory<fragment>>,
          memref<?x64xf16, #tl.memory<shared>>, memref<?x64xf32, #tl.memory<fragment>>
    }
    tl.copy %o to %O[%row, %c0] : memref<?x64xf32, #tl.memory<fragment>>, memref<?x64xf32>
  }
  tl.return
}
