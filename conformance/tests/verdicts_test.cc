// Verdicts: from check outcomes to one verdict per clause and the exit
// code, the vendor config's expected failures included.
#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

#include "conformance/report.h"

namespace hsmbackup::conformance {
namespace {

CheckOutcome Finished(std::string name, std::vector<std::string> clauses, CheckStatus status,
                      std::vector<std::string> blamed = {}, std::string message = "") {
  CheckOutcome o;
  o.family = "Fake";
  o.name = std::move(name);
  o.clauses = std::move(clauses);
  o.status = status;
  o.failed_clauses = std::move(blamed);
  o.message = message.empty() ? std::string(CheckStatusName(status)) + " message" : message;
  return o;
}

std::vector<CatalogueClause> ClauseList(std::initializer_list<const char*> ids) {
  std::vector<CatalogueClause> out;
  for (const char* id : ids) out.push_back({id, "Family", "text", "seed"});
  return out;
}

const ClauseVerdict& VerdictOf(const std::vector<ClauseVerdict>& vs, const std::string& id) {
  for (const ClauseVerdict& v : vs) {
    if (v.id == id) return v;
  }
  throw std::out_of_range("no verdict for " + id);
}

TEST(Verdicts, FailIsAttributedToFailedClausesOnly) {
  auto v = ComputeVerdicts(ClauseList({"A", "B"}),
                           {Finished("F", {"A", "B"}, CheckStatus::kFail, {"A"}),
                            Finished("P", {"B"}, CheckStatus::kPass)},
                           {});
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kFail);
  EXPECT_EQ(VerdictOf(v, "A").first_failing_check, "Fake.F");
  EXPECT_EQ(VerdictOf(v, "B").verdict, Verdict::kPass);
}

TEST(Verdicts, FailWithoutFailedClausesBlamesAllTheChecksClauses) {
  auto v = ComputeVerdicts(ClauseList({"A", "B", "C"}),
                           {Finished("F", {"A", "B"}, CheckStatus::kFail)}, {});
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kFail);
  EXPECT_EQ(VerdictOf(v, "B").verdict, Verdict::kFail);
  EXPECT_EQ(VerdictOf(v, "C").verdict, Verdict::kNotRun);
}

TEST(Verdicts, AFailureMayBlameAClauseTheCheckDoesNotName) {
  auto v = ComputeVerdicts(ClauseList({"A", "Z"}),
                           {Finished("F", {"A"}, CheckStatus::kFail, {"Z"})}, {});
  EXPECT_EQ(VerdictOf(v, "Z").verdict, Verdict::kFail);
  // A's only check stopped at Z's failure: no verdict for A, and Z named.
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kError);
  EXPECT_NE(VerdictOf(v, "A").reason.find("Fake.F stopped at a failure of Z"), std::string::npos)
      << VerdictOf(v, "A").reason;
}

// A check that failed only in what the target printed ran every line to the
// end (CheckResult::judged_through): the clauses it does not blame passed.
TEST(Verdicts, ACheckJudgedThroughGivesItsOtherClausesTheirVerdict) {
  CheckOutcome printed = Finished("F", {"A", "B"}, CheckStatus::kFail, {"B"});
  printed.judged_through = true;
  auto v = ComputeVerdicts(ClauseList({"A", "B"}), {printed}, {});
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kPass);
  EXPECT_EQ(VerdictOf(v, "B").verdict, Verdict::kFail);
  printed.judged_through = false;  // stopped at B's failure: nothing known of A
  v = ComputeVerdicts(ClauseList({"A", "B"}), {printed}, {});
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kError);
}

// A clause whose checks all stopped at a failure the vendor config accepts
// is not judged (not-run, which fails no run); one stopped at a failure
// nobody accepted has no verdict (error).
TEST(Verdicts, AClauseBlockedOnlyByAnExpectedFailureIsNotRun) {
  VendorConfig config{"", {{"Z", "bug 9: our device skips silently", "", ""}}};
  auto v = ComputeVerdicts(ClauseList({"A", "B", "Z", "Y"}),
                           {Finished("F", {"A", "Z"}, CheckStatus::kFail, {"Z"}),
                            Finished("G", {"B"}, CheckStatus::kFail, {"Z", "Y"})},
                           config);
  EXPECT_EQ(VerdictOf(v, "Z").verdict, Verdict::kExpectedFailure);
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kNotRun);
  EXPECT_NE(
      VerdictOf(v, "A").reason.find("Fake.F stopped at a failure the vendor config expects (Z)"),
      std::string::npos)
      << VerdictOf(v, "A").reason;
  // G also blames Y, which nobody accepted: B has no verdict.
  EXPECT_EQ(VerdictOf(v, "B").verdict, Verdict::kError);
  EXPECT_EQ(VerdictOf(v, "Y").verdict, Verdict::kFail);
  auto only_expected = ComputeVerdicts(
      ClauseList({"A", "Z"}), {Finished("F", {"A", "Z"}, CheckStatus::kFail, {"Z"})}, config);
  EXPECT_EQ(ExitCodeFor(only_expected, 1), kExitConformant)
      << "an owned failure and what it blocked leave the run conformant";
}

TEST(Verdicts, FailBeatsErrorBeatsPass) {
  auto v = ComputeVerdicts(
      ClauseList({"A", "B"}),
      {Finished("P", {"A", "B"}, CheckStatus::kPass),
       Finished("E", {"A", "B"}, CheckStatus::kError), Finished("F", {"A"}, CheckStatus::kFail)},
      {});
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kFail);
  EXPECT_EQ(VerdictOf(v, "B").verdict, Verdict::kError);
  EXPECT_NE(VerdictOf(v, "B").reason.find("Fake.E"), std::string::npos);
}

TEST(Verdicts, NotApplicableOnlyIfEveryCheckWas) {
  auto v =
      ComputeVerdicts(ClauseList({"A", "B"}),
                      {Finished("N1", {"A", "B"}, CheckStatus::kNotApplicable, {}, "lacks 'ped'"),
                       Finished("N2", {"A"}, CheckStatus::kNotApplicable, {}, "lacks 'usb'"),
                       Finished("P", {"B"}, CheckStatus::kPass)},
                      {});
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kNotApplicable);
  EXPECT_NE(VerdictOf(v, "A").reason.find("'ped'"), std::string::npos);
  EXPECT_NE(VerdictOf(v, "A").reason.find("'usb'"), std::string::npos);
  EXPECT_EQ(VerdictOf(v, "B").verdict, Verdict::kPass);
}

TEST(Verdicts, ExpectedFailuresAreStrict) {
  VendorConfig config{
      "",
      {{"A", "known bug 12", "", ""}, {"B", "we thought so", "", ""}, {"C", "not run", "", ""}}};
  auto v = ComputeVerdicts(
      ClauseList({"A", "B", "C"}),
      {Finished("F", {"A"}, CheckStatus::kFail), Finished("P", {"B"}, CheckStatus::kPass)}, config);
  EXPECT_EQ(VerdictOf(v, "A").verdict, Verdict::kExpectedFailure);
  EXPECT_NE(VerdictOf(v, "A").reason.find("known bug 12"), std::string::npos);
  EXPECT_EQ(VerdictOf(v, "B").verdict, Verdict::kUnexpectedPass);
  EXPECT_EQ(VerdictOf(v, "B").first_failing_check, "Fake.P");
  EXPECT_EQ(VerdictOf(v, "C").verdict, Verdict::kNotRun);
}

TEST(Verdicts, ExpectedFailuresCanBeNarrowedToACheckOrAnExpectation) {
  // Accepted only in check F1, and only the failure that names "origin".
  VendorConfig config{
      "", {{"A", "bug 3: origin not shown", "Fake.F1", "origin"}, {"B", "bug 4", "Fake.P", ""}}};
  auto accepted = ComputeVerdicts(
      ClauseList({"A", "B"}),
      {Finished("F1", {"A"}, CheckStatus::kFail, {"A"}, "[A] entry p does not show its origin"),
       Finished("P", {"B"}, CheckStatus::kPass)},
      config);
  EXPECT_EQ(VerdictOf(accepted, "A").verdict, Verdict::kExpectedFailure);
  EXPECT_NE(VerdictOf(accepted, "A").reason.find("Fake.F1"), std::string::npos);
  EXPECT_EQ(VerdictOf(accepted, "B").verdict, Verdict::kUnexpectedPass);
  EXPECT_EQ(VerdictOf(accepted, "B").first_failing_check, "Fake.P");
  // Another failure of the same clause (another check, another fact) fails it.
  auto other_check = ComputeVerdicts(
      ClauseList({"A"}),
      {Finished("F1", {"A"}, CheckStatus::kFail, {"A"}, "[A] entry p does not show its origin"),
       Finished("F2", {"A"}, CheckStatus::kFail, {"A"}, "[A] entry p does not show its origin")},
      config);
  EXPECT_EQ(VerdictOf(other_check, "A").verdict, Verdict::kFail);
  EXPECT_EQ(VerdictOf(other_check, "A").first_failing_check, "Fake.F2");
  auto other_fact = ComputeVerdicts(
      ClauseList({"A"}),
      {Finished("F1", {"A"}, CheckStatus::kFail, {"A"}, "[A] entry p shows 7 objects, not 6")},
      config);
  EXPECT_EQ(VerdictOf(other_fact, "A").verdict, Verdict::kFail);
}

// A listed clause is an unexpected pass only when every check of the suite
// naming it ran: one left out (by a filter, or in another shard) might be
// the one that fails, so a partial pass counts neither way.
TEST(Verdicts, AnUnexpectedPassNeedsEveryCheckNamingTheClause) {
  VendorConfig config{"", {{"B", "bug 5", "", ""}}};
  const std::vector<SuiteCheck> suite = {
      {"Fake.P", {"A", "B"}}, {"Fake.Q", {"B"}}, {"Fake.R", {"A"}}};
  const std::vector<CheckOutcome> ran = {Finished("P", {"A", "B"}, CheckStatus::kPass)};
  auto partial = ComputeVerdicts(ClauseList({"A", "B"}), ran, config, suite);
  EXPECT_EQ(VerdictOf(partial, "B").verdict, Verdict::kPass);
  EXPECT_EQ(VerdictOf(partial, "B").checks_not_run, std::vector<std::string>{"Fake.Q"});
  EXPECT_NE(VerdictOf(partial, "B").reason.find("bug 5"), std::string::npos)
      << VerdictOf(partial, "B").reason;
  EXPECT_NE(VerdictOf(partial, "B").reason.find("1 of 2 checks"), std::string::npos)
      << VerdictOf(partial, "B").reason;
  EXPECT_EQ(VerdictOf(partial, "A").checks_not_run, std::vector<std::string>{"Fake.R"});
  EXPECT_EQ(ExitCodeFor(partial, 1), kExitConformant);
  auto all = ComputeVerdicts(
      ClauseList({"A", "B"}),
      {ran[0], Finished("Q", {"B"}, CheckStatus::kPass), Finished("R", {"A"}, CheckStatus::kPass)},
      config, suite);
  EXPECT_EQ(VerdictOf(all, "B").verdict, Verdict::kUnexpectedPass);
  EXPECT_TRUE(VerdictOf(all, "B").checks_not_run.empty());
  // An entry naming one check needs only that one.
  VendorConfig narrowed{"", {{"B", "bug 6", "Fake.P", ""}}};
  auto one = ComputeVerdicts(ClauseList({"B"}), ran, narrowed, suite);
  EXPECT_EQ(VerdictOf(one, "B").verdict, Verdict::kUnexpectedPass);
}

TEST(Verdicts, ExitCodes) {
  auto with = [](Verdict verdict) {
    return std::vector<ClauseVerdict>{{"A", "F", Verdict::kPass, "", {}, "", 0, "", "", {}},
                                      {"B", "F", verdict, "", {}, "", 0, "", "", {}}};
  };
  EXPECT_EQ(ExitCodeFor(with(Verdict::kPass), 1), kExitConformant);
  EXPECT_EQ(ExitCodeFor(with(Verdict::kNotApplicable), 1), kExitConformant);
  EXPECT_EQ(ExitCodeFor(with(Verdict::kNotRun), 1), kExitConformant);
  EXPECT_EQ(ExitCodeFor(with(Verdict::kExpectedFailure), 1), kExitConformant);
  EXPECT_EQ(ExitCodeFor(with(Verdict::kFail), 1), kExitNotConformant);
  EXPECT_EQ(ExitCodeFor(with(Verdict::kUnexpectedPass), 1), kExitNotConformant);
  EXPECT_EQ(ExitCodeFor(with(Verdict::kError), 1), kExitUnknown);
  EXPECT_EQ(ExitCodeFor(with(Verdict::kNotRun), 0), kExitNothingRan);
  auto both = with(Verdict::kError);
  both[0].verdict = Verdict::kFail;
  EXPECT_EQ(ExitCodeFor(both, 2), kExitNotConformant) << "a failure outranks an error";
  EXPECT_NE(std::string(ExitMeaning(kExitTargetDown)), ExitMeaning(kExitUsage));
}

}  // namespace
}  // namespace hsmbackup::conformance
