#!/usr/bin/python3
"""Produces the digits example: a small CNN trained on the scikit-learn
digits images (8x8, 1797 images, 10 classes), exported to linalg MLIR with
its weights, plus calibration and test sets as .npy files.

Run once to produce the checked-in files (deterministic: fixed seeds):

    apt-get install python3-sklearn     # ships the digits images and NumPy
    /usr/bin/python3 examples/digits/make_digits.py   # Debian's Python

Only producing the example needs Python; the demo and the tests that use
these files do not.

Model (NHWC, batch of 100 images, pixels scaled to [0, 1]):
    conv3x3 1->16 (pad 1) + bias, relu, maxpool 2x2     -> 4x4x16
    conv3x3 16->32 (pad 1) + bias, relu, maxpool 2x2    -> 2x2x32
    flatten (N, H, W, C order) 128, dense 128->10 + bias -> logits

Written files (examples/digits/):
    digits.mlir               @digits(tensor<100x8x8x1xf32>) -> tensor<100x10xf32>
    data/calib_{0..4}.npy     calibration images, 5 x (100, 8, 8, 1) float32
                              (drawn from the training split)
    data/test_{0..4}.npy      test images, 5 x (100, 8, 8, 1) float32
    data/test_labels.npy      (500,) int32 test labels
    data/test_logits_fp32.npy (500, 10) float32 logits of the test images,
                              computed by this script's float32 forward pass
"""
import os

import numpy as np
from sklearn.datasets import load_digits

BATCH = 100
N_TEST = 500
N_CALIB = 500
EPOCHS = 40
SEED = 2026

here = os.path.dirname(os.path.abspath(__file__))


# ---------------------------------------------------------------------------
# The model in NumPy (float32, NHWC)
# ---------------------------------------------------------------------------

def pad1(x):
    return np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))


def im2col(x):
    """x: (N, H+2, W+2, C) padded -> (N, H, W, 3*3*C) in (kh, kw, c) order."""
    n, hp, wp, c = x.shape
    h, w = hp - 2, wp - 2
    cols = np.empty((n, h, w, 3, 3, c), dtype=x.dtype)
    for i in range(3):
        for j in range(3):
            cols[:, :, :, i, j, :] = x[:, i:i + h, j:j + w, :]
    return cols.reshape(n, h, w, 9 * c)


def conv_forward(x, w, b):
    """x (N,H,W,C), w (3,3,C,F) (HWCF), b (F,) -> (N,H,W,F), and im2col."""
    cols = im2col(pad1(x))
    out = cols @ w.reshape(-1, w.shape[3]) + b
    return out, cols


def conv_backward(dout, cols, w, x_shape):
    n, h, wd, f = dout.shape
    c = x_shape[3]
    dw = cols.reshape(-1, cols.shape[3]).T @ dout.reshape(-1, f)
    db = dout.sum(axis=(0, 1, 2))
    dcols = (dout.reshape(-1, f) @ w.reshape(-1, f).T).reshape(n, h, wd, 3, 3, c)
    dxp = np.zeros((n, h + 2, wd + 2, c), dtype=dout.dtype)
    for i in range(3):
        for j in range(3):
            dxp[:, i:i + h, j:j + wd, :] += dcols[:, :, :, i, j, :]
    return dxp[:, 1:-1, 1:-1, :], dw.reshape(w.shape), db


def pool_forward(x):
    n, h, w, c = x.shape
    r = x.reshape(n, h // 2, 2, w // 2, 2, c)
    out = r.max(axis=(2, 4))
    return out


def pool_backward(dout, x, out):
    n, h, w, c = x.shape
    r = x.reshape(n, h // 2, 2, w // 2, 2, c)
    mask = r == out[:, :, None, :, None, :]
    # Route the gradient to the first maximum of each window only.
    flat = mask.transpose(0, 1, 3, 5, 2, 4).reshape(n, h // 2, w // 2, c, 4)
    first = np.zeros_like(flat)
    idx = flat.argmax(axis=-1)
    np.put_along_axis(first, idx[..., None], True, axis=-1)
    first = first.reshape(n, h // 2, w // 2, c, 2, 2).transpose(0, 1, 4, 2, 5, 3)
    return (first * dout[:, :, None, :, None, :]).reshape(x.shape)


def forward(p, x, keep=False):
    a1, c1 = conv_forward(x, p["w1"], p["b1"])
    r1 = np.maximum(a1, 0)
    p1 = pool_forward(r1)
    a2, c2 = conv_forward(p1, p["w2"], p["b2"])
    r2 = np.maximum(a2, 0)
    p2 = pool_forward(r2)
    f = p2.reshape(p2.shape[0], -1)
    logits = f @ p["w3"] + p["b3"]
    if keep:
        return logits, (x, a1, c1, r1, p1, a2, c2, r2, p2, f)
    return logits


def backward(p, cache, dlogits):
    x, a1, c1, r1, p1, a2, c2, r2, p2, f = cache
    g = {}
    g["w3"] = f.T @ dlogits
    g["b3"] = dlogits.sum(axis=0)
    dp2 = (dlogits @ p["w3"].T).reshape(p2.shape)
    dr2 = pool_backward(dp2, r2, p2)
    da2 = dr2 * (a2 > 0)
    dp1, g["w2"], g["b2"] = conv_backward(da2, c2, p["w2"], p1.shape)
    dr1 = pool_backward(dp1, r1, p1)
    da1 = dr1 * (a1 > 0)
    _, g["w1"], g["b1"] = conv_backward(da1, c1, p["w1"], x.shape)
    return g


def train(x, y, rng):
    f32 = np.float32
    p = {
        "w1": (rng.standard_normal((3, 3, 1, 16)) * np.sqrt(2 / 9)).astype(f32),
        "b1": np.zeros(16, f32),
        "w2": (rng.standard_normal((3, 3, 16, 32)) * np.sqrt(2 / 144)).astype(f32),
        "b2": np.zeros(32, f32),
        "w3": (rng.standard_normal((128, 10)) * np.sqrt(1 / 128)).astype(f32),
        "b3": np.zeros(10, f32),
    }
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v = {k: np.zeros_like(v) for k, v in p.items()}
    lr, b1, b2, eps, step = 2e-3, 0.9, 0.999, 1e-8, 0
    n = x.shape[0]
    for epoch in range(EPOCHS):
        order = rng.permutation(n)
        for s in range(0, n, 32):
            idx = order[s:s + 32]
            logits, cache = forward(p, x[idx], keep=True)
            z = logits - logits.max(axis=1, keepdims=True)
            prob = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
            prob[np.arange(len(idx)), y[idx]] -= 1
            grads = backward(p, cache, (prob / len(idx)).astype(f32))
            step += 1
            for k in p:
                m[k] = b1 * m[k] + (1 - b1) * grads[k]
                v[k] = b2 * v[k] + (1 - b2) * grads[k] ** 2
                mh = m[k] / (1 - b1 ** step)
                vh = v[k] / (1 - b2 ** step)
                p[k] = (p[k] - lr * mh / (np.sqrt(vh) + eps)).astype(f32)
        if epoch == EPOCHS // 2:
            lr *= 0.3
    return p


# ---------------------------------------------------------------------------
# Export
# ---------------------------------------------------------------------------

def dense(a):
    """A dense<...> attribute body: nested lists of shortest round-trip f32."""
    def rec(t):
        if t.ndim == 1:
            return "[" + ", ".join(repr(float(np.float32(e))) for e in t) + "]"
        return "[" + ", ".join(rec(s) for s in t) + "]"
    return rec(a)


def ttype(shape):
    return "tensor<" + "x".join(str(d) for d in shape) + "xf32>"


MLIR = """\
// The digits CNN in linalg on tensors, as a front end emits it: produced by
// examples/digits/make_digits.py (trained in NumPy on the scikit-learn digits
// images; test accuracy {acc:.2f}% in float32 on the 500 test images).
//
//   conv3x3 1->16 pad 1 + bias, relu, maxpool 2x2,
//   conv3x3 16->32 pad 1 + bias, relu, maxpool 2x2,
//   flatten (N, H, W, C), dense 128->10 + bias.
//
// Input: 100 images, NHWC, pixels in [0, 1]. Output: logits.

#map_nhwc = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map_chan = affine_map<(d0, d1, d2, d3) -> (d3)>
#map_2d = affine_map<(d0, d1) -> (d0, d1)>
#map_col = affine_map<(d0, d1) -> (d1)>

func.func @digits(%x: tensor<100x8x8x1xf32>) -> tensor<100x10xf32> {{
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %w1 = arith.constant dense<{w1}> : tensor<3x3x1x16xf32>
  %b1 = arith.constant dense<{b1}> : tensor<16xf32>
  %w2 = arith.constant dense<{w2}> : tensor<3x3x16x32xf32>
  %b2 = arith.constant dense<{b2}> : tensor<32xf32>
  %w3 = arith.constant dense<{w3}> : tensor<128x10xf32>
  %b3 = arith.constant dense<{b3}> : tensor<10xf32>

  // Block 1: 8x8x1 -> 4x4x16.
  %xp = tensor.pad %x low[0, 1, 1, 0] high[0, 1, 1, 0] {{
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  }} : tensor<100x8x8x1xf32> to tensor<100x10x10x1xf32>
  %e1 = tensor.empty() : tensor<100x8x8x16xf32>
  %f1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<100x8x8x16xf32>) -> tensor<100x8x8x16xf32>
  %c1 = linalg.conv_2d_nhwc_hwcf {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}
      ins(%xp, %w1 : tensor<100x10x10x1xf32>, tensor<3x3x1x16xf32>)
      outs(%f1 : tensor<100x8x8x16xf32>) -> tensor<100x8x8x16xf32>
  %a1 = linalg.generic {{indexing_maps = [#map_nhwc, #map_chan, #map_nhwc],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%c1, %b1 : tensor<100x8x8x16xf32>, tensor<16xf32>) outs(%e1 : tensor<100x8x8x16xf32>) {{
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    linalg.yield %s : f32
  }} -> tensor<100x8x8x16xf32>
  %r1 = linalg.generic {{indexing_maps = [#map_nhwc, #map_nhwc],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%a1 : tensor<100x8x8x16xf32>) outs(%e1 : tensor<100x8x8x16xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  }} -> tensor<100x8x8x16xf32>
  %k1 = tensor.empty() : tensor<2x2xf32>
  %pe1 = tensor.empty() : tensor<100x4x4x16xf32>
  %pf1 = linalg.fill ins(%ninf : f32) outs(%pe1 : tensor<100x4x4x16xf32>) -> tensor<100x4x4x16xf32>
  %p1 = linalg.pooling_nhwc_max {{dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}}
      ins(%r1, %k1 : tensor<100x8x8x16xf32>, tensor<2x2xf32>)
      outs(%pf1 : tensor<100x4x4x16xf32>) -> tensor<100x4x4x16xf32>

  // Block 2: 4x4x16 -> 2x2x32.
  %pp = tensor.pad %p1 low[0, 1, 1, 0] high[0, 1, 1, 0] {{
  ^bb0(%i0: index, %i1: index, %i2: index, %i3: index):
    tensor.yield %zero : f32
  }} : tensor<100x4x4x16xf32> to tensor<100x6x6x16xf32>
  %e2 = tensor.empty() : tensor<100x4x4x32xf32>
  %f2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<100x4x4x32xf32>) -> tensor<100x4x4x32xf32>
  %c2 = linalg.conv_2d_nhwc_hwcf {{dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>}}
      ins(%pp, %w2 : tensor<100x6x6x16xf32>, tensor<3x3x16x32xf32>)
      outs(%f2 : tensor<100x4x4x32xf32>) -> tensor<100x4x4x32xf32>
  %a2 = linalg.generic {{indexing_maps = [#map_nhwc, #map_chan, #map_nhwc],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%c2, %b2 : tensor<100x4x4x32xf32>, tensor<32xf32>) outs(%e2 : tensor<100x4x4x32xf32>) {{
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    linalg.yield %s : f32
  }} -> tensor<100x4x4x32xf32>
  %r2 = linalg.generic {{indexing_maps = [#map_nhwc, #map_nhwc],
                        iterator_types = ["parallel", "parallel", "parallel", "parallel"]}}
      ins(%a2 : tensor<100x4x4x32xf32>) outs(%e2 : tensor<100x4x4x32xf32>) {{
  ^bb0(%in: f32, %out: f32):
    %m = arith.maximumf %in, %zero : f32
    linalg.yield %m : f32
  }} -> tensor<100x4x4x32xf32>
  %k2 = tensor.empty() : tensor<2x2xf32>
  %pe2 = tensor.empty() : tensor<100x2x2x32xf32>
  %pf2 = linalg.fill ins(%ninf : f32) outs(%pe2 : tensor<100x2x2x32xf32>) -> tensor<100x2x2x32xf32>
  %p2 = linalg.pooling_nhwc_max {{dilations = dense<1> : vector<2xi64>, strides = dense<2> : vector<2xi64>}}
      ins(%r2, %k2 : tensor<100x4x4x32xf32>, tensor<2x2xf32>)
      outs(%pf2 : tensor<100x2x2x32xf32>) -> tensor<100x2x2x32xf32>

  // Classifier: flatten, dense 128 -> 10.
  %flat = tensor.collapse_shape %p2 [[0], [1, 2, 3]] : tensor<100x2x2x32xf32> into tensor<100x128xf32>
  %e3 = tensor.empty() : tensor<100x10xf32>
  %f3 = linalg.fill ins(%zero : f32) outs(%e3 : tensor<100x10xf32>) -> tensor<100x10xf32>
  %mm = linalg.matmul ins(%flat, %w3 : tensor<100x128xf32>, tensor<128x10xf32>)
      outs(%f3 : tensor<100x10xf32>) -> tensor<100x10xf32>
  %logits = linalg.generic {{indexing_maps = [#map_2d, #map_col, #map_2d],
                            iterator_types = ["parallel", "parallel"]}}
      ins(%mm, %b3 : tensor<100x10xf32>, tensor<10xf32>) outs(%e3 : tensor<100x10xf32>) {{
  ^bb0(%in: f32, %b: f32, %out: f32):
    %s = arith.addf %in, %b : f32
    linalg.yield %s : f32
  }} -> tensor<100x10xf32>
  return %logits : tensor<100x10xf32>
}}
"""


def main():
    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., None]  # N,8,8,1
    labels = digits.target.astype(np.int32)
    rng = np.random.default_rng(SEED)
    order = rng.permutation(len(labels))
    test_idx = order[:N_TEST]
    train_idx = order[N_TEST:]
    # Calibration images: a subset of the training split (as in practice:
    # calibrate on data the model was fit on, never on the test set).
    calib_idx = train_idx[:N_CALIB]

    p = train(images[train_idx], labels[train_idx], rng)

    x_test = images[test_idx]
    y_test = labels[test_idx]
    logits = forward(p, x_test).astype(np.float32)
    acc = 100.0 * float((logits.argmax(axis=1) == y_test).mean())
    train_acc = 100.0 * float(
        (forward(p, images[train_idx]).argmax(axis=1) == labels[train_idx]).mean())
    print("train accuracy %.2f%%, test accuracy %.2f%%" % (train_acc, acc))

    data = os.path.join(here, "data")
    os.makedirs(data, exist_ok=True)
    for i in range(N_TEST // BATCH):
        np.save(os.path.join(data, "test_%d.npy" % i),
                np.ascontiguousarray(x_test[i * BATCH:(i + 1) * BATCH]))
    for i in range(N_CALIB // BATCH):
        np.save(os.path.join(data, "calib_%d.npy" % i),
                np.ascontiguousarray(images[calib_idx[i * BATCH:(i + 1) * BATCH]]))
    np.save(os.path.join(data, "test_labels.npy"), y_test)
    np.save(os.path.join(data, "test_logits_fp32.npy"), logits)

    text = MLIR.format(acc=acc, **{k: dense(v) for k, v in p.items()})
    with open(os.path.join(here, "digits.mlir"), "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
