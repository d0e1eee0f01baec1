// Matmuls (40 x 100 by 100 x 70) on data scaled by powers of two, so that
// the MX block scales of A and B sit around the limits of the AMX bf16
// kernel (docs/Lowering.md, "AMX kernel"): scale exponents a, b >= -126,
// a, b <= 108, a + b in [-126, 107 - ceil(log2(blocks))] over all blocks.
// Outside them the kernel takes the VNNI kernel at run time. For MXINT8
// gaussian data, the entries named fast_* take the bf16 tiles and the
// fallback_* ones the VNNI kernel (checked when the test was written with
// a print in the fallback branch). The scaling multiplies before
// quantization, so every lowering sees the same quantized operands.

func.func @fast(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %sx = arith.constant 1.00000000000000000e+00 : f32
  %sw = arith.constant 1.00000000000000000e+00 : f32
  %ex = tensor.empty() : tensor<40x100xf32>
  %ew = tensor.empty() : tensor<100x70xf32>
  %xs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x100xf32>) outs(%ex : tensor<40x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sx : f32
    linalg.yield %m : f32
  } -> tensor<40x100xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<100x70xf32>) outs(%ew : tensor<100x70xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sw : f32
    linalg.yield %m : f32
  } -> tensor<100x70xf32>
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}

func.func @fast_small(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %sx = arith.constant 5.55111512312578270e-17 : f32
  %sw = arith.constant 5.55111512312578270e-17 : f32
  %ex = tensor.empty() : tensor<40x100xf32>
  %ew = tensor.empty() : tensor<100x70xf32>
  %xs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x100xf32>) outs(%ex : tensor<40x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sx : f32
    linalg.yield %m : f32
  } -> tensor<40x100xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<100x70xf32>) outs(%ew : tensor<100x70xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sw : f32
    linalg.yield %m : f32
  } -> tensor<100x70xf32>
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}

func.func @fallback_small(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %sx = arith.constant 3.46944695195361419e-18 : f32
  %sw = arith.constant 3.46944695195361419e-18 : f32
  %ex = tensor.empty() : tensor<40x100xf32>
  %ew = tensor.empty() : tensor<100x70xf32>
  %xs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x100xf32>) outs(%ex : tensor<40x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sx : f32
    linalg.yield %m : f32
  } -> tensor<40x100xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<100x70xf32>) outs(%ew : tensor<100x70xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sw : f32
    linalg.yield %m : f32
  } -> tensor<100x70xf32>
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}

func.func @fallback_a(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %sx = arith.constant 1.88079096131566001e-37 : f32
  %sw = arith.constant 1.00000000000000000e+00 : f32
  %ex = tensor.empty() : tensor<40x100xf32>
  %ew = tensor.empty() : tensor<100x70xf32>
  %xs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x100xf32>) outs(%ex : tensor<40x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sx : f32
    linalg.yield %m : f32
  } -> tensor<40x100xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<100x70xf32>) outs(%ew : tensor<100x70xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sw : f32
    linalg.yield %m : f32
  } -> tensor<100x70xf32>
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}

func.func @fast_large(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %sx = arith.constant 1.44115188075855872e+17 : f32
  %sw = arith.constant 1.44115188075855872e+17 : f32
  %ex = tensor.empty() : tensor<40x100xf32>
  %ew = tensor.empty() : tensor<100x70xf32>
  %xs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x100xf32>) outs(%ex : tensor<40x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sx : f32
    linalg.yield %m : f32
  } -> tensor<40x100xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<100x70xf32>) outs(%ew : tensor<100x70xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sw : f32
    linalg.yield %m : f32
  } -> tensor<100x70xf32>
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}

func.func @fallback_large(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %sx = arith.constant 2.88230376151711744e+17 : f32
  %sw = arith.constant 2.88230376151711744e+17 : f32
  %ex = tensor.empty() : tensor<40x100xf32>
  %ew = tensor.empty() : tensor<100x70xf32>
  %xs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x100xf32>) outs(%ex : tensor<40x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sx : f32
    linalg.yield %m : f32
  } -> tensor<40x100xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<100x70xf32>) outs(%ew : tensor<100x70xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sw : f32
    linalg.yield %m : f32
  } -> tensor<100x70xf32>
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}

func.func @fast_wide(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %sx = arith.constant 1.29807421463370691e+33 : f32
  %sw = arith.constant 7.70371977754894341e-34 : f32
  %ex = tensor.empty() : tensor<40x100xf32>
  %ew = tensor.empty() : tensor<100x70xf32>
  %xs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x100xf32>) outs(%ex : tensor<40x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sx : f32
    linalg.yield %m : f32
  } -> tensor<40x100xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<100x70xf32>) outs(%ew : tensor<100x70xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sw : f32
    linalg.yield %m : f32
  } -> tensor<100x70xf32>
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}

func.func @fallback_wide(%x: tensor<40x100xf32>, %w: tensor<100x70xf32>) -> tensor<40x70xf32> {
  %zero = arith.constant 0.0 : f32
  %sx = arith.constant 4.15383748682786210e+34 : f32
  %sw = arith.constant 2.40741243048404482e-35 : f32
  %ex = tensor.empty() : tensor<40x100xf32>
  %ew = tensor.empty() : tensor<100x70xf32>
  %xs = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<40x100xf32>) outs(%ex : tensor<40x100xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sx : f32
    linalg.yield %m : f32
  } -> tensor<40x100xf32>
  %ws = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} ins(%w : tensor<100x70xf32>) outs(%ew : tensor<100x70xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.mulf %a, %sw : f32
    linalg.yield %m : f32
  } -> tensor<100x70xf32>
  %e = tensor.empty() : tensor<40x70xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%e : tensor<40x70xf32>) -> tensor<40x70xf32>
  %mm = linalg.matmul ins(%xs, %ws : tensor<40x100xf32>, tensor<100x70xf32>) outs(%acc : tensor<40x70xf32>) -> tensor<40x70xf32>
  return %mm : tensor<40x70xf32>
}
