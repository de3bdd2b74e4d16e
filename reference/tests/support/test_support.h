// Helpers shared by the reference's tests.
#ifndef HSMBACKUP_TESTS_SUPPORT_TEST_SUPPORT_H_
#define HSMBACKUP_TESTS_SUPPORT_TEST_SUPPORT_H_

#include <gtest/gtest.h>

#include <string>

#include "support/matchers.h"  // StatusIs and IsOk, everywhere

// HSMB_CLAUSE names the clause (from the clause catalogue) a test checks.
// It records the ID as a test property (visible in JUnit output); the
// clause-coverage test finds every use in the test sources.
#define HSMB_CLAUSE(...) ::hsmbackup::testing::RecordClauses({__VA_ARGS__})

namespace hsmbackup::testing {

void RecordClauses(std::initializer_list<const char*> ids);

// SourcePath returns an absolute path under the source tree.
std::string SourcePath(const std::string& relative);
// ReadFile returns a file's bytes, failing the current test if it cannot.
std::string ReadFile(const std::string& path);

}  // namespace hsmbackup::testing

#endif  // HSMBACKUP_TESTS_SUPPORT_TEST_SUPPORT_H_
