// Moves test data to the edges of the E8M0 range: @low multiplies by 2^-130
// (f32 subnormals, below the smallest E8M0 block scale 2^-127 times the
// element's range), @high by 2^125 (near the largest f32).
func.func @low(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %c = arith.constant dense<0x00080000> : tensor<64x256xf32>
  %y = arith.mulf %x, %c : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
func.func @high(%x: tensor<64x256xf32>) -> tensor<64x256xf32> {
  %c = arith.constant dense<0x7E000000> : tensor<64x256xf32>
  %y = arith.mulf %x, %c : tensor<64x256xf32>
  return %y : tensor<64x256xf32>
}
