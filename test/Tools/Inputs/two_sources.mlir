// C = A1 B1 + A2 B2: the same shared tiles filled in two pipelined loops,
// from tensors of K1 and K2 columns. Its FLOPs are 2 * M * N * (K1 + K2):
// each loop's gemm counts its own tensors' K.
tl.func @two_sources(%A1: memref<?x?xf16> {tl.shape = ["M", "K1"]},
                     %B1: memref<?x?xf16> {tl.shape = ["K1", "N"]},
                     %A2: memref<?x?xf16> {tl.shape = ["M", "K2"]},
                     %B2: memref<?x?xf16> {tl.shape = ["K2", "N"]},
                     %C: memref<?x?xf16> {tl.shape = ["M", "N"]})
    attributes {
      params = [#tl.param<"M" : index>, #tl.param<"N" : index>,
                #tl.param<"K1" : index>, #tl.param<"K2" : index>,
                #tl.param<"block" : index = 32 in [32, 64]>],
      configs = #tl.product<{block = [32, 64]}>
    } {
  %c0 = arith.constant 0 : index
  %M = tl.param "M" : index
  %N = tl.param "N" : index
  %K1 = tl.param "K1" : index
  %K2 = tl.param "K2" : index
  %block = tl.param "block" : index
  %threads = arith.constant 128 : index
  %stages = arith.constant 2 : index
  %grid_x = tl.ceildiv %N, %block : index
  %grid_y = tl.ceildiv %M, %block : index
  tl.kernel (%bx, %by) in (%grid_x, %grid_y) threads %threads {
    %A_s = tl.alloc_shared(%block, %block) : memref<?x?xf16, #tl.memory<shared>>
    %B_s = tl.alloc_shared(%block, %block) : memref<?x?xf16, #tl.memory<shared>>
    %C_f = tl.alloc_fragment(%block, %block) : memref<?x?xf32, #tl.memory<fragment>>
    tl.clear %C_f : memref<?x?xf32, #tl.memory<fragment>>
    %row = arith.muli %by, %block : index
    %col = arith.muli %bx, %block : index
    %k1_tiles = tl.ceildiv %K1, %block : index
    tl.pipelined %ko = %c0 to %k1_tiles num_stages %stages {
      %k = arith.muli %ko, %block : index
      tl.copy %A1[%row, %k] to %A_s : memref<?x?xf16>, memref<?x?xf16, #tl.memory<shared>>
      tl.copy %B1[%k, %col] to %B_s : memref<?x?xf16>, memref<?x?xf16, #tl.memory<shared>>
      tl.gemm %A_s, %B_s, %C_f : memref<?x?xf16, #tl.memory<shared>>,
          memref<?x?xf16, #tl.memory<shared>>, memref<?x?xf32, #tl.memory<fragment>>
    }
    %k2_tiles = tl.ceildiv %K2, %block : index
    tl.pipelined %ko = %c0 to %k2_tiles num_stages %stages {
      %k = arith.muli %ko, %block : index
      tl.copy %A2[%row, %k] to %A_s : memref<?x?xf16>, memref<?x?xf16, #tl.memory<shared>>
      tl.copy %B2[%k, %col] to %B_s : memref<?x?xf16>, memref<?x?xf16, #tl.memory<shared>>
      tl.gemm %A_s, %B_s, %C_f : memref<?x?xf16, #tl.memory<shared>>,
          memref<?x?xf16, #tl.memory<shared>>, memref<?x?xf32, #tl.memory<fragment>>
    }
    tl.copy %C_f to %C[%row, %col] : memref<?x?xf32, #tl.memory<fragment>>, memref<?x?xf16>
  }
  tl.return
}
