// RUN: mx-opt %s --mx-on-functions-with="dialects=math pipeline=func.func(convert-math-to-llvm)" | FileCheck %s
// RUN: mx-opt %s --mx-on-functions-with="dialects=math pipeline=func.func(canonicalize)" | FileCheck %s --check-prefix=CANON
// RUN: mx-opt %s --mx-on-functions-with="dialects=math,arith pipeline=func.func(canonicalize)" | FileCheck %s --check-prefix=ARITH
// RUN: not mx-opt %s --mx-on-functions-with="dialects=math pipeline=func.func(no-such-pass)" 2>&1 | FileCheck %s --check-prefix=BADPASS
// RUN: not mx-opt %s --mx-on-functions-with="dialects=math pipeline=builtin.module(canonicalize)" 2>&1 | FileCheck %s --check-prefix=BADANCHOR

// The pipeline runs on the functions with ops of the dialects only: math
// ops become LLVM intrinsics in @with; canonicalize run the same way
// leaves the dead addi of @without (no math ops) alone.
// CHECK-LABEL: func.func @with
// CHECK: llvm.intr.sqrt
// CANON-LABEL: func.func @without
// CANON-NEXT: arith.addi
func.func @with(%x: f32) -> f32 {
  %y = math.sqrt %x : f32
  return %y : f32
}

func.func @without(%x: i32) -> i32 {
  %dead = arith.addi %x, %x : i32
  return %x : i32
}

func.func @neither(%x: i32) -> i32 {
  return %x : i32
}

// With arith selected too, @without is canonicalized.
// ARITH-LABEL: func.func @without
// ARITH-NEXT: return %arg0

// BADPASS: mx-on-functions-with: cannot parse pipeline 'func.func(no-such-pass)'
// BADANCHOR: mx-on-functions-with: the pipeline must be anchored on a function op
