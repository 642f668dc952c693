//===- ConstraintExprTest.cpp - Constraint expressions --------------------===//

#include "tl/Dialect/TL/Transforms/ConstraintExpr.h"

#include "llvm/ADT/StringMap.h"
#include "gtest/gtest.h"

using namespace mlir::tl;

namespace {

std::optional<int64_t> eval(llvm::StringRef text,
                            const llvm::StringMap<int64_t> &vars,
                            std::string *errorOut = nullptr) {
  std::string error;
  std::unique_ptr<ConstraintExpr> expr = ConstraintExpr::parse(text, error);
  EXPECT_TRUE(expr) << error;
  if (!expr)
    return std::nullopt;
  std::optional<int64_t> result = expr->evaluate(
      [&](llvm::StringRef name) -> std::optional<int64_t> {
        auto it = vars.find(name);
        if (it == vars.end())
          return std::nullopt;
        return it->second;
      },
      error);
  if (errorOut)
    *errorOut = error;
  return result;
}

TEST(ConstraintExpr, Arithmetic) {
  llvm::StringMap<int64_t> vars{{"a", 7}, {"b", 3}};
  EXPECT_EQ(eval("a + b * 2", vars), 13);
  EXPECT_EQ(eval("(a + b) * 2", vars), 20);
  EXPECT_EQ(eval("a / b", vars), 2);
  EXPECT_EQ(eval("a % b", vars), 1);
  EXPECT_EQ(eval("-a + 10", vars), 3);
  EXPECT_EQ(eval("a - b - 1", vars), 3); // left-associative
}

TEST(ConstraintExpr, ComparisonAndLogic) {
  llvm::StringMap<int64_t> vars{
      {"block_M", 128}, {"block_K", 64}, {"threads", 96}};
  EXPECT_EQ(eval("block_M * block_K <= 8192", vars), 1);
  EXPECT_EQ(eval("block_M * block_K < 8192", vars), 0);
  EXPECT_EQ(eval("threads % 32 == 0", vars), 1);
  EXPECT_EQ(eval("threads % 64 != 0 && block_M >= 128", vars), 1);
  EXPECT_EQ(eval("threads > 128 || block_K == 64", vars), 1);
  EXPECT_EQ(eval("!(threads > 128)", vars), 1);
}

TEST(ConstraintExpr, ShortCircuitAvoidsDivisionByZero) {
  llvm::StringMap<int64_t> vars{{"z", 0}};
  EXPECT_EQ(eval("z != 0 && 10 / z > 1", vars), 0);
  std::string error;
  EXPECT_EQ(eval("10 / z > 1", vars, &error), std::nullopt);
  EXPECT_NE(error.find("divides by zero"), std::string::npos);
}

TEST(ConstraintExpr, Identifiers) {
  std::string error;
  auto expr = ConstraintExpr::parse("a * b + a <= c", error);
  ASSERT_TRUE(expr);
  EXPECT_EQ(expr->getIdentifiers().size(), 3u);
  EXPECT_EQ(expr->getIdentifiers()[0], "a");
  EXPECT_EQ(expr->getIdentifiers()[2], "c");
}

TEST(ConstraintExpr, UnknownIdentifier) {
  std::string error;
  EXPECT_EQ(eval("missing > 1", {}, &error), std::nullopt);
  EXPECT_NE(error.find("'missing'"), std::string::npos);
}

TEST(ConstraintExpr, ParseErrorsNameTheColumn) {
  std::string error;
  EXPECT_FALSE(ConstraintExpr::parse("a <= ", error));
  EXPECT_NE(error.find("column"), std::string::npos) << error;
  EXPECT_FALSE(ConstraintExpr::parse("a & b", error));
  EXPECT_NE(error.find("column 3"), std::string::npos) << error;
  EXPECT_FALSE(ConstraintExpr::parse("(a + 1", error));
  EXPECT_NE(error.find("expected ')'"), std::string::npos) << error;
}

/// Every result that does not fit in 64 bits is an error naming the
/// operation, never a trap (INT64_MIN / -1) or a wrapped value.
TEST(ConstraintExpr, OverflowIsAnError) {
  llvm::StringMap<int64_t> vars{{"big", INT64_MAX}, {"m1", -1}};
  for (const char *text :
       {"(-9223372036854775807 - 1) / -1 > 0",
        "(-9223372036854775807 - 1) % -1 > 0", "big + 1 > 0", "-big - 2 > 0",
        "big * 2 > 0", "-(-9223372036854775807 - 1) > 0",
        "(-9223372036854775807 - 1) / m1 > 0"}) {
    std::string error;
    EXPECT_EQ(eval(text, vars, &error), std::nullopt) << text;
    EXPECT_NE(error.find("overflows 64 bits"), std::string::npos)
        << text << ": " << error;
  }
  EXPECT_EQ(eval("big - 1 < big", vars), 1);
  EXPECT_EQ(eval("-big - 1 < 0", vars), 1);
  EXPECT_EQ(eval("7 % m1 == 0", vars), 1);
}

/// Nesting is bounded at parse time, so deep input cannot exhaust the stack
/// of the parser or of the evaluator; what is within the bound evaluates.
TEST(ConstraintExpr, NestingIsBounded) {
  std::string error;
  std::string parens = std::string(10000, '(') + "1" + std::string(10000, ')');
  EXPECT_FALSE(ConstraintExpr::parse(parens, error));
  EXPECT_NE(error.find("nested deeper than"), std::string::npos) << error;
  EXPECT_FALSE(ConstraintExpr::parse(std::string(100000, '-') + "1", error));
  EXPECT_NE(error.find("nested deeper than"), std::string::npos) << error;
  std::string chain = "1";
  for (int i = 0; i < 100000; ++i)
    chain += " + 1";
  EXPECT_FALSE(ConstraintExpr::parse(chain, error));
  EXPECT_NE(error.find("nested deeper than"), std::string::npos) << error;

  std::string ok = std::string(100, '(') + "2" + std::string(100, ')') + " > 1";
  EXPECT_EQ(eval(ok, {}), 1);
  std::string sum = "1";
  for (int i = 0; i < 200; ++i)
    sum += " + 1";
  EXPECT_EQ(eval(sum + " == 201", {}), 1);
}

} // namespace
