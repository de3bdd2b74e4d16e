// Backup path: domains and cloning policies (DOM-*, POL-CLONING).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Lines = std::vector<std::string>;

constexpr char kEmptyNote[] =
    " The empty backup partition bk remains on slot 2; delete it with 'partition archive "
    "delete'.";

const Lines kCreateLines = {"Logging in as the SO on slot 2.",
                            "",
                            "Creating partition bk on slot 2.",
                            "",
                            "Logging into the container bk on slot 2 as the user.",
                            "",
                            "Creating Domain for the partition bk on slot 2.",
                            ""};

Lines Concat(Lines a, const Lines& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

std::string WrongDomainLine() {
  BackupArgs a;
  a.domain = "otherdomain";
  return BackupLineFrom(a);
}

// Checks the empty partition the seed says is left behind, then deletes it
// by hand and checks the HSM is empty again.
void ExpectEmptyPartitionLeft(World& w, Runner& r, const Secret& domain) {
  BackupHsm& hsm = HsmAt(w);
  ASSERT_EQ(hsm.partitions.size(), 1u);
  const BackupPartition& p = hsm.partitions[0];
  EXPECT_EQ(p.name, "bk");
  EXPECT_TRUE(p.objects.empty());
  EXPECT_TRUE(p.smk_blob.empty());
  EXPECT_TRUE(p.domain == domain);
  EXPECT_EQ(p.allocated, kPartitionOverheadBytes);  // shrunk on the Backup HSM 7
  EXPECT_EQ(p.used(BackupModel::kBackupHsm7), kPartitionOverheadBytes);
  EXPECT_EQ(hsm.free_bytes(), hsm.capacity - kPartitionOverheadBytes);
  EXPECT_TRUE(Succeeded(r, r.Do(ArchiveDeleteLine("bk"))));
  EXPECT_TRUE(HsmAt(w).partitions.empty());
  EXPECT_EQ(HsmAt(w).free_bytes(), HsmAt(w).capacity);
}

TEST(BackupDomain, Pre77MismatchTriesEveryObjectAndLeavesAnEmptyPartition) {
  HSMB_CLAUSE("DOM-MISMATCH-EMPTY", "DOM-ERROR-CODE", "CLONE-VERIFY", "CLONE-CONTINUE-PRE77");
  World w = MakeWorld(MakeUser(PartitionKind::kPre77), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  const UserPartition src = UserAt(w);
  Result res = r.Do(WrongDomainLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kCertificateInvalid));
  EXPECT_EQ(r.last(),
            Concat(kCreateLines,
                   {"Verifying that all objects can be backed up...", "",
                    "3 objects will be backed up.", "", "Backing up objects...",
                    "Failed to clone object 100 to partition bk (CKR_CERTIFICATE_INVALID).",
                    "Failed to clone object 101 to partition bk (CKR_CERTIFICATE_INVALID).",
                    "Failed to clone object 102 to partition bk (CKR_CERTIFICATE_INVALID).", "",
                    "0 objects have been backed up to partition bk", "on slot 2.", "",
                    std::string("3 objects could not be backed up; the first failure was "
                                "CKR_CERTIFICATE_INVALID.") +
                        kEmptyNote,
                    "", "Command Result : 0x8000F001 (CKR_CERTIFICATE_INVALID)"}));
  EXPECT_EQ(UserAt(w), src);
  ExpectEmptyPartitionLeft(w, r, Secret("otherdomain"));
}

TEST(BackupDomain, V0MismatchStopsAtTheFirstObjectAndLeavesAnEmptyPartition) {
  HSMB_CLAUSE("DOM-MISMATCH-EMPTY", "DOM-ERROR-CODE", "CLONE-STOP-V0V1");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  const UserPartition src = UserAt(w);
  Result res = r.Do(WrongDomainLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kCertificateInvalid));
  EXPECT_EQ(r.last(),
            Concat(kCreateLines,
                   {"Verifying that all objects can be backed up...", "",
                    "3 objects will be backed up.", "", "Backing up objects...",
                    "Failed to clone object 100 to partition bk (CKR_CERTIFICATE_INVALID).", "",
                    "Backup stopped at the first object that failed.", "",
                    "0 objects have been backed up to partition bk", "on slot 2.", "",
                    std::string("1 object could not be backed up; the first failure was "
                                "CKR_CERTIFICATE_INVALID.") +
                        kEmptyNote,
                    "", "Command Result : 0x8000F001 (CKR_CERTIFICATE_INVALID)"}));
  EXPECT_EQ(UserAt(w), src);
  ExpectEmptyPartitionLeft(w, r, Secret("otherdomain"));
}

TEST(BackupDomain, V1MismatchFailsOnTheSmkAndLeavesAnEmptyPartition) {
  HSMB_CLAUSE("DOM-MISMATCH-EMPTY", "DOM-ERROR-CODE");
  World w = MakeWorld(MakeUser(PartitionKind::kV1), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  const UserPartition src = UserAt(w);
  Result res = r.Do(WrongDomainLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kCertificateInvalid));
  EXPECT_EQ(r.last(),
            Concat(kCreateLines,
                   {"Verifying that all objects can be backed up...", "",
                    "3 objects will be backed up.", "", "Backing up objects...", "",
                    "Failed to clone the SMK to partition bk (CKR_CERTIFICATE_INVALID).", "",
                    std::string("The SMK did not verify under the backup partition's domain: the "
                                "domains do not match. No objects were cloned.") +
                        kEmptyNote,
                    "", "Command Result : 0x8000F001 (CKR_CERTIFICATE_INVALID)"}));
  EXPECT_EQ(UserAt(w), src);
  ExpectEmptyPartitionLeft(w, r, Secret("otherdomain"));
}

TEST(BackupDomain, SmkOnlyMismatchLeavesAnEmptyPartitionWithTheNote) {
  HSMB_CLAUSE("DOM-MISMATCH-EMPTY", "DOM-ERROR-CODE", "OPT-SMKONLY");
  BackupHsm h = MakeBackupHsm();
  World w = MakeWorld(MakeUser(PartitionKind::kV1), std::move(h));
  Runner r(&w);
  r.LoginCo();
  BackupArgs a;
  a.partition = "";
  a.domain = "otherdomain";
  a.extra = "-smkonly -force";
  Result res = r.Do(BackupLineFrom(a));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kCertificateInvalid));
  const std::string name = "src_2019:03:09-16:52:47";
  EXPECT_EQ(res.status.message(),
            "The SMK did not verify under the backup partition's domain: the domains do not "
            "match. The empty backup partition " + name + " remains on slot 2; delete it with "
            "'partition archive delete'.");
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_EQ(HsmAt(w).partitions[0].name, name);
  EXPECT_TRUE(HsmAt(w).partitions[0].smk_blob.empty());
  EXPECT_TRUE(HsmAt(w).partitions[0].objects.empty());
}

TEST(BackupDomain, HsmPolicyForbiddingCloningLeavesAnEmptyPartition) {
  HSMB_CLAUSE("DOM-MISMATCH-EMPTY", "POL-CLONING");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    UserPartition u = MakeUser(kind);
    u.policies.hsm_allow_cloning = false;
    World w = MakeWorld(std::move(u), MakeBackupHsm());
    Runner r(&w);
    r.LoginCo();
    const UserPartition src = UserAt(w);
    Result res = r.Do(BackupLine());
    EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed));
    EXPECT_EQ(r.last(), Concat(kCreateLines,
                               {"Verifying that all objects can be backed up...", "",
                                std::string("Object 100 cannot be backed up: HSM policy 7 \"Allow "
                                            "cloning\" is off. No objects were cloned.") +
                                    kEmptyNote,
                                "", "Command Result : 0x80000030 (CKR_OPERATION_NOT_ALLOWED)"}));
    EXPECT_EQ(UserAt(w), src);
    ExpectEmptyPartitionLeft(w, r, Secret(kDomain));
  }
}

TEST(BackupDomain, PedDomainMismatchIsCertificateInvalid) {
  HSMB_CLAUSE("DOM-ERROR-CODE", "DOM-MISMATCH-EMPTY");
  UserPartition u = MakeUser(PartitionKind::kV0);
  u.auth = AuthMode::kPed;
  BackupHsm h = MakeBackupHsm();
  h.auth = AuthMode::kPed;
  h.so_password = Secret();
  h.ped_domain = Secret("another red key");
  World w = MakeWorld(std::move(u), std::move(h));
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do("role login -name co")));
  EXPECT_TRUE(FailedWith(r, r.Do("partition archive backup -slot 2 -partition bk"),
                         Ckr::kCertificateInvalid));
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_TRUE(HsmAt(w).partitions[0].objects.empty());
  EXPECT_TRUE(HsmAt(w).partitions[0].domain == Secret("another red key"));
}

TEST(BackupDomain, CertificateInvalidHasAFixedVendorValue) {
  HSMB_CLAUSE("DOM-ERROR-CODE", "OUT-ERROR");
  EXPECT_EQ(FormatCkr(Ckr::kCertificateInvalid), "0x8000F001 (CKR_CERTIFICATE_INVALID)");
  EXPECT_EQ(ResultLine(Ckr::kCertificateInvalid),
            "Command Result : 0x8000F001 (CKR_CERTIFICATE_INVALID)");
  EXPECT_EQ(CkrFromName("CKR_CERTIFICATE_INVALID"), Ckr::kCertificateInvalid);
}

TEST(BackupDomain, DefaultDomainUsesTheClientsDefault) {
  HSMB_CLAUSE("DOM-OPTION");
  for (PartitionKind kind : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
    UserPartition u = MakeUser(kind);
    u.domain = Secret("site default domain");
    World w = MakeWorld(std::move(u), MakeBackupHsm());
    w.default_domain = Secret("site default domain");
    Runner r(&w);
    r.LoginCo();
    BackupArgs a;
    a.domain = "";
    a.extra = "-defaultdomain";
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
    const BackupPartition& p = HsmAt(w).partitions.at(0);
    EXPECT_TRUE(p.domain == w.default_domain);
    EXPECT_EQ(p.objects.size(), 3u);
    // The shortcut means the same.
    a.partition = "bk2";
    a.extra = "-def";
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
    EXPECT_TRUE(HsmAt(w).partitions.at(1).domain == w.default_domain);
  }
}

TEST(BackupDomain, DefaultDomainOtherThanTheSourcesFails) {
  HSMB_CLAUSE("DOM-OPTION", "DOM-ERROR-CODE");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  BackupArgs a;
  a.domain = "";
  a.extra = "-defaultdomain";
  EXPECT_TRUE(FailedWith(r, r.Do(BackupLineFrom(a)), Ckr::kCertificateInvalid));
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_TRUE(HsmAt(w).partitions[0].domain == w.default_domain);
  EXPECT_TRUE(HsmAt(w).partitions[0].objects.empty());
}

TEST(BackupDomain, DomainAndDefaultDomainExcludeEachOther) {
  HSMB_CLAUSE("DOM-OPTION", "OUT-ERROR");
  World w = MakeWorld(MakeUser(PartitionKind::kV0), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  const World before = w;
  for (const std::string& extra : {std::string("-defaultdomain"), std::string("-def")}) {
    Result res = r.Do(BackupLine(extra));
    EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
    EXPECT_EQ(r.last(), (Lines{"-domain and -defaultdomain exclude each other; give one", "",
                               "Command Result : 0x00000007 (CKR_ARGUMENTS_BAD)"}));
    EXPECT_EQ(w, before);
  }
  // Neither: the new partition's domain is asked for (AUTH-PROMPT); with no
  // answer nothing changes.
  BackupArgs a;
  a.domain = "";
  Result res = r.Do(BackupLineFrom(a));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
  EXPECT_EQ(r.asked(), std::vector<Credential>{Credential::kDomain});
  EXPECT_EQ(res.status.message(),
            "No domain was given: put -domain on the line or answer the prompt. Nothing was "
            "changed.");
  EXPECT_EQ(w, before);
}

TEST(BackupDomain, AnExistingPartitionKeepsItsDomain) {
  HSMB_CLAUSE("DOM-OPTION");
  World w = MakeWorld(MakeUser(PartitionKind::kV0, 4), MakeBackupHsm());
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100"))));
  BackupArgs a;
  a.domain = "otherdomain";
  a.extra = "-append";
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLineFrom(a))));
  EXPECT_NE(r.LastText().find("The existing partition bk keeps its own domain."),
            std::string::npos);
  const BackupPartition& p = HsmAt(w).partitions.at(0);
  EXPECT_TRUE(p.domain == Secret(kDomain));
  EXPECT_EQ(p.objects.size(), 4u);
}

TEST(BackupDomain, PedBackupHsmTakesNoDomainOption) {
  HSMB_CLAUSE("DOM-OPTION", "AUTH-SAME-MODE");
  UserPartition u = MakeUser(PartitionKind::kV0);
  u.auth = AuthMode::kPed;
  BackupHsm h = MakeBackupHsm();
  h.auth = AuthMode::kPed;
  h.ped_domain = Secret(kDomain);
  World w = MakeWorld(std::move(u), std::move(h));
  Runner r(&w);
  ASSERT_TRUE(Succeeded(r, r.Do("role login -name co")));
  const World before = w;
  for (const char* extra : {" -domain clientdomain", " -defaultdomain"}) {
    Result res = r.Do(std::string("partition archive backup -slot 2 -partition bk") + extra);
    EXPECT_TRUE(FailedWith(r, res, Ckr::kArgumentsBad));
    EXPECT_EQ(w, before);
  }
}

World PolicyWorld(bool private_ok, bool secret_ok) {
  UserPartition u = MakeUser(PartitionKind::kV0, 0);
  u.objects = {MakeObject(100, ObjectClass::kData), MakeObject(101, ObjectClass::kPrivateKey),
               MakeObject(102, ObjectClass::kSecretKey), MakeObject(103, ObjectClass::kPublicKey),
               MakeObject(104, ObjectClass::kCertificate)};
  u.policies.allow_private_key_cloning = private_ok;
  u.policies.allow_secret_key_cloning = secret_ok;
  return MakeWorld(std::move(u), MakeBackupHsm());
}

TEST(BackupPolicy, PrivateKeyCloningOffRefusesAPrivateKey) {
  HSMB_CLAUSE("POL-CLONING", "DOM-MISMATCH-EMPTY");
  World w = PolicyWorld(false, true);
  Runner r(&w);
  r.LoginCo();
  const UserPartition src = UserAt(w);
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed));
  EXPECT_EQ(res.status.message(),
            std::string("Object 101 cannot be backed up: partition policy 0 \"Allow private key "
                        "cloning\" is off. No objects were cloned.") +
                kEmptyNote);
  EXPECT_EQ(r.LastText().find("Cloned object"), std::string::npos);
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_TRUE(HsmAt(w).partitions[0].objects.empty());
  EXPECT_EQ(UserAt(w), src);
}

TEST(BackupPolicy, SecretKeyCloningOffRefusesASecretKey) {
  HSMB_CLAUSE("POL-CLONING");
  World w = PolicyWorld(true, false);
  Runner r(&w);
  r.LoginCo();
  Result res = r.Do(BackupLine());
  EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed));
  EXPECT_EQ(res.status.message(),
            std::string("Object 102 cannot be backed up: partition policy 4 \"Allow secret key "
                        "cloning\" is off. No objects were cloned.") +
                kEmptyNote);
  ASSERT_EQ(HsmAt(w).partitions.size(), 1u);
  EXPECT_TRUE(HsmAt(w).partitions[0].objects.empty());
}

TEST(BackupPolicy, OtherClassesStillBackUp) {
  HSMB_CLAUSE("POL-CLONING");
  {
    World w = PolicyWorld(false, true);  // everything but the private key
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,102,103,104"))));
    EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 4u);
  }
  {
    World w = PolicyWorld(true, false);  // everything but the secret key
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100,101,103,104"))));
    EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 4u);
  }
  {
    World w = PolicyWorld(true, true);  // the defaults allow every class
    Runner r(&w);
    r.LoginCo();
    ASSERT_TRUE(Succeeded(r, r.Do(BackupLine())));
    EXPECT_EQ(HsmAt(w).partitions.at(0).objects.size(), 5u);
  }
}

TEST(BackupPolicy, PolicyIsCheckedBeforeAnyObjectMoves) {
  HSMB_CLAUSE("POL-CLONING");
  // The forbidden object is last: still nothing is cloned, on append too.
  World w = PolicyWorld(true, true);
  Runner r(&w);
  r.LoginCo();
  ASSERT_TRUE(Succeeded(r, r.Do(BackupLine("-objects 100"))));
  const BackupHsm before_hsm = HsmAt(w);
  UserAt(w).policies.allow_secret_key_cloning = false;
  Result res = r.Do(BackupLine("-append -objects 103,104,102"));
  EXPECT_TRUE(FailedWith(r, res, Ckr::kOperationNotAllowed));
  // No empty-partition note: the partition was not made by this backup.
  EXPECT_EQ(res.status.message(),
            "Object 102 cannot be backed up: partition policy 4 \"Allow secret key cloning\" is "
            "off. No objects were cloned.");
  EXPECT_EQ(HsmAt(w).partitions.at(0).objects, before_hsm.partitions.at(0).objects);
  EXPECT_EQ(HsmAt(w).partitions.at(0).allocated, before_hsm.partitions.at(0).allocated);
}

}  // namespace
}  // namespace hsmbackup
