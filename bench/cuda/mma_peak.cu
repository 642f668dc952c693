// The ceiling of mma.sync on this GPU: every warp issues independent
// m16n8k16 f16 x f16 + f32 mma.sync from registers (no memory traffic), as
// many accumulators as a 64x64 warp tile of the GEMM (32 tiles, 128
// registers). Launched with 1, 2, 3 blocks of 4 warps per SM, it shows what
// tensor-core rate mma.sync reaches at 1, 2, 3 warps per scheduler.
//
//   nvcc -arch=sm_90a -cubin -o mma_peak.cubin bench/cuda/mma_peak.cu
//
// ab_matmul.py --mma-peak mma_peak.cubin loads and times it.

extern "C" __global__ void __launch_bounds__(128)
    mma_peak(float *out, int iterations) {
  unsigned a[4], b[2];
  for (int i = 0; i < 4; ++i)
    a[i] = 0x3c003c00u ^ (threadIdx.x * (i + 1)); // f16 pairs near 1.0
  for (int i = 0; i < 2; ++i)
    b[i] = 0x3c003c00u ^ (threadIdx.x * (i + 7));
  float c[32][4];
  for (int t = 0; t < 32; ++t)
    for (int r = 0; r < 4; ++r)
      c[t][r] = 0.0f;
  for (int it = 0; it < iterations; ++it) {
#pragma unroll
    for (int t = 0; t < 32; ++t)
      asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 "
                   "{%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};"
                   : "+f"(c[t][0]), "+f"(c[t][1]), "+f"(c[t][2]), "+f"(c[t][3])
                   : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]),
                     "r"(b[1]));
  }
  float sum = 0.0f;
  for (int t = 0; t < 32; ++t)
    for (int r = 0; r < 4; ++r)
      sum += c[t][r];
  out[blockIdx.x * blockDim.x + threadIdx.x] = sum;
}
