// -objects and -partition at engine level (OPT-OBJECTS-FORMS,
// OPT-OBJECTS-CLIENT, OPT-OBJECTS-INVALID, OPT-PARTITION-MAXLEN,
// OPT-PARTITION-DEFAULT, OPT-PARTITION-REQUIRED).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hsmbackup/env.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)


// NamedLine is the backup line with `partition_option` ("" for none).
std::string NamedLine(const std::string& partition_option) {
  return "partition archive backup -slot 2 " + partition_option + " -domain " + kDomain +
         " -password " + kNewPartitionPassword + " -sopassword " + kSoPassword;
}

std::vector<Ouid> Ouids(std::initializer_list<uint32_t> handles) {
  std::vector<Ouid> out;
  for (uint32_t h : handles) out.push_back(MakeObject(h).ouid);
  return out;
}

std::vector<Ouid> BackedUp(World& w) {
  std::vector<Ouid> out;
  for (const BackupObject& o : HsmAt(w).partitions.at(0).objects) out.push_back(o.object.ouid);
  return out;
}

// ClonedOrder is the source handles of the "Cloned object N ..." lines.
std::vector<uint32_t> ClonedOrder(const Runner& r) {
  std::vector<uint32_t> out;
  const std::string prefix = "Cloned object ";
  for (const std::string& line : r.last()) {
    if (line.rfind(prefix, 0) == 0) {
      out.push_back(static_cast<uint32_t>(std::stoul(line.substr(prefix.size()))));
    }
  }
  return out;
}

struct FormCase {
  std::string value;
  std::vector<uint32_t> handles;
};

TEST(OptObjectsForms, SelectExactlyTheNamedObjectsInTheGivenOrder) {
  HSMB_CLAUSE("OPT-OBJECTS-FORMS");
  const std::vector<FormCase> cases = {
      {"0", {100, 101, 102}},   {"all", {100, 101, 102}}, {"ALL", {100, 101, 102}},
      {"101", {101}},           {"100,102", {100, 102}},  {"102,100", {102, 100}},
      {"102,100,101", {102, 100, 101}},
  };
  for (const FormCase& c : cases) {
    for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
      World w = MakeWorld(MakeUser(kind), MakeBackupHsm());
      Runner r(&w);
      r.LoginCo();
      Result res = r.Do(BackupLine("-objects " + c.value));
      ASSERT_TRUE(Succeeded(r, res)) << c.value;
      std::vector<Ouid> want;
      for (uint32_t h : c.handles) want.push_back(MakeObject(h).ouid);
      EXPECT_EQ(BackedUp(w), want) << "-objects " << c.value << " " << KindName(kind);
      EXPECT_EQ(ClonedOrder(r), c.handles) << "-objects " << c.value;
      const std::string announced = std::to_string(c.handles.size()) +
                                    (c.handles.size() == 1 ? " object" : " objects") +
                                    " will be backed up.";
      EXPECT_NE(std::find(r.last().begin(), r.last().end(), announced), r.last().end())
          << r.LastText();
    }
  }
}

TEST(OptObjectsClient, NeedsClient1030) {
  HSMB_CLAUSE("OPT-OBJECTS-CLIENT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  w.client = Version{10, 2, 0};
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  Result res = r.Do(BackupLine("-objects 101"));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
  EXPECT_NE(res.status.message().find("10.3.0"), std::string::npos) << res.status.message();
  EXPECT_TRUE(w == before);
  // `-objects all` is still -objects.
  res = r.Do(BackupLine("-objects all"));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
  EXPECT_TRUE(w == before);
  // Without -objects the old client backs up as before.
  res = r.Do(BackupLine());
  ASSERT_TRUE(Succeeded(r, res));
  EXPECT_EQ(BackedUp(w), Ouids({100, 101, 102}));
}

TEST(OptObjectsClient, Client1030IsEnough) {
  HSMB_CLAUSE("OPT-OBJECTS-CLIENT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  w.client = Version{10, 3, 0};
  Runner r(&w);
  r.LoginCo();
  Result res = r.Do(BackupLine("-objects 101"));
  ASSERT_TRUE(Succeeded(r, res));
  EXPECT_EQ(BackedUp(w), Ouids({101}));
}

TEST(OptObjectsInvalid, HandleNotOnTheSourceCreatesNothing) {
  HSMB_CLAUSE("OPT-OBJECTS-INVALID");
  for (const std::string value : {"999", "100,999", "999,100"}) {
    World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    const World before = w;
    Result res = r.Do(BackupLine("-objects " + value));
    EXPECT_TRUE(FailedWith(r, res, Ckr::kObjectHandleInvalid)) << value;
    EXPECT_NE(res.status.message().find("999"), std::string::npos);
    EXPECT_TRUE(HsmAt(w).partitions.empty());
    EXPECT_TRUE(w == before) << value;
  }
}

TEST(OptObjectsInvalid, MalformedListsAreBadArguments) {
  HSMB_CLAUSE("OPT-OBJECTS-INVALID");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  for (const std::string value : {"3,,4", "100,,101", ",100", "100,", "100,100", "0,100",
                                  "-1", "x"}) {
    Result res = r.Do(BackupLine("-objects " + value));
    EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad)) << value;
    EXPECT_TRUE(w == before) << value;
  }
}

TEST(OptPartitionMaxlen, ThirtyTwoCharactersAndNoMore) {
  HSMB_CLAUSE("OPT-PARTITION-MAXLEN");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  const std::string n33(33, 'p');
  Result res = r.Do(NamedLine("-partition " + n33));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
  EXPECT_TRUE(w == before);

  const std::string n32(32, 'p');
  res = r.Do(NamedLine("-partition " + n32));
  ASSERT_TRUE(Succeeded(r, res));
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w).partitions.at(0).name, n32);
}

TEST(OptPartitionDefault, BackupHsm7NamesTheBackupLabelAndDate) {
  HSMB_CLAUSE("OPT-PARTITION-DEFAULT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 3, "sa78"), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  Result res = r.Do(NamedLine(""));
  ASSERT_TRUE(Succeeded(r, res));
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w).partitions.at(0).name, "sa78_20190309");
  EXPECT_NE(std::find(r.last().begin(), r.last().end(),
                      "Creating partition sa78_20190309 on slot 2."),
            r.last().end())
      << r.LastText();
}

TEST(OptPartitionDefault, DateComesFromTheWorldClock) {
  HSMB_CLAUSE("OPT-PARTITION-DEFAULT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 3, "sa78"), MakeBackupHsm());
  w.clock.now = *ParseIso8601("2021-12-31T23:59:59Z");
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine(""))));
  EXPECT_EQ(HsmAt(w).partitions.at(0).name, "sa78_20211231");
}

TEST(OptPartitionDefault, LongLabelsAreCutToFit32) {
  HSMB_CLAUSE("OPT-PARTITION-DEFAULT", "OPT-PARTITION-MAXLEN");
  const std::string label = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";  // 32
  for (size_t len : {23u, 24u, 32u}) {
    World w = MakeWorld(MakeUser(PartitionKind::kV0, 3, label.substr(0, len)), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(NamedLine(""))));
    const std::string name = HsmAt(w).partitions.at(0).name;
    EXPECT_EQ(name, label.substr(0, 23) + "_20190309") << len;
    EXPECT_EQ(name.size(), 32u);
  }
}

TEST(OptPartitionDefault, DefaultNameThatExistsIsRefused) {
  HSMB_CLAUSE("OPT-PARTITION-DEFAULT", "OPT-EXISTS");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(NamedLine(""))));
  const World before = w;
  EXPECT_TRUE(FailedWith(r, r.Do(NamedLine("")), Ckr::kObjectAlreadyExists));
  EXPECT_TRUE(w == before);
}

TEST(OptPartitionRequired, G5NeedsAName) {
  HSMB_CLAUSE("OPT-PARTITION-REQUIRED");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm(BackupModel::kBackupHsmG5));
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  Result res = r.Do(NamedLine(""));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
  EXPECT_TRUE(w == before);
  res = r.Do(NamedLine("-partition g5bk"));
  ASSERT_TRUE(Succeeded(r, res));
  EXPECT_EQ(HsmAt(w).partitions.at(0).name, "g5bk");
}

}  // namespace
}  // namespace hsmbackup
