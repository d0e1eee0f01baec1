// RUN: mx-opt %s --mx-on-functions-with="skip-call-chains pipeline=func.func(strip-debuginfo)" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s
// RUN: mx-opt %s --mx-on-functions-with="pipeline=func.func(strip-debuginfo)" --mlir-print-debuginfo --mlir-print-local-scope | FileCheck %s --check-prefix=ALL

// skip-call-chains: the pipeline (here strip-debuginfo, which makes every
// location it visits unknown) runs on every function except the call
// chains of outlined kernels (one block of memref.alloc with a static
// shape used by a call, memref.dealloc, func.call, func.return). No
// `dialects`: every other function is selected.

// CHECK-LABEL: func.func @chain
// CHECK: memref.alloc() {{.*}} loc("chain_alloc")
// CHECK: call @kernel({{.*}} loc("chain_call")
// CHECK: memref.dealloc {{.*}} loc("chain_dealloc")
// ALL-LABEL: func.func @chain
// ALL-NOT: loc("chain_
// ALL: return
func.func @chain(%x: memref<4xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<4xf32> loc("chain_alloc")
  call @kernel(%x, %a) : (memref<4xf32>, memref<4xf32>) -> () loc("chain_call")
  memref.dealloc %a : memref<4xf32> loc("chain_dealloc")
  return
}

// Not chains: a copy; an allocation no call uses; a dynamic allocation.
// CHECK-LABEL: func.func @copies
// CHECK-NOT: loc("copy_
// CHECK: return
func.func @copies(%x: memref<4xf32>) {
  %a = memref.alloc() : memref<4xf32> loc("copy_alloc")
  memref.copy %x, %a : memref<4xf32> to memref<4xf32> loc("copy_copy")
  call @kernel(%x, %a) : (memref<4xf32>, memref<4xf32>) -> () loc("copy_call")
  memref.dealloc %a : memref<4xf32> loc("copy_dealloc")
  return
}
// CHECK-LABEL: func.func @unused
// CHECK-NOT: loc("unused_
// CHECK: return
func.func @unused() {
  %a = memref.alloc() : memref<4xf32> loc("unused_alloc")
  memref.dealloc %a : memref<4xf32> loc("unused_dealloc")
  return
}
// CHECK-LABEL: func.func @dynamic
// CHECK-NOT: loc("dynamic_
// CHECK: return
func.func @dynamic(%n: index, %x: memref<4xf32>) {
  %a = memref.alloc(%n) : memref<?xf32> loc("dynamic_alloc")
  %c = memref.cast %a : memref<?xf32> to memref<4xf32> loc("dynamic_cast")
  call @kernel(%x, %c) : (memref<4xf32>, memref<4xf32>) -> () loc("dynamic_call")
  return
}

func.func private @kernel(%x: memref<4xf32>, %y: memref<4xf32>)
