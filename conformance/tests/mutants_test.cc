// The mutants (conformance/mutants/) are really broken, and the suite
// catches each one by the clause it breaks.
//
// MutantsDivergence runs one scenario per mutant through the mutant (as a
// subprocess) and through the reference (in process) and asserts that they
// differ in the way the mutant's clause is about. MutantsKillRate runs the
// whole suite (HSMB_CONFORMANCE_PATH) against each mutant and requires the
// mutant's clause to fail; it passes only once the suite has a check that
// covers each clause.
#include "mutant_support.h"

namespace hsmbackup::conformance::mutant_testing {


std::vector<Scenario> StateScenarios() {
  std::vector<Scenario> all;
  all.push_back({"v0-continues-after-failure",
                 "seed V0, verify_fail on handle 53 (3rd): backup",
                 [] { return Fixture("faults/seed-verify-fail.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   EXPECT_EQ(mut.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   const Json* r = Partition(ref.state(), 2, "p1");
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_TRUE(r != nullptr && m != nullptr);
                   EXPECT_EQ((*r)["objects"].size(), 2u);  // stopped at handle 53
                   EXPECT_EQ((*m)["objects"].size(), 5u);  // went on past it
                   EXPECT_EQ(Ouids((*m)["objects"]).count("360000001d0000006c640400"), 1u);
                 }});
  all.push_back({"pre77-stops-at-failure",
                 "pre77-to-bh7 + verify_fail on handle 359 (2nd): backup to a new partition",
                 [] {
                   Json w = Fixture("pre77-to-bh7.json");
                   w["faults"] = Json::array({{{"type", "verify_fail"}, {"handle", 359}}});
                   return w;
                 },
                 {{"role login -name co -password fake-legacy-co-pin", {}},
                  {"partition archive backup -slot 1 -partition fresh -domain fake-legacy-domain "
                   "-password Backup-pw-1 -sopassword fake-bh7-so-pwd",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   EXPECT_EQ(mut.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   const Json* r = Partition(ref.state(), 1, "fresh");
                   const Json* m = Partition(mut.state(), 1, "fresh");
                   ASSERT_TRUE(r != nullptr && m != nullptr);
                   EXPECT_EQ((*r)["objects"].size(), 3u);  // all but 359
                   EXPECT_EQ((*m)["objects"].size(), 1u);  // stopped at 359
                   EXPECT_EQ((*m)["origin"], "pre77");
                 }});
  all.push_back({"keeps-objects-after-fill",
                 "seed V0, partition_full at 4: backup",
                 [] { return Fixture("faults/seed-partition-full.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_CONTAINER_OBJECT_STORAGE_FULL");
                   EXPECT_EQ(mut.last().result, "CKR_CONTAINER_OBJECT_STORAGE_FULL");
                   EXPECT_EQ(Partition(ref.state(), 2, "p1"), nullptr);  // reverted
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_NE(m, nullptr);
                   EXPECT_EQ((*m)["objects"].size(), 3u);
                 }});
  all.push_back(
      {"append-overwrites-same-ouid",
       "pre77-to-bh7: -append to legacy73_20190301, whose 0x660100.. differs from the source",
       [] { return Fixture("pre77-to-bh7.json"); },
       {{"role login -name co -password fake-legacy-co-pin", {}},
        {"partition archive backup -slot 1 -partition legacy73_20190301 "
         "-password fake-backup-po-pwd -sopassword fake-bh7-so-pwd -append",
         {}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().result, "CKR_OK");
         auto fingerprint = [](const Json& objects) {
           for (const Json& o : objects) {
             if (o["ouid"] == "660100001a000000a2e30300") return o["fingerprint"];
           }
           return Json();
         };
         const Json* r = Partition(ref.state(), 1, "legacy73_20190301");
         const Json* m = Partition(mut.state(), 1, "legacy73_20190301");
         ASSERT_TRUE(r != nullptr && m != nullptr);
         const Json source_fp = fingerprint((*SlotById(ref.state(), 0))["objects"]);
         ASSERT_FALSE(source_fp.is_null());
         EXPECT_NE(fingerprint((*r)["objects"]), source_fp);  // kept as it was
         EXPECT_EQ(fingerprint((*m)["objects"]), source_fp);  // overwritten
       }});
  all.push_back({"skips-shrink",
                 "seed V0: backup",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   const Json* r = Partition(ref.state(), 2, "p1");
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_TRUE(r != nullptr && m != nullptr);
                   EXPECT_EQ((*r)["allocated"], (*r)["used"]);
                   EXPECT_GT((*m)["allocated"].get<uint64_t>(), (*m)["used"].get<uint64_t>());
                   EXPECT_EQ((*SlotById(mut.state(), 2))["free"], 0);
                 }});
  all.push_back({"accepts-long-name",
                 "seed V0: backup -partition <33 characters>",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}},
                  {"partition archive backup -slot 2 -partition " + std::string(33, 'n') +
                       " -domain clientdomain -password newPa$$w0rd -sopassword backupSOpwd",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_ARGUMENTS_BAD");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_NE(Partition(mut.state(), 2, std::string(33, 'n')), nullptr);
                   EXPECT_EQ(Joined(mut.last()).find("stand-in"), std::string::npos);
                 }});
  all.push_back({"stores-v1-plaintext",
                 "seed made V1 (with an SMK): backup",
                 V1Seed,
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   const Json* r = Partition(ref.state(), 2, "p1");
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_TRUE(r != nullptr && m != nullptr);
                   ASSERT_EQ((*r)["objects"].size(), 6u);
                   ASSERT_EQ((*m)["objects"].size(), 6u);
                   for (const Json& o : (*r)["objects"]) EXPECT_EQ(o["opaque"], true);
                   for (const Json& o : (*m)["objects"]) {
                     EXPECT_EQ(o["opaque"], false);
                     EXPECT_TRUE(o.contains("class") && o.contains("fingerprint"));
                   }
                 }});
  all.push_back({"no-empty-partition-on-mismatch",
                 "seed V0: backup -domain wrongdomain",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {WrongDomain(kSeedBackup), {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_EQ(mut.last().result, "CKR_CERTIFICATE_INVALID");
                   const Json* r = Partition(ref.state(), 2, "p1");
                   ASSERT_NE(r, nullptr);
                   EXPECT_TRUE((*r)["objects"].empty());
                   EXPECT_EQ(Partition(mut.state(), 2, "p1"), nullptr);
                 }});
  all.push_back({"objects-on-old-client",
                 "seed V0 with client 10.2.0: backup -objects 70",
                 [] {
                   Json w = Fixture("seed-example.json");
                   w["client"]["version"] = "10.2.0";
                   return w;
                 },
                 {{kSeedLogin, {}}, {kSeedBackup + " -objects 70", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_ARGUMENTS_BAD");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   const Json* m = Partition(mut.state(), 2, "p1");
                   ASSERT_NE(m, nullptr);
                   EXPECT_EQ((*m)["objects"].size(), 1u);
                 }});
  all.push_back(
      {"restores-to-lower-security",
       "pre77-to-bh7, source emptied, its backup made V0-origin: restore it into the pre-7.7 slot",
       [] {
         Json w = Fixture("pre77-to-bh7.json");
         w["slots"][0]["user_partition"]["objects"] = Json::array();
         w["slots"][1]["backup_hsm"]["partitions"][0]["origin"] = "v0";
         return w;
       },
       {{"role login -name co -password fake-legacy-co-pin", {}},
        {"partition archive restore -slot 1 -partition legacy73_20190301 "
         "-password fake-backup-po-pwd",
         {}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_OPERATION_NOT_ALLOWED");
         EXPECT_TRUE((*SlotById(ref.state(), 0))["objects"].empty());
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ((*SlotById(mut.state(), 0))["objects"].size(), 2u);
         EXPECT_EQ((*Partition(mut.state(), 1, "legacy73_20190301"))["origin"], "v0");
       }});
  all.push_back({"wrong-domain-code",
                 "seed V0: backup -domain wrongdomain",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {WrongDomain(kSeedBackup), {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_NE(mut.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_EQ(Joined(mut.last()).find("CKR_CERTIFICATE_INVALID"), std::string::npos);
                   EXPECT_EQ(mut.last().transcript.back().find("0x8000F001"), std::string::npos);
                 }});
  all.push_back({"certificate-value-collides",
                 "seed V0: backup -domain wrongdomain",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {WrongDomain(kSeedBackup), {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_EQ(mut.last().result, "CKR_CERTIFICATE_INVALID");
                   EXPECT_EQ(ref.last().transcript.back(),
                             "Command Result : 0x8000F001 (CKR_CERTIFICATE_INVALID)");
                   EXPECT_EQ(mut.last().transcript.back(),
                             "Command Result : 0x00000007 (CKR_CERTIFICATE_INVALID)");
                 }});
  all.push_back({"backup-without-co",
                 "seed V0, nobody logged in: backup",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_USER_NOT_LOGGED_IN");
                   EXPECT_EQ(Partition(ref.state(), 2, "p1"), nullptr);
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_NE(Partition(mut.state(), 2, "p1"), nullptr);
                 }});
  all.push_back({"modifies-source",
                 "seed V0: backup, compare slot 0 before/after",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ((*SlotById(ref.states[0], 0))["objects"],
                             (*SlotById(ref.states[1], 0))["objects"]);
                   EXPECT_EQ((*SlotById(ref.states[0], 0))["objects"],
                             (*SlotById(mut.states[0], 0))["objects"]);
                   EXPECT_NE((*SlotById(mut.states[0], 0))["objects"],
                             (*SlotById(mut.states[1], 0))["objects"]);
                 }});
  all.push_back(
      {"delete-leaks-space",
       "seed V0: backup, then archive delete -force",
       [] { return Fixture("seed-example.json"); },
       {{kSeedLogin, {}},
        {kSeedBackup, {}},
        {"partition archive delete -slot 2 -partition p1 -sopassword backupSOpwd -force", {}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ(Partition(mut.state(), 2, "p1"), nullptr);
         const Json& rs = *SlotById(ref.state(), 2);
         const Json& before = *SlotById(mut.states[1], 2);
         const Json& after = *SlotById(mut.state(), 2);
         EXPECT_EQ(rs["free"], rs["capacity"]);
         EXPECT_EQ(after["free"], before["free"]);  // nothing came back
       }});
  all.push_back(
      {"smkonly-no-confirm",
       "seed-smkonly: backup -smkonly, answer quit",
       [] { return Fixture("seed-smkonly.json"); },
       {{"role login -name co", {}}, {"partition archive backup -slot 5 -smkonly", {"quit"}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_FUNCTION_CANCELED");
         EXPECT_EQ(ref.last().prompts, 1);
         EXPECT_TRUE((*SlotById(ref.state(), 5))["partitions"].empty());
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().prompts, 0);
         EXPECT_EQ((*SlotById(mut.state(), 5))["partitions"].size(), 1u);
       }});
  all.push_back({"refuses-smk-shortcut", "seed-smkonly: backup -smk (the shortcut), answer proceed",
                 [] { return Fixture("seed-smkonly.json"); },
                 {{"role login -name co", {}}, {"partition archive backup -slot 5 -smk", {"proceed"}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OK");
                   EXPECT_EQ(ref.last().prompts, 1);
                   EXPECT_EQ((*SlotById(ref.state(), 5))["partitions"].size(), 1u);
                   EXPECT_EQ(mut.last().result, "CKR_ARGUMENTS_BAD");
                   EXPECT_EQ(mut.last().prompts, 0);
                   EXPECT_TRUE((*SlotById(mut.state(), 5))["partitions"].empty());
                 }});
  all.push_back({"refuses-objects-all", "seed V0: backup -objects all",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup + " -objects all", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OK");
                   EXPECT_NE(Partition(ref.state(), 2, "p1"), nullptr);
                   EXPECT_EQ(mut.last().result, "CKR_ARGUMENTS_BAD");
                   EXPECT_EQ(Partition(mut.state(), 2, "p1"), nullptr);
                 }});
  all.push_back({"refuses-longest-name", "seed V0: backup to a 32-character name",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}},
                  {"partition archive backup -slot 2 -partition " + std::string(32, 'n') +
                       " -domain clientdomain -password newPa$$w0rd -sopassword backupSOpwd",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OK");
                   EXPECT_NE(Partition(ref.state(), 2, std::string(32, 'n')), nullptr);
                   EXPECT_EQ(mut.last().result, "CKR_ARGUMENTS_BAD");
                   EXPECT_TRUE((*SlotById(mut.state(), 2))["partitions"].empty());
                 }});
  all.push_back(
      {"replace-no-confirm",
       "seed V0: backup 70 only, then backup -replace, answer quit",
       [] { return Fixture("seed-example.json"); },
       {{kSeedLogin, {}},
        {kSeedBackup + " -objects 70", {}},
        {kSeedBackup + " -replace", {"quit"}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.last().result, "CKR_FUNCTION_CANCELED");
         EXPECT_EQ(ref.last().prompts, 1);
         const Json* r = Partition(ref.state(), 2, "p1");
         ASSERT_NE(r, nullptr);
         EXPECT_EQ((*r)["objects"].size(), 1u);  // the old backup stays
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().prompts, 0);
         const Json* m = Partition(mut.state(), 2, "p1");
         ASSERT_NE(m, nullptr);
         EXPECT_EQ((*m)["objects"].size(), 6u);  // replaced without a question
       }});
  {
    Step asked("partition archive backup -slot 2 -partition p1 -domain clientdomain "
               "-password newPa$$w0rd");
    asked.credentials = {{"sopassword", "backupSOpwd"}};
    all.push_back({"refuses-left-off-sopassword",
                   "seed V0: backup without -sopassword, the SO password given at its prompt",
                   [] { return Fixture("seed-example.json"); },
                   {{kSeedLogin, {}}, asked},
                   [](const Seen& ref, const Seen& mut) {
                     EXPECT_EQ(ref.last().result, "CKR_OK");
                     EXPECT_EQ(ref.last().credential_prompts,
                               std::vector<std::string>{"sopassword"});
                     EXPECT_EQ(Joined(ref.last()).find("backupSOpwd"), std::string::npos);
                     EXPECT_NE(Partition(ref.state(), 2, "p1"), nullptr);
                     EXPECT_EQ(mut.last().result, "CKR_ARGUMENTS_BAD");
                     EXPECT_EQ(mut.last().credential_prompts, std::vector<std::string>{});
                     EXPECT_EQ(Partition(mut.state(), 2, "p1"), nullptr);
                   }});
  }
  all.push_back({"echoes-password",
                 "seed V0: backup with a wrong -sopassword",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}},
                  {"partition archive backup -slot 2 -partition p1 -domain clientdomain "
                   "-password newPa$$w0rd -sopassword Wrong-SO-secret",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_PIN_INCORRECT");
                   EXPECT_EQ(mut.last().result, "CKR_PIN_INCORRECT");
                   EXPECT_EQ(Joined(ref.last()).find("Wrong-SO-secret"), std::string::npos);
                   EXPECT_NE(Joined(mut.last()).find("Wrong-SO-secret"), std::string::npos);
                 }});
  {
    const std::string bad =
        "partition archive backup -slot 2 -partition p1 -domain clientdomain "
        "-password newPa$$w0rd -sopassword not-the-SO-pw";
    all.push_back({"no-so-lockout",
                   "seed V0: three backups with a wrong -sopassword",
                   [] { return Fixture("seed-example.json"); },
                   {{kSeedLogin, {}}, {bad, {}}, {bad, {}}, {bad, {}}},
                   [](const Seen& ref, const Seen& mut) {
                     EXPECT_EQ((*SlotById(ref.state(), 2))["zeroized"], true);
                     EXPECT_EQ((*SlotById(mut.state(), 2))["zeroized"], false);
                   }});
  }
  all.push_back({"existing-without-append",
                 "seed V0: backup p1, then backup p1 again (no -append)",
                 [] { return Fixture("seed-example.json"); },
                 {{kSeedLogin, {}}, {kSeedBackup + " -objects 70", {}}, {kSeedBackup, {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OBJECT_ALREADY_EXISTS");
                   EXPECT_EQ((*Partition(ref.state(), 2, "p1"))["objects"].size(), 1u);
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_EQ((*Partition(mut.state(), 2, "p1"))["objects"].size(), 6u);
                 }});
  all.push_back(
      {"restore-smk-no-confirm",
       "seed-smkonly: backup -smkonly (proceed), then restore -smkonly, answer quit",
       [] { return Fixture("seed-smkonly.json"); },
       {{"role login -name co", {}},
        {"partition archive backup -slot 5 -smkonly", {"proceed"}},
        {"partition archive restore -slot 5 -partition 358628973182_2019:03:09-16:52:47 -smkonly",
         {"quit"}}},
       [](const Seen& ref, const Seen& mut) {
         EXPECT_EQ(ref.outcomes[1].result, "CKR_OK");
         EXPECT_EQ(ref.last().result, "CKR_FUNCTION_CANCELED");
         EXPECT_EQ(ref.last().prompts, 1);
         EXPECT_EQ(mut.last().result, "CKR_OK");
         EXPECT_EQ(mut.last().prompts, 0);
       }});
  all.push_back({"sks-restore-ignores-firmware",
                 "v1-backup-old-firmware: restore the V1 backup from a Backup HSM 7 at 7.7.0",
                 [] { return Fixture("v1-backup-old-firmware.json"); },
                 {{"role login -name co -password fake-appliance-co", {}},
                  {"partition archive restore -slot 3 -partition v -password newPa$$w0rd", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OPERATION_NOT_ALLOWED");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_EQ((*SlotById(ref.state(), 0))["objects"].size(), 0u);
                   EXPECT_EQ((*SlotById(mut.state(), 0))["objects"].size(), 2u);
                 }});
  all.push_back({"g5-never-grows", "v0-to-g5: backup to a new partition",
                 [] { return Fixture("v0-to-g5.json"); },
                 {{"role login -name co -password fake-payments-co", {}},
                  {"partition archive backup -slot 1 -partition p -domain fake-payments-domain "
                   "-password newPa$$w0rd -sopassword fake-g5-so-pwd",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OK");
                   EXPECT_NE(Partition(ref.state(), 1, "p"), nullptr);
                   EXPECT_EQ(mut.last().result, "CKR_CONTAINER_OBJECT_STORAGE_FULL");
                   EXPECT_EQ(Partition(mut.state(), 1, "p"), nullptr);
                 }});
  all.push_back({"restores-pre77-ungated",
                 "pre77-to-bh7 + an empty V0 partition (policy 42 off): restore the pre-7.7 backup",
                 [] { return Pre77WithV0(false); },
                 {{"slot set -slot 2", {}},
                  {"role login -name co -password fake-v0-restore-co", {}},
                  {"partition archive restore -slot 1 -partition legacy73_20190301 "
                   "-password fake-backup-po-pwd",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OPERATION_NOT_ALLOWED");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_EQ((*SlotById(mut.state(), 2))["objects"].size(), 2u);
                 }});
  all.push_back({"restore-stops-by-target",
                 "pre77-to-bh7 + a V0 partition, policies 55 and 42 on, the backup's first "
                 "object rejected: restore",
                 [] {
                   Json w = Pre77WithV0(true);
                   w["faults"] = Json::array({{{"type", "verify_fail"}, {"handle", 3596}}});
                   return w;
                 },
                 {{"slot set -slot 2", {}},
                  {"role login -name co -password fake-v0-restore-co", {}},
                  {"partition archive restore -slot 1 -partition legacy73_20190301 "
                   "-password fake-backup-po-pwd",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   EXPECT_EQ(mut.last().result, "CKR_FAILED_TO_CLONE_AN_OBJECT");
                   EXPECT_EQ((*SlotById(ref.state(), 2))["objects"].size(), 1u);  // went on
                   EXPECT_EQ((*SlotById(mut.state(), 2))["objects"].size(), 0u);  // stopped
                 }});
  all.push_back({"ped-restore-skips-so",
                 "seed-smkonly: backup -smkonly, then restore the SMK with -force",
                 [] { return Fixture("seed-smkonly.json"); },
                 {{"role login -name co", {}},
                  {"partition archive backup -slot 5 -smkonly -force", {}},
                  {"partition archive restore -slot 5 -partition "
                   "358628973182_2019:03:09-16:52:47 -smkonly -force",
                   {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OK");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   auto peds = [](const Outcome& o) {
                     return std::count(o.transcript.begin(), o.transcript.end(),
                                       "Please attend to the PED.");
                   };
                   EXPECT_EQ(peds(ref.last()), 3);
                   EXPECT_EQ(peds(mut.last()), 2);
                 }});
  all.push_back({"contents-shows-v1-class",
                 "seed made V1: backup, then archive contents",
                 V1Seed,
                 {{kSeedLogin, {}},
                  {kSeedBackup, {}},
                  {"partition archive contents -slot 2 -partition p1 -password newPa$$w0rd", {}}},
                 [](const Seen& ref, const Seen& mut) {
                   EXPECT_EQ(ref.last().result, "CKR_OK");
                   EXPECT_EQ(mut.last().result, "CKR_OK");
                   EXPECT_NE(Joined(ref.last()).find("SKS blob"), std::string::npos);
                   EXPECT_EQ(Joined(ref.last()).find("Private Key"), std::string::npos);
                   EXPECT_EQ(Joined(mut.last()).find("SKS blob"), std::string::npos);
                   EXPECT_NE(Joined(mut.last()).find("Private Key"), std::string::npos);
                 }});
  return all;
}

// PrintTo keeps gtest from dumping a Scenario's bytes in failure messages.
void PrintTo(const Scenario& s, std::ostream* os) { *os << s.mutant << ": " << s.what; }

}  // namespace hsmbackup::conformance::mutant_testing

namespace hsmbackup::conformance {
namespace {

using namespace mutant_testing;  // NOLINT(build/namespaces)

std::vector<Scenario> AllScenarios() {
  std::vector<Scenario> all = StateScenarios();
  std::vector<Scenario> text = TextScenarios();
  all.insert(all.end(), text.begin(), text.end());
  return all;
}

class MutantsDivergence : public testing::TestWithParam<Scenario> {};

TEST_P(MutantsDivergence, DiffersFromTheReferenceWhereItsClauseSays) {
  const Scenario& s = GetParam();
  RecordProperty("scenario", s.what);
  TargetError error;
  std::unique_ptr<Target> mutant =
      MakeSubprocessTarget(ShellQuote(kMutant) + " " + ShellQuote(s.mutant), &error);
  ASSERT_NE(mutant, nullptr) << error.message;
  std::unique_ptr<Target> reference = MakeInProcessTarget();
  const Json world = s.world();
  Seen ref = Drive(*reference, world, s.steps);
  Seen mut = Drive(*mutant, world, s.steps);
  ASSERT_EQ(ref.outcomes.size(), s.steps.size());
  ASSERT_EQ(mut.outcomes.size(), s.steps.size());
  EXPECT_EQ(mut.implementation, "hsmbackup mutant " + s.mutant);
  // Whatever it gets wrong, a mutant still ends every transcript properly.
  for (const Outcome& o : mut.outcomes) {
    ASSERT_FALSE(o.transcript.empty());
    EXPECT_EQ(o.transcript.back().rfind("Command Result : ", 0), 0u) << o.transcript.back();
  }
  s.check(ref, mut);
}

INSTANTIATE_TEST_SUITE_P(Each, MutantsDivergence, testing::ValuesIn(AllScenarios()),
                         [](const testing::TestParamInfo<Scenario>& param) {
                           std::string name;
                           for (char c : param.param.mutant) name += std::isalnum(c) ? c : '_';
                           return name;
                         });

// ---------------------------------------------------------------------------
// The list

std::set<std::string> CatalogueIds() {
  std::set<std::string> ids;
  Json catalogue = Json::parse(ReadFile(kRoot + "/conformance/clauses.json"));
  for (const Json& c : catalogue["clauses"]) ids.insert(c["id"].get<std::string>());
  return ids;
}

TEST(MutantsList, EveryMutantNamesACatalogueClauseAndHasAScenario) {
  const std::vector<ListedMutant> listed = ListMutants();
  EXPECT_GE(listed.size(), 12u);
  const std::set<std::string> ids = CatalogueIds();
  std::set<std::string> with_scenario;
  for (const Scenario& s : AllScenarios()) with_scenario.insert(s.mutant);
  std::set<std::string> names;
  for (const ListedMutant& m : listed) {
    EXPECT_TRUE(names.insert(m.name).second) << "listed twice: " << m.name;
    EXPECT_EQ(ids.count(m.clause), 1u) << m.name << " names unknown clause " << m.clause;
    EXPECT_EQ(with_scenario.count(m.name), 1u) << m.name << " has no divergence scenario";
  }
  EXPECT_EQ(with_scenario.size(), names.size());
}

TEST(MutantsList, UnknownNameExitsTwo) {
  EXPECT_EQ(RunShell(ShellQuote(kMutant) + " no-such-mutant 2>/dev/null </dev/null").exit_code, 2);
  EXPECT_EQ(RunShell(ShellQuote(kMutant) + " 2>/dev/null </dev/null").exit_code, 2);
}

}  // namespace
}  // namespace hsmbackup::conformance
