// What a user can get wrong, each a clear error naming the option, the
// variable or the file, with a non-zero exit: never a hang, a crash or a
// quiet success.
//
// RUN: rm -rf %t && mkdir -p %t && cd %t
// RUN: not tl-tune %s --instantiate=N=64 --target=host --jobs=2147483648 2>&1 | FileCheck %s --check-prefix=JOBS
// RUN: env TILELANG_AUTO_TUNING_CPU_UTILITIES=-1 not tl-tune %s --instantiate=N=64 --target=host 2>&1 | FileCheck %s --check-prefix=UTIL
// RUN: env TILELANG_AUTO_TUNING_CPU_UTILITIES=abc not tl-tune %s --instantiate=N=64 --target=host 2>&1 | FileCheck %s --check-prefix=UTILABC
// RUN: not tl-tune %s --instantiate=N=64 --target=host --rtol=-1 2>&1 | FileCheck %s --check-prefix=TOL
// RUN: not tl-tune %s --instantiate=N=64 --target=host --atol=-1 2>&1 | FileCheck %s --check-prefix=TOL
// RUN: not tl-tune %s --instantiate=N=64 --target=host --max-mismatched-ratio=-1 2>&1 | FileCheck %s --check-prefix=RATIO
// RUN: not tl-tune %s --instantiate=N=64,N=128 --target=host 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not tl-tune %s --instantiate=N=-1 --target=host 2>&1 | FileCheck %s --check-prefix=NEGATIVE
// RUN: not tl-tune %s --instantiate=N=17179869184 --target=host --no-cache 2>&1 | FileCheck %s --check-prefix=HUGE
// RUN: not tl-tune %s --instantiate=N=64 --target=host --no-cache --out-idx=0 2>&1 | FileCheck %s --check-prefix=OUTIDX
// RUN: %python %S/Inputs/write_npy.py 64 1.0 %t/x.npy
// RUN: not tl-tune %s --instantiate=N=64 --target=host --no-cache --input=%t/x.npy --input=%t/x.npy 2>&1 | FileCheck %s --check-prefix=INPUTS
// RUN: %python -c "open('%t/bad.npy','wb').write(b'\x93NUMPY\x01\x00\x46\x00' + b\"{'descr': '<f4', 'fortran_order': False, 'shape': (abc, 64), }\".ljust(69) + b'\n')"
// RUN: not tl-tune %s --instantiate=N=64 --target=host --no-cache --input=%t/bad.npy 2>&1 | FileCheck %s --check-prefix=BADNPY
// RUN: touch %t/afile
// RUN: not tl-tune %s --instantiate=N=64 --target=host --no-cache --output=%t/afile 2>&1 | FileCheck %s --check-prefix=OUTFILE
// RUN: not tl-tune %s --instantiate=N=64 --target=host --no-cache --output=%t/afile/sub 2>&1 | FileCheck %s --check-prefix=OUTSUB
// RUN: env TILEMLIR_HOST_CPU=pentium4 not tl-tune %s --instantiate=N=64 --target=host --no-cache 2>&1 | FileCheck %s --check-prefix=CPU
// RUN: not tl-tune %s --instantiate=N=64 --target=host --max-configs=1 2>&1 | FileCheck %s --check-prefix=MAXCONFIGS
// RUN: not tl-tune %s --instantiate=N=64 --target=host --timeout=1e300 2>&1 | FileCheck %s --check-prefix=TIMEOUT
// RUN: not tl-tune %s --instantiate=N=64 --target=host --rep=2147483647 2>&1 | FileCheck %s --check-prefix=REP
// RUN: not tl-tune %s --instantiate=N=64 --target=host --host-threads=100000 2>&1 | FileCheck %s --check-prefix=THREADS
// RUN: not tl-tune %s --instantiate=N=64 --target=host --no-cache --out-idx=1 --out-idx=-1 2>&1 | FileCheck %s --check-prefix=OUTTWICE

// JOBS: tl-tune: --jobs asks for 2147483648 compile threads; at most 1024 are allowed
// UTIL: tl-tune: TILELANG_AUTO_TUNING_CPU_UTILITIES=-1 is not a fraction in (0, 1]
// UTILABC: tl-tune: TILELANG_AUTO_TUNING_CPU_UTILITIES=abc is not a fraction in (0, 1]
// TOL: tl-tune: --rtol and --atol must be finite and >= 0
// RATIO: tl-tune: --max-mismatched-ratio must be between 0 and 1
// TWICE: tl-tune: {{.*}}error: tl-expand-configs: instantiate: 'N' is given twice; give each parameter once
// NEGATIVE: error: config 0 {block = 32}: does not specialize to a static kernel: parameter 'N' = -1 sizes dimension 0 of argument 0; tensor dimensions must be at least 1
// HUGE: tl-tune: the kernel's tensors need {{[0-9.]+}} GiB of host memory for the inputs, outputs and reference; this machine has {{[0-9.]+}} GiB
// OUTIDX: tl-tune: --out-idx 0 names argument 0, which the kernel never writes; the arguments it writes are 1
// INPUTS: tl-tune: got 2 --input files but the kernel has 1 input tensors
// BADNPY: tl-tune: {{.*}}bad.npy: malformed .npy header: the shape holds a value that is not a non-negative integer
// OUTFILE: tl-tune: --output {{.*}}afile is a file, not a directory
// OUTSUB: tl-tune: --output {{.*}}afile/sub: cannot create it
// CPU: tl-tune: TILEMLIR_HOST_CPU is 'pentium4'; host code is compiled for x86-64, x86-64-v2, x86-64-v3 or x86-64-v4
// TIMEOUT: tl-tune: --timeout must be more than 0 and at most 86400 s
// REP: tl-tune: --warmup must be 0 to 1000000 and --rep 1 to 1000000
// THREADS: tl-tune: --host-threads must be at most 1024
// OUTTWICE: tl-tune: --out-idx -1 names argument 1 a second time
// MAXCONFIGS: error: the config space of 'scale' has 2 configs, more than max-configs=1 allows

tl.func @scale(%X: memref<?xf32> {tl.shape = ["N"]}, %Y: memref<?xf32> {tl.shape = ["N"]})
    attributes {params = [#tl.param<"N" : index>,
                          #tl.param<"block" : index = 32 in [32, 64]>],
                configs = #tl.product<{block = [32, 64]}>} {
  %two = arith.constant 2.0 : f32
  %n = tl.param "N" : index
  %b = tl.param "block" : index
  %g = tl.ceildiv %n, %b : index
  tl.kernel (%bx) in (%g) threads %b {
    %f = tl.alloc_fragment(%b) : memref<?xf32, #tl.memory<fragment>>
    %row = arith.muli %bx, %b : index
    tl.copy %X[%row] to %f : memref<?xf32>, memref<?xf32, #tl.memory<fragment>>
    tl.parallel (%i) in (%b) {
      %v = memref.load %f[%i] : memref<?xf32, #tl.memory<fragment>>
      %w = arith.mulf %v, %two : f32
      memref.store %w, %f[%i] : memref<?xf32, #tl.memory<fragment>>
    }
    tl.copy %f to %Y[%row] : memref<?xf32, #tl.memory<fragment>>, memref<?xf32>
  }
  tl.return
}
