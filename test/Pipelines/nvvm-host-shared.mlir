// The host functions of --mx-lower-to-nvvm allocate their own buffers that
// kernels use (here the quantized activations, codes and scales, between
// the quantization kernel and the matmul kernel) with gpu.alloc
// host_shared, which upstream's CUDA runtime wrappers implement with
// cuMemAllocManaged (mgpuMemAlloc with isHostShared = true), and free them
// with gpu.dealloc (mgpuMemFree) before returning. host-shared=false keeps
// memref.alloc (malloc: device-accessible only with HMM). The caller's
// buffers (arguments) are not allocated here (docs/GPU.md: they must be
// device-accessible).

// RUN: mx-opt %S/Inputs/matmul.mlir --mx-quantize=format=mxfp8_e4m3 --mx-propagate --mx-fuse --mx-lower-to-nvvm="chip=sm_90" --mlir-print-ir-after=mx-gpu-host-shared-buffers -o %t.mlir 2>&1 | FileCheck %s
// RUN: FileCheck %s --check-prefix=LLVM --input-file %t.mlir
// RUN: mx-opt %S/Inputs/matmul.mlir --mx-quantize=format=mxfp8_e4m3 --mx-propagate --mx-fuse --mx-lower-to-nvvm="chip=sm_90 host-shared=false" -o - | FileCheck %s --check-prefix=MALLOC

// CHECK-LABEL: func.func @mm(
// CHECK-NOT: memref.alloc
// CHECK-DAG: %[[CODES:.*]] = gpu.alloc  host_shared () : memref<2048xi8>
// CHECK-DAG: %[[SCALES:.*]] = gpu.alloc  host_shared () : memref<64xi8>
// CHECK-NOT: memref.alloc
// CHECK: gpu.launch_func @{{.*}} args({{.*}}, %[[CODES]] : memref<2048xi8>, %[[SCALES]] : memref<64xi8>)
// CHECK: gpu.launch_func
// CHECK: gpu.launch_func
// CHECK-DAG: gpu.dealloc async [%{{.*}}] %[[CODES]] : memref<2048xi8>
// CHECK-DAG: gpu.dealloc async [%{{.*}}] %[[SCALES]] : memref<64xi8>
// CHECK: return

// LLVM-LABEL: llvm.func @mm(
// LLVM-NOT: llvm.call @malloc
// LLVM-NOT: llvm.call @aligned_alloc
// LLVM: %[[SHARED:.*]] = llvm.mlir.constant(1 : i8) : i8
// LLVM: llvm.call @mgpuMemAlloc({{.*}}, %[[SHARED]]) : (i64, !llvm.ptr, i8) -> !llvm.ptr
// LLVM: llvm.call @mgpuMemFree
// LLVM-NOT: gpu.dealloc
// LLVM: llvm.return

// MALLOC-LABEL: llvm.func @mm(
// MALLOC-NOT: mgpuMemAlloc
// MALLOC: llvm.call @{{malloc|aligned_alloc}}
// MALLOC-NOT: mgpuMemAlloc
// MALLOC: llvm.return
