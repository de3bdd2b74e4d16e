// The judge on the lines a transcript must hold, each charged to its own
// clause by the model (no check holds a judgement of its own): the seed's
// 'Cloned object', fingerprint and SMK lines, the PED prompts, the failure
// paragraph, the restore skip, typed credentials; and the model's reading
// of a world is typed: an unknown spelling is an error, not a guess.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "judge_support.h"

namespace hsmbackup::conformance {
namespace {

using judge_testing::kBackup;
using judge_testing::kLogin;
using judge_testing::PrimaryClauses;
using judge_testing::RunLine;
using judge_testing::SeedWorld;
using judge_testing::Step;
using judge_testing::WorldFile;
using Clauses = std::vector<std::string>;

// Without drops every transcript line holding `text`.
Outcome Without(Outcome o, const std::string& text) {
  std::erase_if(o.transcript,
                [&](const std::string& l) { return l.find(text) != std::string::npos; });
  return o;
}

TEST(JudgeLines, EveryStoredObjectHasItsClonedLineInOrder) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  ASSERT_TRUE(s.p.said.cloned.has_value());
  ASSERT_EQ(s.p.said.cloned->size(), 6u);
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, Without(s.outcome, "Cloned object 69 "), s.state, {})),
            Clauses{"CLONE-ONE-AT-A-TIME"});
  Outcome swapped = s.outcome;
  auto first = std::find_if(swapped.transcript.begin(), swapped.transcript.end(),
                            [](const std::string& l) { return l.rfind("Cloned object", 0) == 0; });
  ASSERT_NE(first, swapped.transcript.end());
  std::iter_swap(first, std::next(first));
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, swapped, s.state, {})),
            Clauses{"CLONE-ONE-AT-A-TIME"});
}

// CLONE-ONE-AT-A-TIME `accepts` objects-source-order: the objects -objects
// selects may be cloned in the list's order or in the source partition's.
TEST(JudgeLines, SelectedObjectsMayBeClonedInEitherOrder) {
  Step listed = RunLine(SeedWorld(), {kLogin}, kBackup + " -objects 69,70");
  ASSERT_EQ(listed.outcome.result, "CKR_OK");
  ASSERT_EQ(*listed.p.said.cloned, (std::vector<uint32_t>{69, 70}));
  EXPECT_TRUE(model::Judge(listed.p, listed.outcome, listed.state, {}).empty());
  // What a target that keeps the source's order (70 before 69) does.
  Step source = RunLine(SeedWorld(), {kLogin}, kBackup + " -objects 70,69");
  model::Prediction p = listed.p;
  EXPECT_TRUE(model::Judge(p, source.outcome, source.state, {}).empty());
  EXPECT_EQ(p.reading, "objects-source-order");
  // A third order fits neither; the failure names both.
  Step three = RunLine(SeedWorld(), {kLogin}, kBackup + " -objects 53,69,70");
  ASSERT_EQ(*three.p.said.cloned, (std::vector<uint32_t>{53, 69, 70}));
  Outcome rotated = three.outcome;
  auto first = std::find_if(rotated.transcript.begin(), rotated.transcript.end(),
                            [](const std::string& l) { return l.rfind("Cloned object", 0) == 0; });
  ASSERT_LE(std::next(first, 3), rotated.transcript.end());
  std::rotate(first, std::next(first), std::next(first, 3));  // 69, 70, 53
  model::Prediction q = three.p;
  const std::vector<model::Mismatch> ms = model::Judge(q, rotated, three.state, {});
  EXPECT_EQ(PrimaryClauses(ms), Clauses{"CLONE-ONE-AT-A-TIME"});
  EXPECT_TRUE(std::any_of(ms.begin(), ms.end(), [](const model::Mismatch& m) {
    return m.what.find(
               "in the -objects list's order (53, 69, 70) or the source partition's "
               "(70, 69, 53)") != std::string::npos;
  })) << (ms.empty() ? "" : ms[0].what);
}

TEST(JudgeLines, TheSeedFingerprintLineIsPredictedAndNoOther) {
  const std::string line =
      "Target Object handle 3596 has same OUID as Source Object handle 358 (different finger "
      "print).";
  Step s =
      RunLine(WorldFile("pre77-to-bh7.json"), {"role login -name co -password fake-legacy-co-pin"},
              "partition archive backup -slot 1 -partition legacy73_20190301 -password "
              "fake-backup-po-pwd -sopassword fake-bh7-so-pwd -append");
  ASSERT_TRUE(s.p.said.fingerprints_known);
  ASSERT_EQ(s.p.said.fingerprint_lines.size(), 1u);
  EXPECT_EQ(s.p.said.fingerprint_lines.front().second, line);
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, Without(s.outcome, line), s.state, {})),
            Clauses{"OPT-APPEND-FINGERPRINT"});
  Outcome extra = s.outcome;
  extra.transcript.insert(extra.transcript.begin(),
                          "Target Object handle 1 has same OUID as Source Object handle 2 "
                          "(different finger print).");
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, extra, s.state, {})),
            Clauses{"OPT-APPEND-FINGERPRINT"});
  // Compared as the seed's lines are (clauses.json `wording`): indentation,
  // trailing blanks and runs of blanks do not count; a word does.
  for (const auto& [printed, passes] : std::vector<std::pair<std::string, bool>>{
           {"  " + line + " ", true},
           {"Target Object handle 3596 has same  OUID as Source Object handle 358 (different "
            "finger print).",
            true},
           {"Target Object handle 3596 has same OUID as Source Object handle 358 (different "
            "fingerprint).",
            false}}) {
    Outcome o = Without(s.outcome, line);
    o.transcript.insert(o.transcript.begin(), printed);
    model::Prediction p = s.p;
    EXPECT_EQ(PrimaryClauses(model::Judge(p, o, s.state, {})).empty(), passes) << printed;
  }
}

// "N objects will be backed up." counts what is selected; on -append a
// target may count only what it will clone (OUT-TRANSCRIPT `accepts`
// append-count-new); any other number fails.
TEST(JudgeLines, TheAppendCountIsSelectedOrLeftToClone) {
  Step s =
      RunLine(WorldFile("pre77-to-bh7.json"), {"role login -name co -password fake-legacy-co-pin"},
              "partition archive backup -slot 1 -partition legacy73_20190301 -password "
              "fake-backup-po-pwd -sopassword fake-bh7-so-pwd -append");
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  ASSERT_GE(s.p.said.will_back_up, 1);
  ASSERT_FALSE(s.p.said.append_skipped.empty());
  const long selected = s.p.said.will_back_up;
  const long left = selected - static_cast<long>(s.p.said.append_skipped.size());
  for (const auto& [count, passes] :
       std::vector<std::pair<long, bool>>{{selected, true}, {left, true}, {selected + 1, false}}) {
    Outcome o = s.outcome;
    for (std::string& l : o.transcript) {
      if (l.find("will be backed up") != std::string::npos) {
        l = std::to_string(count) + " objects will be backed up.";
      }
    }
    model::Prediction p = s.p;
    EXPECT_EQ(PrimaryClauses(model::Judge(p, o, s.state, {})),
              passes ? Clauses{} : Clauses{"OUT-TRANSCRIPT"})
        << count;
  }
}

TEST(JudgeLines, PedActionsAreEachFollowedByThePedLine) {
  Step s = RunLine(WorldFile("seed-smkonly.json"), {"role login -name co"},
                   "partition archive backup -slot 5 -smkonly", {"proceed"});
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  EXPECT_EQ(s.p.said.ped, model::Said::Ped::kEachAction);
  EXPECT_TRUE(s.p.said.smk_cloned);
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, Without(s.outcome, "attend to the PED"), s.state, {})),
            Clauses{"OUT-PED"});
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, Without(s.outcome, "SMK was cloned"), s.state, {})),
            Clauses{"OPT-SMKONLY"});
}

// The PED's lines are seed lines: blanks inside them judged as everywhere
// (runs read as one space), so a target spacing them otherwise still shows
// every step at which the PED acts.
TEST(JudgeLines, PedLinesAreComparedInLineForm) {
  Step s = RunLine(WorldFile("seed-smkonly.json"), {"role login -name co"},
                   "partition archive backup -slot 5 -smkonly", {"proceed"});
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  Outcome spaced = s.outcome;
  for (std::string& l : spaced.transcript) {
    for (size_t at = 0; (at = l.find(' ', at)) != std::string::npos; at += 3)
      l.replace(at, 1, "  \t");
  }
  EXPECT_TRUE(model::Judge(s.p, spaced, s.state, {}).empty());
  Outcome missing = Without(s.outcome, "Logging in as the SO");
  const std::vector<model::Mismatch> m = model::Judge(s.p, missing, s.state, {});
  ASSERT_EQ(PrimaryClauses(m), Clauses{"OUT-PED"});
  EXPECT_NE(m.front().what.find("of the " + std::to_string(s.p.said.ped_actions) + " steps"),
            std::string::npos)
      << m.front().what;
}

TEST(JudgeLines, APasswordDeviceNeverPrintsThePedLine) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  EXPECT_EQ(s.p.said.ped, model::Said::Ped::kNever);
  Outcome ped = s.outcome;
  ped.transcript.insert(ped.transcript.begin(), "Please attend to the PED.");
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, ped, s.state, {})), Clauses{"OUT-PED"});
}

// OUT-ERROR `accepts` error-form: the seed quotes no failure, so its form
// is open; a failure must print something, must not close with the seed's
// success line, and a line in the project's form must hold the right value.
TEST(JudgeLines, AFailureIsReportedInAnyFormButNotAsASuccess) {
  Step s = RunLine(SeedWorld(), {}, kBackup);  // no CO login
  ASSERT_EQ(s.outcome.result, "CKR_USER_NOT_LOGGED_IN");
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  for (const auto& [transcript, passes] : std::vector<std::pair<std::vector<std::string>, bool>>{
           {{s.outcome.transcript.back()}, true},  // no message paragraph
           {{"Error: CKR_USER_NOT_LOGGED_IN", "Log in as the Crypto Officer first."}, true},
           {{"Command Result : CKR_USER_NOT_LOGGED_IN"}, true},
           {{}, false},
           {{"", "  "}, false},
           {{"Log in first.", "", "Command Result : No Error"}, false},
           {{"Log in first.", "Command Result : 0x00000102 (CKR_USER_NOT_LOGGED_IN)"}, false},
           {{"Log in first.", "Command Result : 0x00000101 (CKR_USER_PIN_NOT_INITIALIZED)"},
            false}}) {
    Outcome o = s.outcome;
    o.transcript = transcript;
    model::Prediction p = s.p;
    EXPECT_EQ(PrimaryClauses(model::Judge(p, o, s.state, {})),
              passes ? Clauses{} : Clauses{"OUT-ERROR"})
        << ::testing::PrintToString(transcript);
  }
  Step pin = RunLine(SeedWorld(), {kLogin},
                     "partition archive backup -slot 2 -partition p -domain clientdomain -password "
                     "newPa$$w0rd -sopassword wrong-so-pw");
  ASSERT_EQ(pin.outcome.result, "CKR_PIN_INCORRECT");
  // In the project's form, either case of hex digits, leading zeros
  // optional (hex-case, hex-width), but the code's own value; a line of
  // another form is the target's own.
  for (const auto& [printed, passes] : std::vector<std::pair<std::string, bool>>{
           {"Command Result : 0x000000a0 (CKR_PIN_INCORRECT)", true},
           {"Command Result : 0xA0 (CKR_PIN_INCORRECT)", true},
           {"Command Result : 0x0a0 (CKR_PIN_INCORRECT)", true},
           {"Command Result : 0xA0 (CKR_PIN_INCORRECT) ", true},  // trailing blanks aside
           // Runs of blanks read as one space (clauses.json `wording`), a tab a blank.
           {"Command Result :  0xA0  (CKR_PIN_INCORRECT)", true},
           {"Command Result :\t0xA1 (CKR_PIN_INCORRECT)", false},
           {"Command Result: 0xA1 (CKR_PIN_INCORRECT)", true},  // another form
           {"Command Result : 0xA1 (CKR_PIN_INCORRECT)", false}}) {
    Outcome o = pin.outcome;
    o.transcript.back() = printed;
    model::Prediction p = pin.p;
    EXPECT_EQ(PrimaryClauses(model::Judge(p, o, pin.state, {})).empty(), passes) << printed;
  }
}

// CKR_CERTIFICATE_INVALID has no public value (LUNA-FACTS.md): a target
// picks one in the vendor range, and not one that is another code's.
TEST(JudgeLines, AResultWithoutAPublicValueTakesAnyVendorValueNoOtherCodeHas) {
  Step s = RunLine(SeedWorld(), {kLogin},
                   "partition archive backup -slot 2 -partition p -domain not-the-domain "
                   "-password newPa$$w0rd -sopassword backupSOpwd");
  ASSERT_EQ(s.outcome.result, "CKR_CERTIFICATE_INVALID");
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  for (const auto& [value, fits] :
       std::vector<std::pair<std::string, bool>>{{"0x80000160", true},
                                                 {"0x8000f001", true},
                                                 {"0x00000007", false},
                                                 {"0x8000002A", false},
                                                 {"0x00000160", false}}) {
    Step t = RunLine(SeedWorld(), {kLogin},
                     "partition archive backup -slot 2 -partition p -domain not-the-domain "
                     "-password newPa$$w0rd -sopassword backupSOpwd");
    Outcome o = t.outcome;
    o.transcript.back() = "Command Result : " + value + " (CKR_CERTIFICATE_INVALID)";
    EXPECT_EQ(PrimaryClauses(model::Judge(t.p, o, t.state, {})),
              fits ? Clauses{} : Clauses{"OUT-ERROR"})
        << value;
  }
}

TEST(JudgeLines, ACredentialTypedOnTheLineMustNotBeEchoed) {
  Step s = RunLine(SeedWorld(), {kLogin}, kBackup);
  EXPECT_EQ(s.p.typed_secrets, (Clauses{"clientdomain", "newPa$$w0rd", "backupSOpwd"}));
  Outcome echo = s.outcome;
  echo.transcript.insert(echo.transcript.begin(), "password is newPa$$w0rd");
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, echo, s.state, {})), Clauses{"OUT-NO-SECRETS"});
  // A value of a few characters can appear by chance: it is not judged.
  EXPECT_TRUE(model::TypedSecrets("partition archive backup -slot 2 -pas p1 -do ab").empty());
  EXPECT_EQ(model::TypedSecrets("x -PASSWORD longer-one -sop so-secret -o 1"),
            (Clauses{"longer-one", "so-secret"}));
}

TEST(JudgeLines, ARestoreReportsEachSkippedSameOuidObjectWithBothHandles) {
  Json world = SeedWorld();
  Step made = RunLine(world, {kLogin}, kBackup);
  ASSERT_EQ(made.outcome.result, "CKR_OK");
  Step s = RunLine(world, {kLogin, kBackup},
                   "partition archive restore -slot 2 -partition p -password newPa$$w0rd");
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  ASSERT_EQ(s.p.said.restore_skipped.size(), 6u);  // every object is still on the source
  EXPECT_TRUE(model::Judge(s.p, s.outcome, s.state, {}).empty());
  Outcome silent = s.outcome;
  std::erase_if(silent.transcript, [&](const std::string& l) {
    return l.find(std::to_string(s.p.said.restore_skipped.front().first)) != std::string::npos;
  });
  EXPECT_EQ(PrimaryClauses(model::Judge(s.p, silent, s.state, {})),
            Clauses{"PROJ-RESTORE-SAME-OUID"});
}

TEST(ModelWorld, AnUnknownSpellingIsAnErrorNamingIt) {
  for (const auto& [path, bad] : std::vector<std::pair<std::string, std::string>>{
           {"/slots/0/user_partition/kind", "v2"},
           {"/slots/1/backup_hsm/model", "backup_hsm_8"},
           {"/slots/1/backup_hsm/connection", "serial"},
           {"/slots/0/user_partition/objects/0/class", "privatekey"}}) {
    Json world = SeedWorld();
    world[Json::json_pointer(path)] = bad;
    std::string why;
    EXPECT_FALSE(model::FromWorld(world, &why).has_value()) << path;
    EXPECT_NE(why.find(bad), std::string::npos) << why;
  }
  std::string why;
  EXPECT_TRUE(model::FromWorld(SeedWorld(), &why).has_value()) << why;
}

// Every clause id and result name the model writes is one the catalogue
// and the facts header know: a typo cannot silently charge nobody.
TEST(ModelWorld, EveryClauseAndResultNameTheModelUsesExists) {
  std::ifstream cat(std::string(HSMB_SOURCE_ROOT) + "/conformance/clauses.json");
  const Json catalogue = Json::parse(cat);
  std::set<std::string> ids;
  for (const Json& c : catalogue["clauses"]) ids.insert(c["id"].get<std::string>());
  const std::regex clause("\"((?:[A-Z]+-)+[A-Z0-9]+)\"");
  const std::regex ckr("\"(CKR_[A-Z_]+)\"");
  int seen = 0;
  // Every file of the model, so one split off later is read too.
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(std::string(HSMB_SOURCE_ROOT) +
                                                               "/conformance/src/model")) {
    const std::string ext = entry.path().extension().string();
    if (ext == ".cc" || ext == ".h") files.insert(entry.path().string());
  }
  EXPECT_GE(files.size(), 12u);
  for (const std::string& file : files) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    const std::string src = text.str();
    ASSERT_FALSE(src.empty()) << file;
    for (std::sregex_iterator it(src.begin(), src.end(), clause), end; it != end; ++it, ++seen) {
      EXPECT_TRUE(ids.count((*it)[1])) << file << " names unknown clause " << (*it)[1];
    }
    for (std::sregex_iterator it(src.begin(), src.end(), ckr), end; it != end; ++it) {
      const std::string name = (*it)[1];
      EXPECT_TRUE(model::CkrValue(name).has_value() || name == "CKR_CERTIFICATE_INVALID")
          << file << " names unknown result " << name;
    }
  }
  EXPECT_GT(seen, 100);
}

}  // namespace
}  // namespace hsmbackup::conformance
