// tl-tune on a HIP device, through a stand-in HIP runtime (unit/FakeHip.c
// with FAKE_HIP_WORKING=1) on this machine, which has no AMD GPU: the tuner
// finds the device, compiles every config to HSACO for it and runs each in
// a worker on it (load, launch, time, check). The stand-in computes
// nothing, so every candidate must fail its check against the host
// reference: what an AMD GPU computes is not checked here.
// UNSUPPORTED: cuda-gpu
//
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: env TL_HIP_LIBRARY=%fake_hip FAKE_HIP_WORKING=1 TILELANG_CACHE_DIR=%t/cache not tl-tune %examples/matmul.mlir --instantiate=M=64,N=64,K=64 --constraint='block_K == 32 && num_stages == 2' --target=hip --chip=gfx90a --reference=host --warmup=1 --rep=3 2>&1 | FileCheck %s --check-prefix=HIP
// RUN: env TL_HIP_LIBRARY=%fake_hip FAKE_HIP_WORKING=1 TILELANG_CACHE_DIR=%t/cache not tl-tune %examples/matmul.mlir --instantiate=M=64,N=64,K=64 --constraint='block_K == 32 && num_stages == 2 && threads == 128' --chip=gfx90a --reference=host --warmup=1 --rep=3 2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: env TL_HIP_LIBRARY=%fake_hip FAKE_HIP_WORKING=1 not tl-tune %examples/matmul.mlir --instantiate=M=64,N=64,K=64 --target=hip 2>&1 | FileCheck %s --check-prefix=NOCHIP
// RUN: env TL_HIP_LIBRARY=%fake_hip not tl-tune %examples/matmul.mlir --instantiate=M=64,N=64,K=64 --constraint='block_M == 64 && block_N == 64 && block_K == 32 && num_stages == 2 && threads == 128' --target=hip 2>&1 | FileCheck %s --check-prefix=NODEVICE

// HIP: tl-tune: {{.*}}matmul.mlir on Fake HIP GPU (gfx90a)
// HIP-NOT: {{ ok }}
// HIP: check_failed
// HIP-NEXT: output 2: 4096 of 4096 elements off (100.0000%), max abs error 0, max rel error 0 - FAILED (every mismatch is a NaN where a number was expected
// HIP-NOT: {{ ok }}
// HIP: no candidate passed

// AUTO: tl-tune: {{.*}}matmul.mlir on Fake HIP GPU (gfx90a)
// AUTO: check_failed

// NOCHIP: tl-tune: --target hip: the ISA of Fake HIP GPU is not known (no /sys/class/kfd topology); give --chip gfx90a, gfx942, ...

// NODEVICE: tl-tune: --target hip: compiled 1 of 1 configs for gfx942 to HSACO in {{[0-9.]+}} s; nothing was timed or checked: no HIP device is available (no HIP device 0 (0 found))

// A device reference that writes nothing (the stand-in's) is refused, not
// trusted: its poisoned outputs would pass every candidate that also
// writes nothing.
// RUN: env TL_HIP_LIBRARY=%fake_hip FAKE_HIP_WORKING=1 not tl-tune %examples/matmul.mlir --instantiate=M=64,N=64,K=64 --constraint='block_K == 32 && num_stages == 2 && threads == 128' --target=hip --chip=gfx942 --no-cache --warmup=1 --rep=3 2>&1 | FileCheck %s --check-prefix=DEVREF
// DEVREF: tl-tune: the device reference (the template with its default parameters, no tensor cores) failed: it left 4096 of 4096 elements of output 2 unwritten; give --ref files, --reference host or --skip-check
