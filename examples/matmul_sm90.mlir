// The guide's GEMM (C = A * B, as matmul.mlir) with a config space for
// Hopper (sm_90a), where tl.gemm runs on warpgroup MMA: larger tiles (up to
// 128x256 and 256x128, one m64n256 instruction per warpgroup and k step;
// 128x192 too, whose tile counts fill the SMs' last wave better at some
// shapes: 3000x5000 is 648 such tiles, 4.9 waves of 132, against 480
// 128x256 tiles, 3.6 waves), at most 128 accumulator registers a thread
// (tl.constraints; 128x192 on one warpgroup needs 192 and spills),
// a 64-wide K step (one 128-byte swizzle atom), 3 to 4 stages, one or two
// warpgroups, the blocks in launch order or in groups of 8 rows
// (group_m, tl.use_swizzle: neighbours share A and B tiles in L2), and
// alone or in clusters of 2 block rows (cluster_m, tl.cluster: the pair
// loads its common B tile once, each block half of it, multicast through
// TMA), launched as written or persistent (persistent, tl.persistent: one
// block per SM slot loops over the tiles, and a producer warpgroup loads
// the next tile while the consumers store this one). The resource model
// drops what does not fit (a 256x256 accumulator is 512 registers a thread
// on 128 threads). persistent = 2 (two
// groups of the threads taking turns on two tiles, one storing while the
// other computes) is allowed but not in the space: on the H100 it ran
// 6-23 points of cuBLAS behind the best config at every shape measured
// (docs/performance.md); a --configs-file can ask for it.
//
//   tl-tune examples/matmul_sm90.mlir --instantiate=M=8192,N=8192,K=8192

tl.func @matmul_sm90(%A: memref<?x?xf16> {tl.shape = ["M", "K"]},
                %B: memref<?x?xf16> {tl.shape = ["K", "N"]},
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
    %B_s = tl.alloc_shared(%block_K, %block_N) : memref<?x?xf16, #tl.memory<shared>>
    %C_f = tl.alloc_fragment(%block_M, %block_N) : memref<?x?xf32, #tl.memory<fragment>>
    tl.clear %C_f : memref<?x?xf32, #tl.memory<fragment>>

    %row = arith.muli %by, %block_M : index
    %col = arith.muli %bx, %block_N : index
    %k_tiles = tl.ceildiv %K, %block_K : index
    tl.pipelined %ko = %c0 to %k_tiles num_stages %num_stages {
      %k = arith.muli %ko, %block_K : index
      tl.copy %A[%row, %k] to %A_s : memref<?x?xf16>, memref<?x?xf16, #tl.memory<shared>>
      tl.copy %B[%k, %col] to %B_s : memref<?x?xf16>, memref<?x?xf16, #tl.memory<shared>>
      tl.gemm %A_s, %B_s, %C_f : memref<?x?xf16, #tl.memory<shared>>,
          memref<?x?xf16, #tl.memory<shared>>, memref<?x?xf32, #tl.memory<fragment>>
    }
    tl.copy %C_f to %C[%row, %col] : memref<?x?xf32, #tl.memory<fragment>>, memref<?x?xf16>
  }
  tl.return
}
