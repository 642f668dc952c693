// RUN: tl-opt %s --split-input-file --verify-diagnostics --tl-convert-to-gpu

// expected-error @below {{'tmpl' is a template; run tl-expand-configs first}}
tl.func @tmpl() attributes {params = [#tl.param<"x" : index = 1>]} {
  tl.return
}

// -----

// expected-error @below {{the CUDA target launches one tl.kernel per tl.func; 'none' has 0}}
tl.func @none() {
  tl.return
}

// -----

tl.func @broadcast_write(%X: memref<32x32xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c32 = arith.constant 32 : index
  tl.kernel (%bx) in (%c1) threads %c32 {
    %f = tl.alloc_fragment() : memref<32x32xf32, #tl.memory<fragment>>
    %m = tl.alloc_fragment() : memref<32xf32, #tl.memory<fragment>>
    tl.parallel (%i, %j) in (%c32, %c32) {
      %v = memref.load %f[%i, %j] : memref<32x32xf32, #tl.memory<fragment>>
      %w = memref.load %m[%i] : memref<32xf32, #tl.memory<fragment>>
      // expected-error @below {{writes a fragment at indices other than the enclosing tl.parallel's; the CUDA lowering supports owner-local access only}}
      memref.store %v, %m[%i] : memref<32xf32, #tl.memory<fragment>>
    }
    tl.copy %f to %X[%c0, %c0] : memref<32x32xf32, #tl.memory<fragment>>, memref<32x32xf32>
  }
  tl.return
}

// -----

tl.func @too_big(%X: memref<512x2xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c512 = arith.constant 512 : index
  %c64 = arith.constant 64 : index
  // expected-error @below {{reads a fragment of 512 elements at another tl.parallel's row index; the CUDA lowering replicates such fragments in every thread, up to 256 elements}}
  tl.kernel (%bx) in (%c1) threads %c64 {
    %f = tl.alloc_fragment() : memref<512x2xf32, #tl.memory<fragment>>
    %m = tl.alloc_fragment() : memref<512xf32, #tl.memory<fragment>>
    tl.parallel (%i, %j) in (%c512, %c2) {
      %v = memref.load %f[%i, %j] : memref<512x2xf32, #tl.memory<fragment>>
      %w = memref.load %m[%i] : memref<512xf32, #tl.memory<fragment>>
      %s = arith.addf %v, %w : f32
      memref.store %s, %f[%i, %j] : memref<512x2xf32, #tl.memory<fragment>>
    }
    tl.copy %f to %X[%c0, %c0] : memref<512x2xf32, #tl.memory<fragment>>, memref<512x2xf32>
  }
  tl.return
}

// -----

// A tile sized at run time is refused with the host lowering's message (it
// used to crash building the shared-memory view).
tl.func @dynamic_shared(%X: memref<64x64xf16>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c128 = arith.constant 128 : index
  tl.kernel (%bx) in (%c1) threads %c128 {
    // expected-error @below {{tile shape is not static; specialize the template (tl-expand-configs) first}}
    %s = tl.alloc_shared(%n) : memref<?x64xf16, #tl.memory<shared>>
    tl.copy %X[%c0, %c0] to %s : memref<64x64xf16>, memref<?x64xf16, #tl.memory<shared>>
  }
  tl.return
}
