// The facts of the project's list and contents lines: each is judged (a
// wrong one fails its clause alone), in any spelling the seed leaves open.
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <regex>

#include "judge_support.h"
#include "model/text.h"

namespace hsmbackup::conformance {
namespace {

using judge_testing::kBackup;
using judge_testing::kLogin;
using judge_testing::PrimaryClauses;
using judge_testing::RunLine;
using judge_testing::SeedWorld;
using judge_testing::Step;

using Clauses = std::vector<std::string>;

const std::string kContents =
    "partition archive contents -slot 2 -partition p -password newPa$$w0rd";

// FactsEdited: `o` with `edit` applied to every line that starts with
// `prefix` (after its indentation).
Outcome FactsEdited(Outcome o, const std::string& prefix,
                    const std::function<std::string(const std::string&)>& edit) {
  for (std::string& l : o.transcript) {
    if (l.find_first_not_of(' ') != std::string::npos &&
        l.compare(l.find_first_not_of(' '), prefix.size(), prefix) == 0) {
      l = edit(l);
    }
  }
  return o;
}

Clauses Judged(const Step& s, const Outcome& o) {
  model::Prediction p = s.p;
  return PrimaryClauses(model::Judge(p, o, s.state, {}));
}

std::string TypeAs(const std::string& l, const std::string& type) {
  return l.substr(0, l.find(':') + 1) + "     " + type;
}

TEST(JudgeFacts, ContentsShowEachObjectsTypeInAnyUsualSpelling) {
  Step s = RunLine(SeedWorld(), {kLogin, kBackup}, kContents);
  ASSERT_EQ(s.outcome.result, "CKR_OK");
  ASSERT_TRUE(Judged(s, s.outcome).empty());
  // The reference's word in capitals, and the PKCS#11 class names.
  EXPECT_TRUE(Judged(s, FactsEdited(s.outcome, "Object Type:",
                                    [](const std::string& l) {
                                      std::string u = l;
                                      for (char& c : u) c = static_cast<char>(std::toupper(c));
                                      return u;
                                    }))
                  .empty());
  EXPECT_TRUE(Judged(s, FactsEdited(s.outcome, "Object Type:",
                                    [](const std::string& l) {
                                      std::string t = l.substr(l.find(':') + 1);
                                      t = std::regex_replace(t, std::regex("^ +"), "");
                                      t = std::regex_replace(t, std::regex("Symmetric"), "Secret");
                                      std::string u = "CKO_";
                                      for (char c : t)
                                        u += c == ' ' ? '_' : static_cast<char>(std::toupper(c));
                                      return TypeAs(l, u);
                                    }))
                  .empty());
  // Every object shown as Data: the private key's type is wrong.
  EXPECT_EQ(Judged(s, FactsEdited(s.outcome, "Object Type:",
                                  [](const std::string& l) { return TypeAs(l, "Data"); })),
            Clauses{"ARCHIVE-CONTENTS"});
  // A label that says "Private Key" does not stand in for the type.
  const std::string old_label = "sa78-signing-rsa2048-priv", new_label = "my Private Key";
  Step relabelled = s;
  Json* part = judge_testing::PartitionIn(relabelled.state, 2, "p");
  ASSERT_NE(part, nullptr);
  for (Json& x : (*part)["objects"]) {
    if (x["label"] == old_label) x["label"] = new_label;
  }
  Outcome o = FactsEdited(s.outcome,
                          "Object Type:", [](const std::string& l) { return TypeAs(l, "Data"); });
  o = FactsEdited(o, "Label:", [&](const std::string& l) {
    return std::regex_replace(l, std::regex(old_label), new_label);
  });
  // The text alone (the state's label is not the model's any more): none of
  // the six objects is Data, the relabelled one included.
  const std::vector<model::Mismatch> ms = model::JudgeText(s.p, o, relabelled.state);
  ASSERT_EQ(ms.size(), (*part)["objects"].size());
  for (const model::Mismatch& m : ms) {
    EXPECT_EQ(m.clauses, Clauses{"ARCHIVE-CONTENTS"});
    EXPECT_NE(m.what.find("object type"), std::string::npos) << m.what;
  }
}

// Group: every run of 4 or more digits in `l` written with `sep` between
// its groups of three.
std::string Group(const std::string& l, const std::string& sep) {
  std::string out, run;
  auto flush = [&] {
    for (size_t i = 0; i < run.size(); ++i) {
      if (run.size() >= 4 && i > 0 && (run.size() - i) % 3 == 0) out += sep;
      out += run[i];
    }
    run.clear();
  };
  for (char c : l) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      run += c;
    } else {
      flush();
      out += c;
    }
  }
  flush();
  return out;
}

TEST(JudgeFacts, AFigureMayGroupItsThousands) {
  EXPECT_TRUE(model::HasFigure("Used / Size: 9648 / 9648 bytes", 9648));
  EXPECT_TRUE(
      model::HasFigure("1 backup partition; 16,757,791 of 16,777,216 bytes free.", 16757791));
  EXPECT_TRUE(model::HasFigure("Size: 1.232", 1232));
  EXPECT_TRUE(
      model::HasFigure("Size: 1\xe2\x80\xaf"
                       "232 bytes",
                       1232));
  EXPECT_TRUE(model::HasFigure("Size: 1'232.", 1232));
  // Not a part of a longer figure, nor a figure grouped otherwise.
  EXPECT_FALSE(model::HasFigure("Size: 11,232", 1232));
  EXPECT_FALSE(model::HasFigure("Size: 1,232,000", 1232));
  EXPECT_FALSE(model::HasFigure("Size: 12,32", 1232));
  EXPECT_FALSE(model::HasFigure("Size: 1,232", 1233));
  EXPECT_FALSE(model::HasFigure("Objects: 6", 60));
}

TEST(JudgeFacts, ListAndContentsFiguresMayGroupTheirThousands) {
  Step list = RunLine(SeedWorld(), {kLogin, kBackup},
                      "partition archive list -slot 2 -sopassword backupSOpwd");
  Step contents = RunLine(SeedWorld(), {kLogin, kBackup}, kContents);
  for (const Step* s : {&list, &contents}) {
    ASSERT_EQ(s->outcome.result, "CKR_OK");
    ASSERT_TRUE(Judged(*s, s->outcome).empty());
    for (const std::string sep : {",", ".", " ", "\xe2\x80\x89"}) {
      Outcome grouped = s->outcome;
      for (std::string& l : grouped.transcript) {
        if (l.find("Size:") != std::string::npos || l.find("bytes free") != std::string::npos) {
          l = Group(l, sep);
        }
      }
      ASSERT_NE(grouped.transcript, s->outcome.transcript);
      EXPECT_TRUE(Judged(*s, grouped).empty()) << sep;
    }
  }
  // A grouped figure that is wrong still fails its clause alone.
  EXPECT_EQ(Judged(list, FactsEdited(list.outcome, "Used / Size:",
                                     [](const std::string& l) {
                                       return std::regex_replace(Group(l, ","), std::regex(",6"),
                                                                 ",7");
                                     })),
            Clauses{"ARCHIVE-LIST"});
  EXPECT_EQ(Judged(contents, FactsEdited(contents.outcome, "Size:",
                                         [](const std::string& l) { return Group(l, ",") + "1"; })),
            Clauses{"ARCHIVE-CONTENTS"});
}

}  // namespace
}  // namespace hsmbackup::conformance
