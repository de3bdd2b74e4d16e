// -smkonly, -force, shortcuts and -slot at engine level (OPT-SMKONLY,
// OPT-SMKONLY-SKS, OPT-SMKONLY-NAME, OPT-SMKONLY-CONFIRM, OPT-FORCE,
// OPT-SHORTCUTS, OPT-SLOT).
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hsmbackup/blob.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/luna_facts.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)

constexpr char kSmkName[] = "358628973182_2019:03:09-16:52:47";  // the seed's

World SmkWorld(PartitionKind kind = PartitionKind::kV1, BackupHsm hsm = MakeBackupHsm()) {
  return MakeWorld(MakeUser(kind, 3, "358628973182"), std::move(hsm));
}


std::string SmkLine(const std::string& extra = "") {
  return std::string("partition archive backup -slot 2 -smkonly -domain ") + kDomain +
         " -password " + kNewPartitionPassword + " -sopassword " + kSoPassword +
         (extra.empty() ? "" : " " + extra);
}

TEST(OptSmkonly, ProceedClonesOnlyTheSmkUnderTheGeneratedName) {
  HSMB_CLAUSE("OPT-SMKONLY", "OPT-SMKONLY-SKS", "OPT-SMKONLY-NAME", "OPT-SMKONLY-CONFIRM");
  World w = SmkWorld();
  Runner r(&w);
  r.LoginCo();
  const UserPartition source = *w.FindSlot(0)->user;
  Result res = r.Do(SmkLine(), {"proceed"});
  ASSERT_TRUE(Succeeded(r, res));
  const std::string n = kSmkName;
  const std::vector<std::string> want = {
      "You are backing up a SKS partition.",
      "Only the SKS master key (SMK) will be backed up.",
      "No other objects will be cloned.",
      "",
      "Are you sure you wish to continue?",
      "",
      "Type 'proceed' to continue, or 'quit' to quit now ->proceed",
      "",
      "Logging in as the SO on slot 2.",
      "",
      "Creating partition " + n + " on slot 2.",
      "",
      "Logging into the container " + n + " on slot 2 as the user.",
      "",
      "Creating Domain for the partition " + n + " on slot 2.",
      "",
      "The SMK was cloned successfully.",
      "",
      "Command Result : No Error",
  };
  EXPECT_EQ(r.last(), want);

  const BackupHsm& hsm = HsmAt(w);
  ASSERT_EQ(hsm.partitions.size(), 1u);
  const BackupPartition& p = hsm.partitions.at(0);
  EXPECT_EQ(p.name, n);
  EXPECT_EQ(p.origin, PartitionKind::kV1);
  EXPECT_TRUE(p.objects.empty()) << "no objects with -smkonly";
  ASSERT_FALSE(p.smk_blob.empty());
  StatusOr<CloneBlob> blob = ParseBlob(p.smk_blob);
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(blob->kind, BlobKind::kSmk);
  EXPECT_EQ(blob->key_id, ComputeSmkId(*source.smk));
  EXPECT_EQ(p.allocated, p.used(BackupModel::kBackupHsm7));
  EXPECT_TRUE(*w.FindSlot(0)->user == source);
}

TEST(OptSmkonlyName, LabelIsCutSoTheNameFits32) {
  HSMB_CLAUSE("OPT-SMKONLY-NAME");
  World w = MakeWorld(MakeUser(PartitionKind::kV1, 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"),
                      MakeBackupHsm());
  w.clock.now += 3600 * 24 + 1;  // 2019-03-10 16:52:48
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(SmkLine(), {"proceed"})));
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w).partitions.at(0).name, "ABCDEFGHIJKL_2019:03:10-16:52:48");
}

TEST(OptSmkonlyConfirm, QuitOrAnythingButProceedChangesNothing) {
  HSMB_CLAUSE("OPT-SMKONLY-CONFIRM");
  for (const std::string answer : {"quit", "yes", "PROCEED", ""}) {
    World w = SmkWorld();
    Runner r(&w);
    r.LoginCo();
    const World before = w;
    Result res = r.Do(SmkLine(), {answer});
    EXPECT_TRUE(FailedWith(r, res, Ckr::kFunctionCanceled)) << "'" << answer << "'";
    EXPECT_TRUE(w == before) << "'" << answer << "'";
    EXPECT_NE(std::find(r.last().begin(), r.last().end(),
                        "Type 'proceed' to continue, or 'quit' to quit now ->" + answer),
              r.last().end());
    EXPECT_EQ(r.LastText().find("Logging in as the SO"), std::string::npos);
  }
}

TEST(OptForce, SmkonlyWithForceAsksNothing) {
  HSMB_CLAUSE("OPT-FORCE", "OPT-SMKONLY");
  World w = SmkWorld();
  Session session(&w);
  CollectingSink sink;
  ScriptedPrompter no_answers({});
  ASSERT_TRUE(session.Execute(std::string("role login -name co -password ") +
                                  testing::kCoPassword, sink, no_answers).status.ok());
  Result res = session.Execute(SmkLine("-force"), sink, no_answers);
  ASSERT_TRUE(res.status.ok()) << res.status.ToString();
  EXPECT_EQ(no_answers.asked(), 0u);
  EXPECT_EQ(std::count_if(sink.lines.begin(), sink.lines.end(),
                          [](const std::string& l) { return l.find("proceed") != l.npos; }),
            0);
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w).partitions.at(0).name, kSmkName);
  EXPECT_FALSE(HsmAt(w).partitions.at(0).smk_blob.empty());
}

TEST(OptForce, WithoutForceTheSmkonlyPromptIsAsked) {
  HSMB_CLAUSE("OPT-FORCE", "OPT-SMKONLY-CONFIRM");
  World w = SmkWorld();
  Session session(&w);
  CollectingSink sink;
  ScriptedPrompter answers({"proceed"});
  ASSERT_TRUE(session.Execute(std::string("role login -name co -password ") +
                                  testing::kCoPassword, sink, answers).status.ok());
  ASSERT_TRUE(session.Execute(SmkLine(), sink, answers).status.ok());
  EXPECT_EQ(answers.asked(), 1u);
}

// SKS follows firmware: the first firmware that takes V0/V1 backups takes
// the SMK too, and anything older takes neither.
TEST(OptSmkonlySks, SksFollowsFirmware) {
  HSMB_CLAUSE("OPT-SMKONLY-SKS", "FW-MIN-BACKUP");
  EXPECT_EQ(kBackupHsm7Sks, kBackupHsm7MinForV0V1);
  EXPECT_EQ(kBackupHsmG5Sks, kBackupHsmG5MinForV0V1);
  for (BackupModel model : {BackupModel::kBackupHsm7, BackupModel::kBackupHsmG5}) {
    const Version min = model == BackupModel::kBackupHsm7 ? kBackupHsm7Sks : kBackupHsmG5Sks;
    BackupHsm at = MakeBackupHsm(model);
    at.firmware = min;
    EXPECT_TRUE(TakesSks(at)) << ModelName(model);
    World w = SmkWorld(PartitionKind::kV1, at);
    Runner r(&w);
    r.LoginCo();
    EXPECT_TRUE(Succeeded(r, r.Do(SmkLine("-force")))) << ModelName(model);

    BackupHsm below = MakeBackupHsm(model);
    below.firmware = Version{min.major, min.minor, 0};
    if (below.firmware == min) below.firmware = Version{min.major, min.minor - 1, 0};
    EXPECT_FALSE(TakesSks(below)) << ModelName(model);
    World old = SmkWorld(PartitionKind::kV1, below);
    Runner o(&old);
    o.LoginCo();
    const World before = old;
    EXPECT_TRUE(FailedWith(o, o.Do(SmkLine("-force")), Ckr::kOperationNotAllowed));
    EXPECT_TRUE(old == before);
  }
}

// A V1 backup (or its SMK) on a backup HSM whose firmware does not take SKS
// is not restored: the SKS restore rule alone refuses it.
TEST(OptSmkonlySks, RestoreFromOlderFirmwareIsRefused) {
  HSMB_CLAUSE("OPT-SMKONLY-SKS");
  for (const std::string extra : {"", "-smkonly -force"}) {
    World w = SmkWorld();
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(std::string("partition archive backup -slot 2 -partition v1bk ") +
                                  "-domain " + kDomain + " -password " + kNewPartitionPassword +
                                  " -sopassword " + kSoPassword)));
    HsmAt(w).firmware = Version{7, 7, 0};
    const World before = w;
    Result res = r.Do(std::string("partition archive restore -slot 2 -partition v1bk -password ") +
                          kNewPartitionPassword + (extra.empty() ? "" : " " + extra),
                      {"proceed"});
    EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed)) << extra;
    EXPECT_NE(res.status.message().find("takes SKS"), std::string::npos) << extra;
    EXPECT_TRUE(w == before) << extra;
  }
}

TEST(OptSmkonly, V0AndPre77SourcesAreRefused) {
  HSMB_CLAUSE("OPT-SMKONLY");
  for (PartitionKind kind : {PartitionKind::kV0, PartitionKind::kPre77}) {
    World w = SmkWorld(kind);
    Runner r(&w);
    r.LoginCo();
    const World before = w;
    Result res = r.Do(SmkLine("-force"));
    EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed)) << KindName(kind);
    EXPECT_TRUE(w == before) << KindName(kind);
  }
}

TEST(OptSmkonlyName, PartitionOptionIsABadArgument) {
  HSMB_CLAUSE("OPT-SMKONLY-NAME");
  World w = SmkWorld();
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  Result res = r.Do(SmkLine("-partition mysmk -force"));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
  EXPECT_TRUE(w == before);
}

// The seed's example with the documented shortcuts, against the long form.
TEST(OptShortcuts, ShortcutsGiveTheSameWorldAsLongOptions) {
  HSMB_CLAUSE("OPT-SHORTCUTS");
  struct Pair {
    std::string long_form, short_form;
    std::vector<std::string> answers;
  };
  const std::string creds = std::string(" -password ") + kNewPartitionPassword +
                            " -sopassword " + kSoPassword;
  const std::string short_creds = std::string(" -pas ") + kNewPartitionPassword + " -sop " +
                                  kSoPassword;
  const std::vector<Pair> pairs = {
      {BackupLine(),
       std::string("partition archive backup -s 2 -par bk -do ") + kDomain + short_creds, {}},
      {"partition archive backup -slot 2 -partition bk -defaultdomain -objects 101,100 -debug" +
           creds,
       "partition archive backup -s 2 -par bk -def -o 101,100 -deb" + short_creds, {}},
      {"partition archive backup -slot 2 -smkonly -force -domain " + std::string(kDomain) + creds,
       "partition archive backup -s 2 -smk -f -do " + std::string(kDomain) + short_creds, {}},
  };
  for (const Pair& p : pairs) {
    World a = SmkWorld();
    a.default_domain = Secret(kDomain);  // -defaultdomain must match the source
    World b = a;
    Runner ra(&a);
    Runner rb(&b);
    ra.LoginCo();
    rb.LoginCo();
    ASSERT_TRUE(Succeeded(ra, ra.Do(p.long_form, p.answers))) << p.long_form;
    ASSERT_TRUE(Succeeded(rb, rb.Do(p.short_form, p.answers))) << p.short_form;
    EXPECT_EQ(ra.last(), rb.last()) << p.short_form;
    EXPECT_TRUE(a == b) << p.short_form;
    EXPECT_EQ(HsmAt(b).partitions.size(), 1u);
  }
  // -a and -rep on an existing backup.
  World a = SmkWorld();
  World b = SmkWorld();
  Runner ra(&a);
  Runner rb(&b);
  ra.LoginCo();
  rb.LoginCo();
  ASSERT_TRUE(Succeeded(ra, ra.Do(BackupLine("-objects 100"))));
  ASSERT_TRUE(Succeeded(rb, rb.Do(BackupLine("-o 100"))));
  ASSERT_TRUE(Succeeded(ra, ra.Do(BackupLine("-append -replace -force"))));
  ASSERT_TRUE(Succeeded(rb, rb.Do(BackupLine("-a -rep -f"))));
  EXPECT_TRUE(a == b);
  EXPECT_EQ(HsmAt(b).partitions.at(0).objects.size(), 3u);
}

TEST(OptSlot, DirectReachesTheUsbBackupHsm) {
  HSMB_CLAUSE("OPT-SLOT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  BackupHsm usb = MakeBackupHsm();
  usb.connection = Connection::kUsb;
  usb.serial = "7000999";
  AddBackupSlot(w, 7, usb);
  Runner r(&w);
  r.LoginCo();
  const std::string line = std::string("partition archive backup -slot direct -partition bk "
                                       "-domain ") + kDomain + " -password " +
                           kNewPartitionPassword + " -sopassword " + kSoPassword;
  Result res = r.Do(line);
  ASSERT_TRUE(Succeeded(r, res));
  EXPECT_NE(std::find(r.last().begin(), r.last().end(), "Creating partition bk on slot 7."),
            r.last().end());
  EXPECT_TRUE(HsmAt(w, 2).partitions.empty());
  ASSERT_EQ(HsmAt(w, 7).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w, 7).partitions.at(0).objects.size(), 3u);
  // The USB device can also be named by its slot number.
  res = r.Do("partition archive list -s 7 -sopassword " + std::string(kSoPassword));
  ASSERT_TRUE(Succeeded(r, res));
  EXPECT_NE(r.LastText().find("Partition Name:  bk"), std::string::npos) << r.LastText();
}

TEST(OptSlot, DirectWithoutAUsbBackupHsmIsSlotIdInvalid) {
  HSMB_CLAUSE("OPT-SLOT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());  // client-attached only
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  Result res = r.Do(std::string("partition archive backup -slot direct -partition bk -domain ") +
                    kDomain + " -password " + kNewPartitionPassword + " -sopassword " +
                    kSoPassword);
  EXPECT_TRUE(FailedWith(r, res, Ckr::kSlotIdInvalid));
  EXPECT_TRUE(w == before);
}

TEST(OptSlot, DirectWithTwoUsbBackupHsmsNeedsTheSlotNumber) {
  HSMB_CLAUSE("OPT-SLOT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  BackupHsm usb = MakeBackupHsm();
  usb.connection = Connection::kUsb;
  AddBackupSlot(w, 7, usb);
  AddBackupSlot(w, 8, usb);
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  const std::string rest = std::string(" -partition bk -domain ") + kDomain + " -password " +
                           kNewPartitionPassword + " -sopassword " + kSoPassword;
  Result res = r.Do("partition archive backup -slot direct" + rest);
  EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
  EXPECT_TRUE(w == before);
  ASSERT_TRUE(Succeeded(r, r.Do("partition archive backup -slot 8" + rest)));
  EXPECT_EQ(HsmAt(w, 8).partitions.size(), 1u);
  EXPECT_TRUE(HsmAt(w, 7).partitions.empty());
}

TEST(OptSlot, UserPartitionOrMissingSlotIsSlotIdInvalid) {
  HSMB_CLAUSE("OPT-SLOT");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  for (const std::string slot : {"0", "9", "3"}) {
    Result res = r.Do(std::string("partition archive backup -slot ") + slot +
                      " -partition bk -domain " + kDomain + " -password " +
                      kNewPartitionPassword + " -sopassword " + kSoPassword);
    EXPECT_TRUE(FailedWith(r, res, Ckr::kSlotIdInvalid)) << slot;
    EXPECT_TRUE(w == before) << slot;
  }
}

}  // namespace
}  // namespace hsmbackup
