// RUN: tl-opt %s --split-input-file --tl-expand-float-conversions="define-runtime=false" | FileCheck %s
// RUN: tl-opt %s --split-input-file --tl-expand-float-conversions="f16=false define-runtime=false" | FileCheck %s --check-prefix=F16C
// RUN: tl-opt %s --split-input-file --tl-expand-float-conversions | FileCheck %s --check-prefix=RUNTIME --implicit-check-not='arith.truncf {{.*}}: f32 to'

// bf16 and f16 conversions become integer arithmetic on scalars and
// vectors: no fptrunc/fpext to a narrow type is left for LLVM to turn into
// a compiler runtime call.

// CHECK-LABEL: func.func @trunc_bf16
// CHECK-NOT: arith.truncf
// CHECK: arith.bitcast %{{.*}} : vector<8xf32> to vector<8xi32>
// CHECK: arith.trunci %{{.*}} : vector<8xi32> to vector<8xi16>
// CHECK: arith.bitcast %{{.*}} : vector<8xi16> to vector<8xbf16>
// F16C-LABEL: func.func @trunc_bf16
// F16C-NOT: arith.truncf
func.func @trunc_bf16(%x: vector<8xf32>) -> vector<8xbf16> {
  %y = arith.truncf %x : vector<8xf32> to vector<8xbf16>
  return %y : vector<8xbf16>
}

// CHECK-LABEL: func.func @trunc_f16
// CHECK-NOT: arith.truncf
// CHECK: %[[BITS:.*]] = arith.bitcast %{{.*}} : f32 to i32
// CHECK: arith.cmpi ugt
// CHECK: arith.addf
// CHECK: arith.select
// CHECK: %[[NARROW:.*]] = arith.trunci %{{.*}} : i32 to i16
// CHECK: arith.bitcast %[[NARROW]] : i16 to f16
// With F16C the CPU converts f16 itself.
// F16C-LABEL: func.func @trunc_f16
// F16C: arith.truncf %{{.*}} : f32 to f16
func.func @trunc_f16(%x: f32) -> f16 {
  %y = arith.truncf %x : f32 to f16
  return %y : f16
}

// CHECK-LABEL: func.func @ext_f16
// CHECK-NOT: arith.extf
// CHECK: arith.bitcast %{{.*}} : vector<4xf16> to vector<4xi16>
// CHECK: arith.extui %{{.*}} : vector<4xi16> to vector<4xi32>
// CHECK: arith.sitofp %{{.*}} : vector<4xi32> to vector<4xf32>
// CHECK: arith.bitcast %{{.*}} : vector<4xi32> to vector<4xf32>
// F16C-LABEL: func.func @ext_f16
// F16C: arith.extf
func.func @ext_f16(%x: vector<4xf16>) -> vector<4xf32> {
  %y = arith.extf %x : vector<4xf16> to vector<4xf32>
  return %y : vector<4xf32>
}

// f64 goes through f32 on the way.
// CHECK-LABEL: func.func @f64_to_bf16
// CHECK: %[[F32:.*]] = arith.truncf %{{.*}} : f64 to f32
// CHECK: arith.bitcast %[[F32]] : f32 to i32
// CHECK-NOT: arith.truncf
func.func @f64_to_bf16(%x: f64) -> bf16 {
  %y = arith.truncf %x : f64 to bf16
  return %y : bf16
}

// CHECK-LABEL: func.func @bf16_to_f64
// CHECK-NOT: arith.extf %{{.*}} : bf16
// CHECK: arith.extf %{{.*}} : f32 to f64
func.func @bf16_to_f64(%x: bf16) -> f64 {
  %y = arith.extf %x : bf16 to f64
  return %y : f64
}

// -----

// The runtime functions the backend may call are defined, weak, with
// expanded bodies; the f16 ones only without F16C, f64 -> f16 always. No
// f32 truncation is left anywhere (--implicit-check-not).
// RUNTIME-LABEL: func.func @uses_bf16
// RUNTIME-DAG: func.func @__truncsfbf2(%{{.*}}: f32) -> bf16 attributes {llvm.linkage = #llvm.linkage<weak_odr>}
// RUNTIME-DAG: func.func @__truncdfbf2(%{{.*}}: f64) -> bf16
// RUNTIME-DAG: func.func @__truncdfhf2(%{{.*}}: f64) -> f16
// RUNTIME-DAG: func.func @__truncsfhf2(%{{.*}}: f32) -> f16
// RUNTIME-DAG: func.func @__extendhfsf2(%{{.*}}: f16) -> f32
func.func @uses_bf16(%x: bf16) -> bf16 {
  return %x : bf16
}
