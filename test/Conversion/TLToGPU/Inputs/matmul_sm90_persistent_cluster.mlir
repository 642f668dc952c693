// The Hopper example's 128x256x64 config, 4 stages, persistent in clusters of
// 2 block rows, specialized at 4096^3 (tl-expand-configs holds such configs
// back until a GPU run checks them; the lowering's lit tests use this copy).
module {
  module @matmul_sm90_block_M128_block_N256_block_K64_num_stages4_threads256_group_m8_cluster_m2_persistent1 attributes {tl.config = {block_K = 64 : i64, block_M = 128 : i64, block_N = 256 : i64, cluster_m = 2 : i64, group_m = 8 : i64, num_stages = 4 : i64, persistent = 1 : i64, threads = 256 : i64}, tl.config_index = 63 : i64, tl.resources = {registers_per_thread = 160 : i64, shared_memory_bytes = 230400 : i64, threads = 256 : i64}, tl.target = "sm_90a"} {
    tl.func @matmul_sm90_block_M128_block_N256_block_K64_num_stages4_threads256_group_m8_cluster_m2_persistent1(%arg0: memref<4096x4096xf16>, %arg1: memref<4096x4096xf16>, %arg2: memref<4096x4096xf16>) attributes {config = {block_K = 64 : i64, block_M = 128 : i64, block_N = 256 : i64, cluster_m = 2 : i64, group_m = 8 : i64, num_stages = 4 : i64, persistent = 1 : i64, threads = 256 : i64}} {
      %c1 = arith.constant 1 : index
      %c2 = arith.constant 2 : index
      %c8 = arith.constant 8 : index
      %c4 = arith.constant 4 : index
      %c64 = arith.constant 64 : index
      %c256 = arith.constant 256 : index
      %c128 = arith.constant 128 : index
      %c0 = arith.constant 0 : index
      %c16 = arith.constant 16 : index
      %c32 = arith.constant 32 : index
      tl.kernel (%arg3, %arg4) in (%c16, %c32) threads %c256 {
        tl.use_swizzle %c8
        tl.cluster %c2
        tl.persistent %c1
        %0 = tl.alloc_shared() : memref<128x64xf16, #tl.memory<shared>>
        %1 = tl.alloc_shared() : memref<64x256xf16, #tl.memory<shared>>
        %2 = tl.alloc_fragment() : memref<128x256xf32, #tl.memory<fragment>>
        tl.clear %2 : memref<128x256xf32, #tl.memory<fragment>>
        %3 = arith.muli %arg4, %c128 : index
        %4 = arith.muli %arg3, %c256 : index
        tl.pipelined %arg5 = %c0 to %c64 num_stages %c4 {
          %5 = arith.muli %arg5, %c64 : index
          tl.copy %arg0[%3, %5] to %0 : memref<4096x4096xf16>, memref<128x64xf16, #tl.memory<shared>>
          tl.copy %arg1[%5, %4] to %1 : memref<4096x4096xf16>, memref<64x256xf16, #tl.memory<shared>>
          tl.gemm %0, %1, %2 : memref<128x64xf16, #tl.memory<shared>>, memref<64x256xf16, #tl.memory<shared>>, memref<128x256xf32, #tl.memory<fragment>>
        }
        tl.copy %2 to %arg2[%3, %4] : memref<128x256xf32, #tl.memory<fragment>>, memref<4096x4096xf16>
      }
      tl.return
    }
  }
}
