// Attention's two gemms over N keys in blocks of 64, P kept in registers
// and rewritten every iteration: O = sum_j f16(Q K_j^T) V_j (no softmax),
// with 64 or 128 query rows a block on one or two warpgroups (P's row
// tiles mi > 0 on one, a warpgroup's own rows on two; each warpgroup 64
// rows or more). bench/cuda/check_pv_rs.py runs it on a GPU.
tl.func @pv_rs_loop(%Q: memref<?x64xf16> {tl.shape = ["M", 64]},
                    %K: memref<?x64xf16> {tl.shape = ["N", 64]},
                    %V: memref<?x64xf16> {tl.shape = ["N", 64]},
                    %O: memref<?x64xf32> {tl.shape = ["M", 64]})
    attributes {
      params = [#tl.param<"M" : index>, #tl.param<"N" : index>,
                #tl.param<"block_M" : index = 64 in [64, 128]>,
                #tl.param<"threads" : index = 128 in [128, 256]>],
      configs = #tl.product<{block_M = [64, 128], threads = [128, 256]}>,
      tl.constraints = ["block_M * 128 >= threads * 64"]
    } {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c64 = arith.constant 64 : index
  %M = tl.param "M" : index
  %N = tl.param "N" : index
  %block_M = tl.param "block_M" : index
  %threads = tl.param "threads" : index
  %grid = tl.ceildiv %M, %block_M : index
  %keys = tl.ceildiv %N, %c64 : index
  tl.kernel (%bx) in (%grid) threads %threads {
    %q = tl.alloc_shared(%block_M) : memref<?x64xf16, #tl.memory<shared>>
    %k = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %v = tl.alloc_shared() : memref<64x64xf16, #tl.memory<shared>>
    %s = tl.alloc_fragment(%block_M) : memref<?x64xf32, #tl.memory<fragment>>
    %p = tl.alloc_fragment(%block_M) : memref<?x64xf16, #tl.memory<fragment>>
    %o = tl.alloc_fragment(%block_M) : memref<?x64xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %block_M : index
    tl.copy %Q[%row, %c0] to %q : memref<?x64xf16>, memref<?x64xf16, #tl.memory<shared>>
    tl.clear %o : memref<?x64xf32, #tl.memory<fragment>>
    tl.pipelined %j = %c0 to %keys num_stages %c2 {
      %key = arith.muli %j, %c64 : index
      tl.copy %K[%key, %c0] to %k : memref<?x64xf16>, memref<64x64xf16, #tl.memory<shared>>
      tl.copy %V[%key, %c0] to %v : memref<?x64xf16>, memref<64x64xf16, #tl.memory<shared>>
      tl.gemm %q, %k, %s {transpose_b, clear_accum} : memref<?x64xf16, #tl.memory<shared>>, memref<64x64xf16, #tl.memory<shared>>, memref<?x64xf32, #tl.memory<fragment>>
      tl.copy %s to %p : memref<?x64xf32, #tl.memory<fragment>>, memref<?x64xf16, #tl.memory<fragment>>
      tl.gemm %p, %v, %o : memref<?x64xf16, #tl.memory<fragment>>, memref<64x64xf16, #tl.memory<shared>>, memref<?x64xf32, #tl.memory<fragment>>
    }
    tl.copy %o to %O[%row, %c0] : memref<?x64xf32, #tl.memory<fragment>>, memref<?x64xf32>
  }
  tl.return
}
