// RUN: mx-opt %s --mx-import-quant --split-input-file -verify-diagnostics | FileCheck %s

// What the importer cannot represent stays as it is, with a remark that
// says why; the pass succeeds.

// CHECK-LABEL: func.func @narrow
// CHECK: quant.qcast
// CHECK: quant.dcast
func.func @narrow(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-remark@+1 {{mx-import-quant: 'quant.qcast' left alone: the storage range [-127:127] is narrower than the full 8-bit range [-128:127]; mx INT8 clamps to the full range}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>>
  // expected-remark@+1 {{mx-import-quant: 'quant.dcast' left alone: its operand's producer was not imported}}
  %y = quant.dcast %q : tensor<4x!quant.uniform<i8<-127:127>:f32, 0.5>> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

func.func @four_bits(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-remark@+1 {{'quant.qcast' left alone: the storage type has 4 bits; mx INT8 stores 8-bit codes}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i4:f32, 0.5>>
  // expected-remark@+1 {{'quant.dcast' left alone}}
  %y = quant.dcast %q : tensor<4x!quant.uniform<i4:f32, 0.5>> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// A quantized value crossing a function boundary.
// CHECK-LABEL: func.func @argument
// CHECK: quant.dcast
func.func @argument(%q: tensor<4x!quant.uniform<i8:f32, 0.5>>) -> tensor<4xf32> {
  // expected-remark@+1 {{'quant.dcast' left alone: its operand is a block argument (a quantized value crossing a function or region boundary)}}
  %y = quant.dcast %q : tensor<4x!quant.uniform<i8:f32, 0.5>> to tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// CHECK-LABEL: func.func @returned
// CHECK: quant.qcast
func.func @returned(%x: tensor<4xf32>) -> tensor<4x!quant.uniform<i8:f32, 0.5>> {
  // expected-remark@+1 {{'quant.qcast' left alone: the quantized value is used by 'func.return', which has no mx counterpart (only quant.dcast and quant.scast are imported)}}
  %q = quant.qcast %x : tensor<4xf32> to tensor<4x!quant.uniform<i8:f32, 0.5>>
  return %q : tensor<4x!quant.uniform<i8:f32, 0.5>>
}

// -----

func.func @dynamic_axis(%x: tensor<?xf32>) -> tensor<?xf32> {
  // expected-remark@+1 {{'quant.qcast' left alone: the quantized dimension 0 has a dynamic size}}
  %q = quant.qcast %x : tensor<?xf32> to tensor<?x!quant.uniform<i8:f32:0, {0.5, 0.25}>>
  // expected-remark@+1 {{'quant.dcast' left alone}}
  %y = quant.dcast %q : tensor<?x!quant.uniform<i8:f32:0, {0.5, 0.25}>> to tensor<?xf32>
  return %y : tensor<?xf32>
}

// -----

func.func @scalar(%x: f32) -> f32 {
  // expected-remark@+1 {{'quant.qcast' left alone: its operand is not a ranked tensor}}
  %q = quant.qcast %x : f32 to !quant.uniform<i8:f32, 0.5>
  // expected-remark@+1 {{'quant.dcast' left alone}}
  %y = quant.dcast %q : !quant.uniform<i8:f32, 0.5> to f32
  return %y : f32
}
