// C = A * B^T with B stored N x K (matmul_nt.mlir's layout) and the Hopper
// config space of matmul_sm90.mlir: tl.gemm reads B's tile K-major
// (transpose_b), and in clusters of 2 block rows the pair shares that tile
// (a 256 x 64 box, loaded in two halves of 128 rows, multicast; 192 x 64
// in halves of 96). As there, at most 128 accumulator registers a thread
// (tl.constraints).
//
//   tl-tune examples/matmul_nt_sm90.mlir --instantiate=M=8192,N=8192,K=8192

tl.func @matmul_nt_sm90(%A: memref<?x?xf16> {tl.shape = ["M", "K"]},
                %B: memref<?x?xf16> {tl.shape = ["N", "K"]},
                %C: memref<?x?xf16> {tl.shape = ["M", "N"]})
    attributes {
      params = [
        #tl.param<"M" : index>,
        #tl.param<"N" : index>,
        #tl.param<"K" : index>,
        #tl.param<"block_M" : index = 128 in [16, 32, 64, 128, 256]>,
        #tl.param<"block_N" : index = 128 in [16, 32, 64, 128, 192, 256]>,
        #tl.param<"block_K" : index = 32 in [16, 32, 64, 128]>,
        #tl.param<"num_stages" : index = 3 in [1, 2, 3, 4, 5, 6, 7]>,
        #tl.param<"threads" : index = 128 in [64, 128, 256, 512]>,
        #tl.param<"group_m" : index = 1 in [1, 2, 4, 8, 16, 32]>,
        #tl.param<"cluster_m" : index = 1 in [1, 2, 4]>,
        #tl.param<"persistent" : index = 0 in [0, 1, 2]>
      ],
      configs = #tl.product<{
        block_M = [128, 256], block_N = [128, 192, 256], block_K = [64],
        num_stages = [3, 4], threads = [128, 256], group_m = [1, 8],
        cluster_m = [1, 2], persistent = [0, 1]
      }>,
      tl.constraints = ["block_M * block_N <= 128 * threads"]
    } {
  %c0 = arith.constant 0 : index
  %M = tl.param "M" : index
  %N = tl.param "N" : index
  %K = tl.param "K" : index
  %block_M = tl.param "block_M" : index
  %block_N = tl.param "block_N" : index
  %block_K = tl.param "block_K" : index
  %num_stages = tl.param "num_stages" : index
  %threads = tl.param "threads" : index
  %group_m = tl.param "group_m" : index
  %cluster_m = tl.param "cluster_m" : index
  %persistent = tl.param "persistent" : index

  %grid_x = tl.ceildiv %N, %block_N : index
  %grid_y = tl.ceildiv %M, %block_M : index
  tl.kernel (%bx, %by) in (%grid_x, %grid_y) threads %threads {
    tl.use_swizzle %group_m
    tl.cluster %cluster_m
    tl.persistent %persistent
    %A_s = tl.alloc_shared(%block_M, %block_K) : memref<?x?xf16, #tl.memory<shared>>
    %B_s = tl.alloc_shared(%block_N, %block_K) : memref<?x?xf16, #tl.memory<shared>>
    %C_f = tl.alloc_fragment(%block_M, %block_N) : memref<?x?xf32, #tl.memory<fragment>>
    tl.clear %C_f : memref<?x?xf32, #tl.memory<fragment>>

    %row = arith.muli %by, %block_M : index
    %col = arith.muli %bx, %block_N : index
    %k_tiles = tl.ceildiv %K, %block_K : index
    tl.pipelined %ko = %c0 to %k_tiles num_stages %num_stages {
      %k = arith.muli %ko, %block_K : index
      tl.copy %A[%row, %k] to %A_s : memref<?x?xf16>, memref<?x?xf16, #tl.memory<shared>>
      tl.copy %B[%col, %k] to %B_s : memref<?x?xf16>, memref<?x?xf16, #tl.memory<shared>>
      tl.gemm %A_s, %B_s, %C_f {transpose_b} : memref<?x?xf16, #tl.memory<shared>>,
          memref<?x?xf16, #tl.memory<shared>>, memref<?x?xf32, #tl.memory<fragment>>
    }
    tl.copy %C_f to %C[%row, %col] : memref<?x?xf32, #tl.memory<fragment>>, memref<?x?xf16>
  }
  tl.return
}
