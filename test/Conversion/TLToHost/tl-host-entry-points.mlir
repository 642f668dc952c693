// RUN: tl-opt %s --split-input-file --verify-diagnostics --tl-host-entry-points | FileCheck %s

// args[i] points at argument i's value: a pointer for buffers, the value
// itself for scalars.
// CHECK-LABEL: llvm.func @k_packed
// CHECK-SAME: (%[[ARGS:.*]]: !llvm.ptr, %[[B:.*]]: i64, %[[E:.*]]: i64)
// CHECK: %[[S0:.*]] = llvm.getelementptr %[[ARGS]][0] : (!llvm.ptr) -> !llvm.ptr, !llvm.ptr
// CHECK: %[[P0:.*]] = llvm.load %[[S0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[V0:.*]] = llvm.load %[[P0]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[S1:.*]] = llvm.getelementptr %[[ARGS]][1]
// CHECK: %[[P1:.*]] = llvm.load %[[S1]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[V1:.*]] = llvm.load %[[P1]] : !llvm.ptr -> f32
// CHECK: llvm.call @k(%[[V0]], %[[V1]], %[[B]], %[[E]])
llvm.func @k(%buf: !llvm.ptr, %alpha: f32, %begin: i64, %end: i64) attributes {tl.entry} {
  llvm.return
}

// Functions without tl.entry are left alone.
// CHECK-NOT: @helper_packed
llvm.func @helper(%x: i64) {
  llvm.return
}

// -----

// expected-error @below {{a tl entry must end with the (begin, end) block range as i64; was it lowered with tl-convert-to-host?}}
llvm.func @bad(%buf: !llvm.ptr) attributes {tl.entry} {
  llvm.return
}
