// Attention's scores, S = Q K^T, summed over the key blocks of a pipelined
// loop: the gemm's K is the head (64, held whole), the loop runs over the
// keys. Its FLOPs are 2 * M * N * 64.
tl.func @scores(%Q: memref<?x64xf16> {tl.shape = ["M", 64]},
                %K: memref<?x64xf16> {tl.shape = ["N", 64]},
                %S: memref<?x?xf32> {tl.shape = ["M", "N"]})
    attributes {
      params = [#tl.param<"M" : index>, #tl.param<"N" : index>,
                #tl.param<"block" : index = 64 in [32, 64]>],
      configs = #tl.product<{block = [32, 64]}>
    } {
  %c0 = arith.constant 0 : index
  %M = tl.param "M" : index
  %N = tl.param "N" : index
  %block = tl.param "block" : index
  %grid = tl.ceildiv %M, %block : index
  %keys = tl.ceildiv %N, %block : index
  %threads = arith.constant 128 : index
  %stages = arith.constant 2 : index
  tl.kernel (%bx) in (%grid) threads %threads {
    %q = tl.alloc_shared(%block) : memref<?x64xf16, #tl.memory<shared>>
    %k = tl.alloc_shared(%block) : memref<?x64xf16, #tl.memory<shared>>
    %s = tl.alloc_fragment(%block, %block) : memref<?x?xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %block : index
    tl.copy %Q[%row, %c0] to %q : memref<?x64xf16>, memref<?x64xf16, #tl.memory<shared>>
    tl.clear %s : memref<?x?xf32, #tl.memory<fragment>>
    tl.pipelined %j = %c0 to %keys num_stages %stages {
      %key = arith.muli %j, %block : index
      tl.copy %K[%key, %c0] to %k : memref<?x64xf16>, memref<?x64xf16, #tl.memory<shared>>
      tl.gemm %q, %k, %s {transpose_b} : memref<?x64xf16, #tl.memory<shared>>,
          memref<?x64xf16, #tl.memory<shared>>, memref<?x?xf32, #tl.memory<fragment>>
    }
    tl.copy %s to %S[%row, %c0] : memref<?x?xf32, #tl.memory<fragment>>, memref<?x?xf32>
  }
  tl.return
}
