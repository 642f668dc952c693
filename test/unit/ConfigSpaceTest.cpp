//===- ConfigSpaceTest.cpp - Config space enumeration ---------------------===//

#include "tl/Dialect/TL/IR/TLOps.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

using namespace mlir;
using namespace mlir::tl;

namespace {

class ConfigSpaceTest : public ::testing::Test {
protected:
  ConfigSpaceTest() { ctx.loadDialect<TLDialect>(); }

  ParamAttr param(StringRef name) {
    return ParamAttr::get(&ctx, StringAttr::get(&ctx, name),
                          IndexType::get(&ctx), std::nullopt, {});
  }

  std::vector<std::vector<int64_t>> values(ArrayRef<DictionaryAttr> configs,
                                           ArrayRef<StringRef> keys) {
    std::vector<std::vector<int64_t>> out;
    for (DictionaryAttr config : configs) {
      std::vector<int64_t> row;
      for (StringRef key : keys)
        row.push_back(cast<IntegerAttr>(config.get(key)).getInt());
      out.push_back(row);
    }
    return out;
  }

  MLIRContext ctx;
};

TEST_F(ConfigSpaceTest, ProductFollowsDeclarationOrder) {
  // Keys sort as a < b in the dictionary, but `b` is declared first, so `b`
  // varies slowest.
  auto space = cast<ProductSpaceAttr>(
      parseAttribute("#tl.product<{a = [1, 2, 3], b = [10, 20]}>", &ctx));
  ASSERT_TRUE(space);
  EXPECT_EQ(space.size(), 6);
  SmallVector<DictionaryAttr> configs;
  space.enumerate({param("b"), param("a")}, configs);
  EXPECT_EQ(values(configs, {"b", "a"}),
            (std::vector<std::vector<int64_t>>{
                {10, 1}, {10, 2}, {10, 3}, {20, 1}, {20, 2}, {20, 3}}));
}

TEST_F(ConfigSpaceTest, ExplicitListKeepsItsOrder) {
  auto space = cast<ConfigListAttr>(
      parseAttribute("#tl.configs<[{a = 3}, {a = 1}, {a = 2}]>", &ctx));
  ASSERT_TRUE(space);
  SmallVector<DictionaryAttr> configs;
  space.enumerate({param("a")}, configs);
  EXPECT_EQ(values(configs, {"a"}),
            (std::vector<std::vector<int64_t>>{{3}, {1}, {2}}));
}

TEST_F(ConfigSpaceTest, EmptyProductHasNoConfigs) {
  auto space = cast<ProductSpaceAttr>(parseAttribute("#tl.product<{}>", &ctx));
  ASSERT_TRUE(space);
  EXPECT_EQ(space.size(), 0);
  SmallVector<DictionaryAttr> configs;
  space.enumerate({}, configs);
  EXPECT_TRUE(configs.empty());
}

TEST_F(ConfigSpaceTest, ParamAllows) {
  auto p = cast<ParamAttr>(parseAttribute(
      "#tl.param<\"block_M\" : index = 128 in [64, 128]>", &ctx));
  ASSERT_TRUE(p);
  EXPECT_EQ(p.getDefaultValue(), 128);
  EXPECT_TRUE(p.allows(64));
  EXPECT_FALSE(p.allows(96));
  EXPECT_TRUE(param("free").allows(12345));
}

} // namespace
