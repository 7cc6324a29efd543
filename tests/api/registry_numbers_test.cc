#include "api/registry_numbers.h"

#include <gtest/gtest.h>

namespace allies::api {
namespace {

// Published numbers of real organizations and commonly cited valid examples.
TEST(RegistryNumbersTest, ValidInns) {
  for (const char* inn : {
           "7707083893",    // ПАО Сбербанк
           "7736207543",    // ООО «Яндекс»
           "7702070139",    // Банк ВТБ (ПАО)
           "7725114488",    // АО «Россельхозбанк»
           "500100732259",  // an individual's INN used in FNS examples
       }) {
    EXPECT_TRUE(IsValidInn(inn)) << inn;
  }
}

TEST(RegistryNumbersTest, ValidOgrns) {
  for (const char* ogrn : {
           "1027700132195",    // ПАО Сбербанк
           "1027700229193",    // ООО «Яндекс»
           "1027739609391",    // Банк ВТБ (ПАО)
           "304500116000157",  // an OGRNIP used in FNS examples
       }) {
    EXPECT_TRUE(IsValidOgrn(ogrn)) << ogrn;
  }
}

TEST(RegistryNumbersTest, EveryMistypedDigitIsCaught) {
  // Changing any single digit of a valid number breaks its check digit(s) in these cases.
  for (std::string valid : {"7707083893", "500100732259"}) {
    for (size_t i = 0; i < valid.size(); ++i) {
      std::string typo = valid;
      typo[i] = typo[i] == '9' ? '0' : static_cast<char>(typo[i] + 1);
      // A changed weight-0 position would not be caught; INN weights are never 0 mod 11.
      EXPECT_FALSE(IsValidInn(typo)) << typo;
    }
  }
  EXPECT_FALSE(IsValidOgrn("1027700132196"));
  EXPECT_FALSE(IsValidOgrn("304500116000158"));
}

TEST(RegistryNumbersTest, WrongShapes) {
  for (const char* bad :
       {"", "770708389", "77070838931", "7707O83893", " 7707083893", "12345678901234567"}) {
    EXPECT_FALSE(IsValidInn(bad)) << bad;
    EXPECT_FALSE(IsValidOgrn(bad)) << bad;
  }
}

TEST(RegistryNumbersTest, ViolationsSayWhatIsWrong) {
  FieldViolations ok, shape, digit;
  CheckInn(ok, "partner.inn", "");
  CheckInn(ok, "partner.inn", "7707083893");
  CheckOgrn(ok, "partner.ogrn", "1027700132195");
  EXPECT_TRUE(ok.empty());
  CheckInn(shape, "partner.inn", "12345");
  EXPECT_NE(shape.ToStatus().message().find("10 digits"), absl::string_view::npos);
  CheckOgrn(digit, "partner.ogrn", "1027700132196");
  EXPECT_NE(digit.ToStatus().message().find("check digit"), absl::string_view::npos);
}

}  // namespace
}  // namespace allies::api
