//===- DeviceCompare.cpp - The output check as a GPU kernel ---------------===//

#include "tl/Runtime/DeviceCompare.h"

#include <cstring>

using namespace tlrt;

namespace {

/// Loads element %rd5 of the tensor at `base` into f64 register `dst`.
std::string load(DType dtype, const char *base, const char *dst) {
  std::string s;
  auto line = [&](const std::string &l) { s += "  " + l + ";\n"; };
  int bytes = dtype == DType::F32 ? 4 : 2;
  line("mul.lo.u64 %rd13, %rd5, " + std::to_string(bytes));
  line(std::string("add.u64 %rd13, %rd13, ") + base);
  switch (dtype) {
  case DType::F16:
    line("ld.global.b16 %h1, [%rd13]");
    line("cvt.f32.f16 %f1, %h1");
    break;
  case DType::BF16:
    line("ld.global.b16 %h1, [%rd13]");
    line("cvt.u32.u16 %r5, %h1");
    line("shl.b32 %r5, %r5, 16");
    line("mov.b32 %f1, %r5");
    break;
  default:
    line("ld.global.f32 %f1, [%rd13]");
    break;
  }
  line(std::string("cvt.f64.f32 ") + dst + ", %f1");
  return s;
}

/// One kernel: a grid-stride loop keeping this thread's totals, folded in
/// with atomics at the end. The branches follow compareRange in
/// Compare.cpp one for one.
std::string kernel(DType dtype, const std::string &name) {
  return ".visible .entry " + name + R"((
  .param .u64 p_got, .param .u64 p_want, .param .u64 p_n,
  .param .f64 p_atol, .param .f64 p_rtol, .param .u64 p_out)
{
  .reg .pred %p<8>;
  .reg .b16 %h<2>;
  .reg .b32 %r<8>;
  .reg .f32 %f<2>;
  .reg .b64 %rd<16>;
  .reg .f64 %d<12>;
  ld.param.u64 %rd1, [p_got];
  ld.param.u64 %rd2, [p_want];
  ld.param.u64 %rd3, [p_n];
  ld.param.f64 %d1, [p_atol];
  ld.param.f64 %d2, [p_rtol];
  ld.param.u64 %rd4, [p_out];
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mov.u32 %r4, %nctaid.x;
  mul.wide.u32 %rd5, %r1, %r2;
  cvt.u64.u32 %rd6, %r3;
  add.u64 %rd5, %rd5, %rd6;
  mul.wide.u32 %rd7, %r4, %r2;
  mov.u64 %rd8, 0;
  mov.f64 %d3, 0d0000000000000000;
  mov.f64 %d4, 0d0000000000000000;
  mov.u64 %rd9, -1;
LOOP:
  setp.ge.u64 %p1, %rd5, %rd3;
  @%p1 bra DONE;
)" + load(dtype, "%rd1", "%d5") +
         load(dtype, "%rd2", "%d6") + R"(  setp.eq.f64 %p2, %d5, %d6;
  @%p2 bra NEXT;
  setp.nan.f64 %p3, %d5, %d5;
  setp.nan.f64 %p4, %d6, %d6;
  or.pred %p5, %p3, %p4;
  @!%p5 bra NUMBERS;
  and.pred %p6, %p3, %p4;
  @%p6 bra NEXT;
  bra MISMATCH;
NUMBERS:
  sub.rn.f64 %d7, %d5, %d6;
  abs.f64 %d7, %d7;
  abs.f64 %d8, %d6;
  mul.rn.f64 %d9, %d2, %d8;
  add.rn.f64 %d9, %d1, %d9;
  setp.le.f64 %p6, %d7, %d9;
  setp.lt.f64 %p7, %d7, 0d7FF0000000000000;
  @!%p7 bra INFINITE;
  max.f64 %d3, %d3, %d7;
  setp.ne.f64 %p3, %d6, 0d0000000000000000;
  @!%p3 bra VERDICT;
  div.rn.f64 %d10, %d7, %d8;
  max.f64 %d4, %d4, %d10;
VERDICT:
  @%p6 bra NEXT;
  bra MISMATCH;
INFINITE:
  mov.f64 %d3, 0d7FF0000000000000;
MISMATCH:
  add.u64 %rd8, %rd8, 1;
  min.u64 %rd9, %rd9, %rd5;
NEXT:
  add.u64 %rd5, %rd5, %rd7;
  bra LOOP;
DONE:
  setp.eq.u64 %p1, %rd8, 0;
  @%p1 bra ERRORS;
  atom.global.add.u64 %rd10, [%rd4], %rd8;
  atom.global.min.u64 %rd10, [%rd4+24], %rd9;
ERRORS:
  mov.b64 %rd11, %d3;
  setp.eq.u64 %p1, %rd11, 0;
  @%p1 bra END;
  atom.global.max.u64 %rd10, [%rd4+8], %rd11;
  mov.b64 %rd11, %d4;
  atom.global.max.u64 %rd10, [%rd4+16], %rd11;
END:
  ret;
}
)";
}

const struct {
  DType dtype;
  const char *name;
} kKernels[] = {{DType::F16, "tl_compare_f16"},
                {DType::BF16, "tl_compare_bf16"},
                {DType::F32, "tl_compare_f32"}};

} // namespace

const std::string &tlrt::comparePtx() {
  static const std::string ptx = [] {
    std::string s = ".version 7.8\n.target sm_70\n.address_size 64\n\n";
    for (const auto &k : kKernels)
      s += kernel(k.dtype, k.name) + "\n";
    return s;
  }();
  return ptx;
}

std::optional<std::string> tlrt::compareKernelName(DType got, DType want) {
  if (got != want)
    return std::nullopt;
  for (const auto &k : kKernels)
    if (k.dtype == got)
      return std::string(k.name);
  return std::nullopt;
}

CompareResult DeviceCompareTotals::result(size_t count,
                                          const Tolerance &tol) const {
  CompareResult r;
  r.count = count;
  r.mismatched = static_cast<size_t>(mismatched);
  std::memcpy(&r.maxAbsError, &maxAbsBits, sizeof(double));
  std::memcpy(&r.maxRelError, &maxRelBits, sizeof(double));
  r.firstMismatch = first == ~uint64_t(0) ? -1 : static_cast<long long>(first);
  r.passed = r.mismatchedRatio() <= tol.maxMismatchedRatio;
  return r;
}
