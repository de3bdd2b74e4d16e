// The judge: one difference fails one clause, what follows from it is its
// consequence, project wording is judged by its facts, and the readings the
// seed leaves open are accepted.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

#include "judge_support.h"

namespace hsmbackup::conformance {
namespace {

using judge_testing::kBackup;
using judge_testing::kLogin;
using judge_testing::PartitionIn;
using judge_testing::PrimaryClauses;
using judge_testing::RunLine;
using judge_testing::SeedWorld;
using judge_testing::Step;
using judge_testing::WorldFile;
using model::Mismatch;
using model::Prediction;
using Clauses = std::vector<std::string>;

TEST(Judge, TheReferenceSeedBackupHasNoMismatch) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
}

// The free space is not judged on its own figure (PROJ-SIZE-MODEL `accepts`
// own-size-model): the allocation the shrink should have given back is.
TEST(Judge, ASkippedShrinkFailsOnlyResizeShrink) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  Json state = s.state;
  Json* p = PartitionIn(state, 2, "p");
  ASSERT_NE(p, nullptr);
  const uint64_t grabbed = state["slots"][1]["free"].get<uint64_t>();
  (*p)["allocated"] = (*p)["allocated"].get<uint64_t>() + grabbed;
  state["slots"][1]["free"] = 0;
  const std::vector<Mismatch> ms = model::Judge(s.p, s.outcome, state, {});
  EXPECT_EQ(PrimaryClauses(ms), std::vector<std::string>{"RESIZE-SHRINK"});
}

TEST(Judge, AWrongCodeMakesTheStateDifferencesItsConsequences) {
  Step s = RunLine(SeedWorld(), {}, kBackup);  // no CO login: AUTH-CO refuses
  ASSERT_EQ(s.outcome.result, "CKR_USER_NOT_LOGGED_IN");
  Step ok = RunLine(SeedWorld(), {kLogin}, kBackup);  // what a target ignoring AUTH-CO does
  const std::vector<Mismatch> ms = model::Judge(s.p, ok.outcome, ok.state, {});
  EXPECT_EQ(PrimaryClauses(ms), std::vector<std::string>{"AUTH-CO"});
  EXPECT_GT(ms.size(), 1u);  // the partition that should not exist, as a consequence
}

TEST(Judge, AMissingObjectIsChargedToTheRuleThatPlacedIt) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  Json state = s.state;
  Json* p = PartitionIn(state, 2, "p");
  (*p)["objects"].erase((*p)["objects"].begin());
  const std::vector<Mismatch> ms = model::Judge(s.p, s.outcome, state, {});
  EXPECT_EQ(PrimaryClauses(ms), std::vector<std::string>{"CLONE-STORE"});
}

// A V0 backup stops at the first object a domain mismatch fails. On a
// Backup HSM G5 a partition grows before an object is verified, so a target
// that goes on grows it again: that figure is the stop's (CLONE-STOP-V0V1),
// and any other the target's own size model's (PROJ-SIZE-MODEL `accepts`
// own-size-model), not judged.
TEST(Judge, AG5GrownByGoingOnAfterAMismatchIsChargedToTheStop) {
  Json world = WorldFile("v0-to-g5.json");
  uint64_t size = 1;  // small objects, so each one grows the partition
  for (Json& o : world["slots"][0]["user_partition"]["objects"]) o["size"] = size++;
  Step s = RunLine(world, {"role login -name co -password fake-payments-co"},
                   "partition archive backup -slot 1 -partition p -domain another-domain "
                   "-password pw-new-1234 -sopassword fake-g5-so-pwd");
  ASSERT_EQ(s.outcome.result, "CKR_CERTIFICATE_INVALID");
  ASSERT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  const model::Partition* m = s.p.after.hsms.at(1).Find("p");
  ASSERT_NE(m, nullptr);
  const uint64_t went_on = m->allocated_if_continued;
  ASSERT_GT(went_on, m->allocated);
  for (const uint64_t shown : {went_on, went_on + 1}) {
    Json state = s.state;
    Json* p = PartitionIn(state, 1, "p");
    ASSERT_NE(p, nullptr);
    const uint64_t more = shown - (*p)["allocated"].get<uint64_t>();
    (*p)["allocated"] = shown;
    state["slots"][1]["free"] = state["slots"][1]["free"].get<uint64_t>() - more;
    const std::vector<Mismatch> ms = model::Judge(s.p, s.outcome, state, {});
    EXPECT_EQ(PrimaryClauses(ms), shown == went_on ? std::vector<std::string>{"CLONE-STOP-V0V1"}
                                                   : std::vector<std::string>{})
        << shown;
  }
}

// Only a Backup HSM 7 re-sizes a partition to the minimum its objects need
// (seed, "Luna Backup HSM 7 partition re-sizing"): where the project's G5
// partition grows to its use, a target's left holding more than it uses
// after a discarded object (its size model gave it the precheck's whole
// need) shows its own figure (PROJ-SIZE-MODEL), not a missed re-size.
TEST(Judge, AG5AllocationMayExceedItsUseAfterADiscardedObject) {
  Json world = WorldFile("v0-to-g5.json");
  world["slots"][0]["user_partition"]["kind"] = "pre77";  // goes on after the failure
  world["slots"][0]["user_partition"]["firmware"] = "7.3.0";
  world["faults"] = Json::array({{{"type", "verify_fail"}, {"handle", 8}}});
  uint64_t size = 1;  // small objects: the project's G5 partition grows to its use
  for (Json& o : world["slots"][0]["user_partition"]["objects"]) o["size"] = size++;
  Step s = RunLine(world, {"role login -name co -password fake-payments-co"},
                   "partition archive backup -slot 1 -partition p -domain fake-payments-domain "
                   "-password pw-new-1234 -sopassword fake-g5-so-pwd");
  ASSERT_EQ(s.outcome.result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
  model::Prediction p = s.p;
  ASSERT_TRUE(model::Judge(p, s.outcome, s.state, {}).empty());
  Json state = s.state;
  Json* part = PartitionIn(state, 1, "p");
  ASSERT_NE(part, nullptr);
  ASSERT_EQ((*part)["allocated"], (*part)["used"]);
  (*part)["allocated"] = (*part)["allocated"].get<uint64_t>() + 97;
  state["slots"][1]["free"] = state["slots"][1]["free"].get<uint64_t>() - 97;
  p = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(p, s.outcome, state, {})), std::vector<std::string>{});
}

TEST(Judge, ProjectWordingPassesInOtherWordsWithTheSameFacts) {
  Json world = SeedWorld();
  Step s = RunLine(world, {kLogin},
                   "partition archive backup -slot 2 -partition p -domain wrong "
                   "-password newPa$$w0rd -sopassword backupSOpwd");
  ASSERT_EQ(s.outcome.result, "CKR_CERTIFICATE_INVALID");
  Outcome reworded = s.outcome;
  reworded.transcript = {
      "6 objects will be backed up.", "Object 70 was rejected: CKR_CERTIFICATE_INVALID.",
      "Nothing was cloned. Please delete partition p yourself.", s.outcome.transcript.back()};
  reworded.message = "Nothing was cloned. Please delete partition p yourself.";  // OUT-ERROR
  EXPECT_TRUE(model::Judge(s.p, reworded, s.state, {}).empty());
  Outcome silent = s.outcome;
  silent.transcript = {"6 objects will be backed up.", "Nothing was cloned.",
                       s.outcome.transcript.back()};
  silent.message = "Nothing was cloned.";
  // Not saying to delete the empty partition is the target's own choice
  // (DOM-MISMATCH-EMPTY `accepts` reader-advice); not naming the object's
  // failure is not.
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, silent, s.state, {})),
            (std::vector<std::string>{"CLONE-DISCARD"}));
}

Json Pre77World() { return WorldFile("pre77-to-bh7.json"); }

const std::string kPre77Login = "role login -name co -password fake-legacy-co-pin";

// Lines: the transcript without the failure lines of objects `dropped`
// (by position among the failure lines).
Outcome WithoutFailureLines(Outcome o, const std::vector<size_t>& dropped) {
  std::vector<std::string> kept;
  size_t k = 0;
  for (const std::string& l : o.transcript) {
    const bool failure = l.rfind("Failed to clone object", 0) == 0;
    const bool drop = failure && std::count(dropped.begin(), dropped.end(), k) != 0;
    k += failure ? 1 : 0;
    if (!drop) kept.push_back(l);
  }
  o.transcript = kept;
  return o;
}

TEST(Judge, AMissingLaterFailureLineMeansThePre77SourceStopped) {
  // A wrong domain fails every pre-7.7 object, each with its own line.
  Step s = RunLine(Pre77World(), {kPre77Login},
                   "partition archive backup -slot 1 -partition fresh -domain wrong "
                   "-password newPa$$w0rd -sopassword fake-bh7-so-pwd");
  ASSERT_EQ(s.outcome.result, "CKR_CERTIFICATE_INVALID");
  ASSERT_GE(s.p.said.failed.size(), 2u);
  // Only the first reported: the source stopped where it should go on.
  EXPECT_EQ(
      PrimaryClauses(model::Judge(s.p, WithoutFailureLines(s.outcome, {1, 2, 3}), s.state, {})),
      std::vector<std::string>{"CLONE-CONTINUE-PRE77"});
  // None reported: failures go unreported.
  EXPECT_EQ(
      PrimaryClauses(model::Judge(s.p, WithoutFailureLines(s.outcome, {0, 1, 2, 3}), s.state, {})),
      std::vector<std::string>{"CLONE-DISCARD"});
}

TEST(Judge, ACountThatIncludesTheObjectsAppendSkipsFailsOptAppend) {
  // The stored partition already holds two of the source's four OUIDs.
  Step s = RunLine(Pre77World(), {kPre77Login},
                   "partition archive backup -slot 1 -partition legacy73_20190301 -append "
                   "-password fake-backup-po-pwd -sopassword fake-bh7-so-pwd");
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  ASSERT_GT(s.p.said.skipped(), 0);
  auto with_count = [&](long n) {
    Outcome o = s.outcome;
    for (std::string& l : o.transcript) {
      if (l.find("been backed up to partition") != std::string::npos) {
        l = std::to_string(n) + l.substr(l.find(' '));
      }
    }
    return o;
  };
  const long right = s.p.said.backed_up;
  EXPECT_TRUE(model::Judge(s.p, with_count(right), s.state, {}).empty());
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, with_count(right + s.p.said.skipped()), s.state, {})),
            std::vector<std::string>{"OPT-APPEND"});
  EXPECT_EQ(
      PrimaryClauses(model::Judge(s.p, with_count(right + s.p.said.skipped() + 5), s.state, {})),
      std::vector<std::string>{"OUT-TRANSCRIPT"});
}

TEST(Judge, AListIsJudgedOnEveryFieldNotOnlyTheName) {
  Step s = RunLine(SeedWorld(), {kLogin, kBackup},
                   "partition archive list -slot 2 -sopassword "
                   "backupSOpwd");
  Prediction p = s.p;
  EXPECT_TRUE(model::Judge(p, s.outcome, s.state, {}).empty());
  Outcome wrong = s.outcome;
  for (std::string& l : wrong.transcript) {
    if (l.rfind("Objects:", 0) == 0) l = "Objects:         5";
  }
  Prediction q = s.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(q, wrong, s.state, {})),
            std::vector<std::string>{"ARCHIVE-LIST"});
}

// A difference only in what the target printed is marked so (the harness
// judges on past it); one in the code or the state is not.
TEST(Judge, APrintedDifferenceIsMarkedAsOnlyPrinted) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  Outcome reworded = s.outcome;
  reworded.transcript.back() = "Command Result : Success";
  Prediction p = s.p;
  const std::vector<model::Mismatch> printed = model::Judge(p, reworded, s.state, {});
  EXPECT_TRUE(model::OnlyPrinted(printed)) << printed.size();
  Outcome refused{"CKR_DEVICE_ERROR",
                  "no",
                  {"no", "", "Command Result : 0x00000030 (CKR_DEVICE_ERROR)"},
                  0,
                  {}};
  Prediction q = s.p;
  EXPECT_FALSE(model::OnlyPrinted(model::Judge(q, refused, s.state, {})));
  EXPECT_FALSE(model::OnlyPrinted({}));
}

// KeptAllSpace is `state` with partition p on slot 2 given all the slot's
// free space, as a Backup HSM 7 that did not shrink it would show.
Json KeptAllSpace(Json state) {
  for (Json& slot : state["slots"]) {
    if (slot["id"] != 2) continue;
    Json* p = PartitionIn(state, 2, "p");
    if (p == nullptr) break;
    (*p)["allocated"] = (*p)["allocated"].get<uint64_t>() + slot["free"].get<uint64_t>();
    slot["free"] = 0;
  }
  return state;
}

TEST(Judge, ABackupThatFailedMayKeepAllTheSpaceButOneThatSucceededShrinks) {
  // RESIZE-SHRINK `accepts` shrink-on-success-only: the seed re-sizes "once
  // all of the objects have been successfully cloned".
  Step mismatch =
      RunLine(SeedWorld(), {kLogin},
              std::string(kBackup).replace(kBackup.find("clientdomain"), 12, "otherdomain"));
  ASSERT_EQ(mismatch.outcome.result, "CKR_CERTIFICATE_INVALID");
  Prediction shrunk = mismatch.p;
  EXPECT_TRUE(model::Judge(shrunk, mismatch.outcome, mismatch.state, {}).empty());
  EXPECT_EQ(shrunk.reading, "");
  const Json kept_state = KeptAllSpace(mismatch.state);
  ASSERT_NE(kept_state, mismatch.state);
  Prediction kept = mismatch.p;
  EXPECT_TRUE(model::Judge(kept, mismatch.outcome, kept_state, {}).empty());
  EXPECT_EQ(kept.reading, "shrink-on-success-only");
  Step ok = RunLine(SeedWorld(), {kLogin}, kBackup);
  ASSERT_EQ(ok.outcome.result, "CKR_OK");
  Prediction unshrunk = ok.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(unshrunk, ok.outcome, KeptAllSpace(ok.state), {})),
            std::vector<std::string>{"RESIZE-SHRINK"});
}

TEST(Judge, AnOpenChoiceIsAcceptedEitherWay) {
  // -append to a partition that does not exist: created here, refused by
  // another reading; both pass, and the reading taken becomes the model's.
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup + " -append");
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  Prediction created = s.p;
  EXPECT_TRUE(model::Judge(created, s.outcome, s.state, {}).empty());
  EXPECT_EQ(created.reading, "");
  Step before = RunLine(SeedWorld(), {kLogin}, "slot list");
  Outcome refused{
      "CKR_TOKEN_NOT_PRESENT",
      "no such backup partition",
      {"no such backup partition", "", "Command Result : 0x000000E0 (CKR_TOKEN_NOT_PRESENT)"},
      0,
      {}};
  Prediction other = s.p;
  EXPECT_TRUE(model::Judge(other, refused, before.state, {}).empty());
  EXPECT_EQ(other.reading, "append-needs-existing");
  // A code no reading allows (one that names another condition: the
  // refusal's own code is open, OPT-APPEND `accepts` own-code) still fails.
  Prediction wrong = s.p;
  Outcome odd{
      "CKR_PIN_LOCKED", "odd", {"odd", "", "Command Result : 0x000000A4 (CKR_PIN_LOCKED)"}, 0, {}};
  EXPECT_FALSE(PrimaryClauses(model::Judge(wrong, odd, before.state, {})).empty());
}

// OPT-OBJECTS-INVALID `accepts` objects-dedupe: a repeated handle may be
// selected once, as if listed once; any other answer still fails.
TEST(Judge, ARepeatedHandleMayBeRefusedOrSelectedOnce) {
  const std::string twice = kBackup + " -objects 70,69,70";
  Step refused = RunLine(SeedWorld(), {kLogin}, twice);
  ASSERT_EQ(refused.outcome.result, "CKR_ARGUMENTS_BAD");
  Prediction p = refused.p;
  EXPECT_TRUE(model::Judge(p, refused.outcome, refused.state, {}).empty());
  EXPECT_EQ(p.reading, "");
  Step once = RunLine(SeedWorld(), {kLogin}, kBackup + " -objects 70,69");
  ASSERT_EQ(once.outcome.result, "CKR_OK");
  Prediction q = refused.p;
  EXPECT_TRUE(model::Judge(q, once.outcome, once.state, {}).empty());
  EXPECT_EQ(q.reading, "objects-dedupe");
  // Selecting one object fewer (or the repeat twice) is no reading.
  Step fewer = RunLine(SeedWorld(), {kLogin}, kBackup + " -objects 70");
  Prediction r = refused.p;
  EXPECT_FALSE(PrimaryClauses(model::Judge(r, fewer.outcome, fewer.state, {})).empty());
  // A malformed list that also repeats a handle is refused in every reading.
  Step malformed = RunLine(SeedWorld(), {kLogin}, kBackup + " -objects 70,70,");
  EXPECT_TRUE(malformed.p.alternatives.empty() ||
              std::none_of(malformed.p.alternatives.begin(), malformed.p.alternatives.end(),
                           [](const Prediction& a) { return a.reading == "objects-dedupe"; }));
  // A restore's list likewise (the seed gives no syntax for restore).
  const std::string restore =
      "partition archive restore -slot 2 -partition p -password newPa$$w0rd -replace -force";
  Step restore_refused = RunLine(SeedWorld(), {kLogin, kBackup}, restore + " -objects 14,14");
  ASSERT_EQ(restore_refused.outcome.result, "CKR_ARGUMENTS_BAD");
  Step restore_once = RunLine(SeedWorld(), {kLogin, kBackup}, restore + " -objects 14");
  ASSERT_EQ(restore_once.outcome.result, "CKR_OK");
  Prediction s = restore_refused.p;
  EXPECT_TRUE(model::Judge(s, restore_once.outcome, restore_once.state, {}).empty());
  EXPECT_EQ(s.reading, "objects-dedupe");
}

// OPT-SMKONLY `accepts` smkonly-ignores-name: the seed's NOTE says not to
// name an SKS backup's partition, so a name given may be ignored.
TEST(Judge, AnSmkOnlyBackupMayIgnoreTheNameItIsGiven) {
  const Json world = WorldFile("seed-smkonly.json");
  const std::string login = "role login -name co";
  const std::string smk = "partition archive backup -slot 5 -smkonly";
  Step named = RunLine(world, {login}, smk + " -partition mine", {"proceed"});
  ASSERT_EQ(named.outcome.result, "CKR_ARGUMENTS_BAD");
  Prediction p = named.p;
  EXPECT_TRUE(model::Judge(p, named.outcome, named.state, {}).empty());
  Step unnamed = RunLine(world, {login}, smk, {"proceed"});
  ASSERT_EQ(unnamed.outcome.result, "CKR_OK");
  Prediction q = named.p;
  EXPECT_TRUE(model::Judge(q, unnamed.outcome, unnamed.state, {}).empty());
  EXPECT_EQ(q.reading, "smkonly-ignores-name");
  // Going ahead without the SMK line, or with -objects too, is still a fault.
  Outcome silent = unnamed.outcome;
  std::erase_if(silent.transcript, [](const std::string& l) {
    return l.find("The SMK was cloned successfully.") != std::string::npos;
  });
  Prediction r = named.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(r, silent, unnamed.state, {})), Clauses{"OPT-SMKONLY"});
  Step with_objects = RunLine(world, {login}, smk + " -partition mine -objects 1", {"proceed"});
  Prediction s2 = with_objects.p;
  EXPECT_EQ(PrimaryClauses(model::Judge(s2, unnamed.outcome, unnamed.state, {})),
            Clauses{"OPT-SMKONLY"});
}

// The seed names no code for a partition that fills: any of the three
// out-of-room codes ends it (so does any other failure code, own-code), the
// state judged the same; a code that names another condition fails
// FULL-REVERT alone.
TEST(Judge, APartitionThatFillsMayAnswerAnyOutOfRoomCode) {
  Step s = RunLine(WorldFile("faults/seed-partition-full.json"), {kLogin}, kBackup);
  ASSERT_EQ(s.outcome.result, "CKR_CONTAINER_OBJECT_STORAGE_FULL");
  EXPECT_EQ(s.p.codes, (std::set<std::string>{"CKR_CONTAINER_OBJECT_STORAGE_FULL",
                                              "CKR_DEVICE_MEMORY", "CKR_HSM_STORAGE_FULL"}));
  for (const auto& [name, value] :
       std::vector<std::pair<std::string, std::string>>{{"CKR_HSM_STORAGE_FULL", "0x8000002A"},
                                                        {"CKR_DEVICE_MEMORY", "0x00000031"},
                                                        {"CKR_PIN_INCORRECT", "0x000000A0"}}) {
    Prediction p = s.p;
    Outcome o = s.outcome;
    o.result = name;
    o.transcript.back() = "Command Result : " + value + " (" + name + ")";
    EXPECT_EQ(PrimaryClauses(model::Judge(p, o, s.state, {})),
              name == "CKR_PIN_INCORRECT" ? Clauses{"FULL-REVERT"} : Clauses{})
        << name;
  }
}

TEST(Judge, AMalformedBackupFromASessionWithoutTheCoMayBeRefusedForTheLogin) {
  // No -slot: the parser refuses it; a target that looks at the CO login
  // first (OUT-ERROR `accepts` login-first) refuses it for that instead.
  const std::string no_slot =
      "partition archive backup -partition p1 -domain clientdomain -password newPa$$w0rd "
      "-sopassword backupSOpwd";
  Step s = RunLine(SeedWorld(), {}, no_slot);
  ASSERT_EQ(s.outcome.result, "CKR_ARGUMENTS_BAD");
  Prediction parsed_first = s.p;
  EXPECT_TRUE(model::Judge(parsed_first, s.outcome, s.state, {}).empty());
  EXPECT_EQ(parsed_first.reading, "");
  const Outcome login{"CKR_USER_NOT_LOGGED_IN",
                      "log in first",
                      {"log in first", "", "Command Result : 0x00000101 (CKR_USER_NOT_LOGGED_IN)"},
                      0,
                      {}};
  Prediction login_first = s.p;
  EXPECT_TRUE(model::Judge(login_first, login, s.state, {}).empty());
  EXPECT_EQ(login_first.reading, "login-first");
  // With the CO logged in there is no login to refuse: the syntax's clause fails.
  Step co = RunLine(SeedWorld(), {kLogin}, no_slot);
  ASSERT_EQ(co.outcome.result, "CKR_ARGUMENTS_BAD");
  EXPECT_EQ(PrimaryClauses(model::Judge(co.p, login, co.state, {})),
            std::vector<std::string>{"OPT-SLOT"});
}

TEST(Judge, AnAppendToAV1BackupThatHoldsNoSmkMayBeRefused) {
  // A V1 backup under the wrong domain keeps its partition but no SMK; the
  // reference tries the SMK again on -append (PROJ-APPEND-ORIGIN `accepts`
  // append-needs-smk: "the same SMK" may also be read as refusing it).
  Json v1 = SeedWorld();
  v1["slots"][0]["user_partition"]["kind"] = "v1";
  v1["slots"][0]["user_partition"]["smk"] =
      "00112233445566778899aabbccddeeff0123456789abcdeffedcba9876543210";
  std::string wrong = kBackup;
  wrong.replace(wrong.find("clientdomain"), 12, "wrongdomain");
  const std::string append = kBackup + " -append";
  Step before = RunLine(v1, {kLogin}, wrong);
  ASSERT_EQ(before.outcome.result, "CKR_CERTIFICATE_INVALID");
  Step s = RunLine(v1, {kLogin, wrong}, append);
  Prediction tried = s.p;
  EXPECT_TRUE(model::Judge(tried, s.outcome, s.state, {}).empty());
  EXPECT_EQ(tried.reading, "");
  const Outcome refused{
      "CKR_OPERATION_NOT_ALLOWED",
      "no SMK here",
      {"no SMK here", "", "Command Result : 0x80000030 (CKR_OPERATION_NOT_ALLOWED)"},
      0,
      {}};
  Prediction no_smk = s.p;
  EXPECT_TRUE(model::Judge(no_smk, refused, before.state, {}).empty());
  EXPECT_EQ(no_smk.reading, "append-needs-smk");
  // A V0 backup has no SMK to hold: refusing its -append so is no reading.
  Step v0_before = RunLine(SeedWorld(), {kLogin}, wrong);
  Step v0 = RunLine(SeedWorld(), {kLogin, wrong}, append);
  EXPECT_FALSE(PrimaryClauses(model::Judge(v0.p, refused, v0_before.state, {})).empty());
}

TEST(Judge, ASecretInTheOutputIsChargedToOutNoSecretsAlone) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  Outcome leaky = s.outcome;
  leaky.transcript.insert(leaky.transcript.begin(), "debug: SO password backupSOpwd");
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, leaky, s.state, {"backupSOpwd"})),
            std::vector<std::string>{"OUT-NO-SECRETS"});
}

}  // namespace
}  // namespace hsmbackup::conformance
