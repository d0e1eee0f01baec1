//===- NumericsEmitter.h - Emit the numerics as arith/math IR ---*- C++ -*-===//
//
// Part of mx-opt. The Ops policy of mx/Support/Numerics.h that builds IR:
// every operation becomes an arith (or math) op on i32/f32/i1 scalars or on
// vectors of one fixed shape. The CPU and GPU lowerings instantiate the
// numerics templates with it.
//
//===----------------------------------------------------------------------===//

#ifndef MX_CONVERSION_NUMERICSEMITTER_H
#define MX_CONVERSION_NUMERICSEMITTER_H

#include "mx/Support/Numerics.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace mx {

/// Builds arith/math ops on values of one shape: scalars when `shape` is
/// empty, vectors of that shape otherwise.
class NumericsEmitter {
public:
  using I = mlir::Value;
  using F = mlir::Value;
  using B = mlir::Value;

  NumericsEmitter(mlir::OpBuilder &b, mlir::Location loc,
                  llvm::ArrayRef<int64_t> shape)
      : b(b), loc(loc), shape(shape.begin(), shape.end()) {}

  mlir::Type typeOf(mlir::Type scalar) const {
    if (shape.empty())
      return scalar;
    return mlir::VectorType::get(shape, scalar);
  }
  mlir::Type i32() const { return typeOf(b.getI32Type()); }
  mlir::Type f32() const { return typeOf(b.getF32Type()); }
  llvm::ArrayRef<int64_t> getShape() const { return shape; }
  mlir::OpBuilder &getBuilder() const { return b; }

  I c(int32_t v) {
    mlir::Type t = i32();
    mlir::TypedAttr attr = b.getI32IntegerAttr(v);
    if (auto vt = mlir::dyn_cast<mlir::VectorType>(t))
      attr = mlir::DenseElementsAttr::get(vt, b.getI32IntegerAttr(v));
    return mlir::arith::ConstantOp::create(b, loc, t, attr);
  }
  F cf(float v) {
    mlir::Type t = f32();
    mlir::TypedAttr attr = b.getF32FloatAttr(v);
    if (auto vt = mlir::dyn_cast<mlir::VectorType>(t))
      attr = mlir::DenseElementsAttr::get(vt, b.getF32FloatAttr(v));
    return mlir::arith::ConstantOp::create(b, loc, t, attr);
  }

  I add(I x, I y) { return mlir::arith::AddIOp::create(b, loc, x, y); }
  I sub(I x, I y) { return mlir::arith::SubIOp::create(b, loc, x, y); }
  I shl(I x, I y) { return mlir::arith::ShLIOp::create(b, loc, x, y); }
  I lshr(I x, I y) { return mlir::arith::ShRUIOp::create(b, loc, x, y); }
  I band(I x, I y) { return mlir::arith::AndIOp::create(b, loc, x, y); }
  I bor(I x, I y) { return mlir::arith::OrIOp::create(b, loc, x, y); }
  I smax(I x, I y) { return mlir::arith::MaxSIOp::create(b, loc, x, y); }
  I smin(I x, I y) { return mlir::arith::MinSIOp::create(b, loc, x, y); }
  I ctlz(I x) { return mlir::math::CountLeadingZerosOp::create(b, loc, x); }

  B cmp(mlir::arith::CmpIPredicate p, I x, I y) {
    return mlir::arith::CmpIOp::create(b, loc, p, x, y);
  }
  B eq(I x, I y) { return cmp(mlir::arith::CmpIPredicate::eq, x, y); }
  B ne(I x, I y) { return cmp(mlir::arith::CmpIPredicate::ne, x, y); }
  B slt(I x, I y) { return cmp(mlir::arith::CmpIPredicate::slt, x, y); }
  B sle(I x, I y) { return cmp(mlir::arith::CmpIPredicate::sle, x, y); }
  B sgt(I x, I y) { return cmp(mlir::arith::CmpIPredicate::sgt, x, y); }
  B sge(I x, I y) { return cmp(mlir::arith::CmpIPredicate::sge, x, y); }
  B ult(I x, I y) { return cmp(mlir::arith::CmpIPredicate::ult, x, y); }
  B ugt(I x, I y) { return cmp(mlir::arith::CmpIPredicate::ugt, x, y); }
  B uge(I x, I y) { return cmp(mlir::arith::CmpIPredicate::uge, x, y); }
  B bandB(B x, B y) { return mlir::arith::AndIOp::create(b, loc, x, y); }
  B borB(B x, B y) { return mlir::arith::OrIOp::create(b, loc, x, y); }
  I sel(B c, I x, I y) {
    return mlir::arith::SelectOp::create(b, loc, c, x, y);
  }
  F self(B c, F x, F y) {
    return mlir::arith::SelectOp::create(b, loc, c, x, y);
  }

  F bitsToF(I x) { return mlir::arith::BitcastOp::create(b, loc, f32(), x); }
  I fToBits(F x) { return mlir::arith::BitcastOp::create(b, loc, i32(), x); }
  F siToF(I x) { return mlir::arith::SIToFPOp::create(b, loc, f32(), x); }
  I fToSI(F x) { return mlir::arith::FPToSIOp::create(b, loc, i32(), x); }
  F fmul(F x, F y) { return mlir::arith::MulFOp::create(b, loc, x, y); }
  F fdiv(F x, F y) { return mlir::arith::DivFOp::create(b, loc, x, y); }
  F fsub(F x, F y) { return mlir::arith::SubFOp::create(b, loc, x, y); }
  F fadd(F x, F y) { return mlir::arith::AddFOp::create(b, loc, x, y); }
  /// x * y + z rounded once.
  F fma(F x, F y, F z) { return mlir::math::FmaOp::create(b, loc, x, y, z); }
  F fmin(F x, F y) { return mlir::arith::MinNumFOp::create(b, loc, x, y); }
  F fmax(F x, F y) { return mlir::arith::MaxNumFOp::create(b, loc, x, y); }
  B fune(F x, F y) {
    return mlir::arith::CmpFOp::create(b, loc, mlir::arith::CmpFPredicate::UNE,
                                       x, y);
  }
  B folt(F x, F y) {
    return mlir::arith::CmpFOp::create(b, loc, mlir::arith::CmpFPredicate::OLT,
                                       x, y);
  }
  B foeq(F x, F y) {
    return mlir::arith::CmpFOp::create(b, loc, mlir::arith::CmpFPredicate::OEQ,
                                       x, y);
  }
  /// True for NaN and +-Inf.
  B fisNaNOrInf(F x) {
    I a = band(fToBits(x), c(0x7FFFFFFF));
    return uge(a, c(0x7F800000));
  }
  F roundInt(F x, Rounding mode) {
    switch (mode) {
    case Rounding::NearestEven:
      return mlir::math::RoundEvenOp::create(b, loc, x);
    case Rounding::NearestAway:
      return mlir::math::RoundOp::create(b, loc, x);
    case Rounding::TowardZero:
      return mlir::math::TruncOp::create(b, loc, x);
    }
    return x;
  }

private:
  mlir::OpBuilder &b;
  mlir::Location loc;
  llvm::SmallVector<int64_t> shape;
};

} // namespace mx

#endif // MX_CONVERSION_NUMERICSEMITTER_H
