// gMock matchers for the reference's result types. StatusIs matches any of
// Status, StatusOr<T> and Result by code (and optionally by message):
//
//   EXPECT_THAT(r.Do(line), StatusIs(Ckr::kPinIncorrect));
//   EXPECT_THAT(ParseBlob(b), StatusIs(Ckr::kDataInvalid, HasSubstr("magic")));
//   EXPECT_THAT(SealObject(...), IsOk());
//
// Nothing here asserts, so every helper is safe inside a RapidCheck
// property (RC_ASSERT(Matches(StatusIs(code))(s))). The printers for these
// types live beside them (status.h, secret.h, engine.h), so every test
// prints a code by name and a Secret by its length only.
#ifndef HSMBACKUP_TESTS_SUPPORT_MATCHERS_H_
#define HSMBACKUP_TESTS_SUPPORT_MATCHERS_H_

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "hsmbackup/engine.h"
#include "hsmbackup/secret.h"
#include "hsmbackup/status.h"

namespace hsmbackup {
namespace testing {

// StatusOf is the Status inside each result type.
inline const Status& StatusOf(const Status& s) { return s; }
inline const Status& StatusOf(const Result& r) { return r.status; }
template <typename T>
const Status& StatusOf(const StatusOr<T>& s) {
  return s.status();
}

// StatusIs(code) matches a Status, StatusOr<T> or Result whose code is `code`.
MATCHER_P(StatusIs, code,
          std::string(negation ? "isn't " : "is ") + std::string(CkrName(code))) {
  const Status& s = ::hsmbackup::testing::StatusOf(arg);
  *result_listener << "which is " << s.ToString();
  return s.code() == code;
}

// StatusIs(code, message_matcher) also matches the message.
MATCHER_P2(StatusIs, code, message_matcher,
           std::string(negation ? "isn't " : "is ") + std::string(CkrName(code)) +
               " with a message that " +
               ::testing::DescribeMatcher<std::string>(message_matcher, false)) {
  const Status& s = ::hsmbackup::testing::StatusOf(arg);
  *result_listener << "which is " << s.ToString();
  return s.code() == code &&
         ::testing::Matches(::testing::Matcher<const std::string&>(message_matcher))(s.message());
}

// IsOk() matches an OK Status, a StatusOr holding a value, a successful Result.
MATCHER(IsOk, negation ? "isn't OK" : "is OK") {
  const Status& s = ::hsmbackup::testing::StatusOf(arg);
  *result_listener << "which is " << s.ToString();
  return s.ok();
}

}  // namespace testing
}  // namespace hsmbackup

#endif  // HSMBACKUP_TESTS_SUPPORT_MATCHERS_H_
