// The test-support matchers and printers (support/matchers.h): failures
// name CKR codes, never print secret bytes, and StatusIs sees every result type.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "hsmbackup/engine.h"
#include "hsmbackup/secret.h"
#include "hsmbackup/status.h"
#include "support/matchers.h"

namespace hsmbackup {
namespace {

using ::hsmbackup::testing::IsOk;
using ::hsmbackup::testing::StatusIs;
using ::testing::HasSubstr;
using ::testing::Not;

TEST(Matchers, StatusIsMatchesEveryResultType) {
  const Status pin(Ckr::kPinIncorrect, "wrong PIN");
  EXPECT_THAT(pin, StatusIs(Ckr::kPinIncorrect));
  EXPECT_THAT(pin, Not(StatusIs(Ckr::kDataInvalid)));
  EXPECT_THAT(pin, StatusIs(Ckr::kPinIncorrect, HasSubstr("PIN")));
  EXPECT_THAT(pin, Not(StatusIs(Ckr::kPinIncorrect, HasSubstr("domain"))));
  EXPECT_THAT(pin, Not(IsOk()));
  EXPECT_THAT(StatusOr<int>(7), IsOk());
  EXPECT_THAT(StatusOr<int>(pin), StatusIs(Ckr::kPinIncorrect));
  EXPECT_THAT(Result{pin}, StatusIs(Ckr::kPinIncorrect));
  EXPECT_THAT(Result{}, IsOk());
}

TEST(Matchers, FailuresNameTheCode) {
  const std::string why = ::testing::DescribeMatcher<Status>(StatusIs(Ckr::kDataInvalid));
  EXPECT_THAT(why, HasSubstr("CKR_DATA_INVALID"));
  ::testing::StringMatchResultListener listener;
  EXPECT_FALSE(::testing::ExplainMatchResult(StatusIs(Ckr::kOk),
                                             Status(Ckr::kPinIncorrect, "bad"), &listener));
  EXPECT_THAT(listener.str(), HasSubstr("CKR_PIN_INCORRECT"));
}

TEST(Printers, CodesAndStatusesPrintByNameAndSecretsNever) {
  EXPECT_THAT(::testing::PrintToString(Ckr::kPinIncorrect), HasSubstr("CKR_PIN_INCORRECT"));
  EXPECT_EQ(::testing::PrintToString(Status(Ckr::kDataInvalid, "bad magic")),
            "CKR_DATA_INVALID: bad magic");
  EXPECT_THAT(::testing::PrintToString(StatusOr<int>(Status(Ckr::kArgumentsBad, "x"))),
              HasSubstr("CKR_ARGUMENTS_BAD"));
  const std::string secret = ::testing::PrintToString(Secret("hunter2"));
  EXPECT_EQ(secret, "<secret, 7 bytes>");
}

}  // namespace
}  // namespace hsmbackup
