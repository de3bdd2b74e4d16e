#include "support/worlds.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

#include "hsmbackup/env.h"

namespace hsmbackup::testing {

Object MakeObject(uint32_t handle, ObjectClass cls, size_t size, std::string label) {
  Object o;
  o.handle = handle;
  for (size_t i = 0; i < o.ouid.bytes.size(); ++i) {
    o.ouid.bytes[i] = static_cast<uint8_t>((handle >> (8 * (i % 4))) + i);
  }
  o.object_class = cls;
  o.label = label.empty() ? "key-" + std::to_string(handle) : std::move(label);
  o.attributes = {{"CKA_SENSITIVE", "true"}, {"CKA_TOKEN", "true"}};
  Bytes value(size);
  for (size_t i = 0; i < size; ++i) value[i] = static_cast<uint8_t>(handle * 31 + i);
  o.value = Secret(std::move(value));
  return o;
}

UserPartition MakeUser(PartitionKind kind, size_t objects, std::string label) {
  UserPartition p;
  p.label = std::move(label);
  p.serial = "1238696044";
  p.kind = kind;
  p.firmware = kind == PartitionKind::kPre77 ? Version{7, 3, 0} : Version{7, 8, 0};
  p.domain = Secret(kDomain);
  p.capacity = 1 << 20;
  p.co_password = Secret(kCoPassword);
  p.po_password = Secret("poPassw0rd!");
  if (kind == PartitionKind::kV1) {
    Bytes smk(32);
    for (size_t i = 0; i < smk.size(); ++i) smk[i] = static_cast<uint8_t>(0xA0 + i);
    p.smk = Secret(ByteSpan(smk));
  }
  for (size_t i = 0; i < objects; ++i) {
    p.objects.push_back(MakeObject(static_cast<uint32_t>(100 + i)));
  }
  p.handles.next = static_cast<uint32_t>(100 + objects);
  return p;
}

BackupHsm MakeBackupHsm(BackupModel model) {
  BackupHsm h;
  h.model = model;
  h.label = "backup";
  h.serial = "7000123";
  h.firmware = model == BackupModel::kBackupHsm7 ? Version{7, 7, 2} : Version{6, 28, 0};
  h.capacity = 1 << 20;
  h.so_password = Secret(kSoPassword);
  h.handles.next = 1;
  return h;
}

World MakeWorld(UserPartition user, BackupHsm hsm) {
  World w;
  w.client = Version{10, 4, 0};
  w.default_domain = Secret("defaultdomain");
  w.clock.now = *ParseIso8601("2019-03-09T16:52:47Z");
  Slot s0;
  s0.id = 0;
  s0.user = std::move(user);
  Slot s2;
  s2.id = 2;
  s2.backup = std::move(hsm);
  w.slots.push_back(std::move(s0));
  w.slots.push_back(std::move(s2));
  return w;
}

WorldBuilder& WorldBuilder::Source(UserPartition user) {
  source_ = std::move(user);
  return *this;
}
WorldBuilder& WorldBuilder::Source(PartitionKind kind, size_t objects, std::string label) {
  return Source(MakeUser(kind, objects, std::move(label)));
}
WorldBuilder& WorldBuilder::Backup(BackupHsm hsm) {
  backup_ = std::move(hsm);
  return *this;
}
WorldBuilder& WorldBuilder::Backup(BackupModel model) { return Backup(MakeBackupHsm(model)); }
WorldBuilder& WorldBuilder::AddUser(uint32_t slot, UserPartition user) {
  users_.emplace_back(slot, std::move(user));
  return *this;
}
WorldBuilder& WorldBuilder::AddBackup(uint32_t slot, BackupHsm hsm) {
  backups_.emplace_back(slot, std::move(hsm));
  return *this;
}
WorldBuilder& WorldBuilder::WithFault(Fault fault) {
  faults_.push_back(fault);
  return *this;
}

World WorldBuilder::Build() const {
  World w = MakeWorld(source_, backup_);
  for (const auto& [slot, user] : users_) AddUserSlot(w, slot, user);
  for (const auto& [slot, hsm] : backups_) AddBackupSlot(w, slot, hsm);
  w.faults = faults_;
  return w;
}

std::string KindParamName(const ::testing::TestParamInfo<PartitionKind>& info) {
  return KindToken(info.param);
}

std::string KindAndModelParamName(const ::testing::TestParamInfo<KindAndModel>& info) {
  return std::string(KindToken(std::get<0>(info.param))) + "_" +
         ModelToken(std::get<1>(info.param));
}

Result Runner::Do(const std::string& line, std::vector<std::string> answers,
                  std::map<Credential, Secret> credentials) {
  CollectingSink sink;
  ScriptedPrompter prompter(std::move(answers), "quit", std::move(credentials));
  Result r = session_.Execute(line, sink, prompter);
  asked_ = prompter.asked_credentials();
  last_ = sink.lines;
  all_.insert(all_.end(), sink.lines.begin(), sink.lines.end());
  return r;
}

void Runner::LoginCo(const std::string& password) {
  Result r = Do("role login -name co -password " + password);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
}

std::string Runner::LastText() const {
  std::string text;
  for (const auto& l : last_) text += l + "\n";
  return text;
}

std::string BackupLine(const std::string& extra) {
  return std::string("partition archive backup -slot 2 -partition bk -domain ") + kDomain +
         " -password " + kNewPartitionPassword + " -sopassword " + kSoPassword +
         (extra.empty() ? "" : " " + extra);
}


namespace {
void InsertSlot(World& world, Slot slot) {
  auto at = std::find_if(world.slots.begin(), world.slots.end(),
                         [&](const Slot& s) { return s.id > slot.id; });
  world.slots.insert(at, std::move(slot));
}
}  // namespace

void AddUserSlot(World& world, uint32_t id, UserPartition user) {
  ASSERT_EQ(world.FindSlot(id), nullptr) << "slot " << id << " is taken";
  Slot s;
  s.id = id;
  s.user = std::move(user);
  InsertSlot(world, std::move(s));
}

void AddBackupSlot(World& world, uint32_t id, BackupHsm hsm) {
  ASSERT_EQ(world.FindSlot(id), nullptr) << "slot " << id << " is taken";
  Slot s;
  s.id = id;
  s.backup = std::move(hsm);
  InsertSlot(world, std::move(s));
}

::testing::AssertionResult FailedWith(const Runner& runner, const Result& result, Ckr code) {
  if (result.code() != code) {
    return ::testing::AssertionFailure()
           << "expected " << FormatCkr(code) << ", got " << FormatCkr(result.code()) << " ("
           << result.status.message() << ")\n" << runner.LastText();
  }
  const std::string want = "Command Result : " + FormatCkr(code);
  if (runner.last().empty() || runner.last().back() != want) {
    return ::testing::AssertionFailure() << "last line is not '" << want << "':\n"
                                         << runner.LastText();
  }
  return ::testing::AssertionSuccess();
}

::testing::AssertionResult Succeeded(const Runner& runner, const Result& result) {
  if (!result.status.ok()) {
    return ::testing::AssertionFailure() << result.status.ToString() << "\n"
                                         << runner.LastText();
  }
  if (runner.last().empty() || runner.last().back() != "Command Result : No Error") {
    return ::testing::AssertionFailure() << "no 'Command Result : No Error':\n"
                                         << runner.LastText();
  }
  return ::testing::AssertionSuccess();
}

std::string RestoreLine(const std::string& partition, const std::string& extra) {
  return "partition archive restore -slot 2 -partition " + partition + " -password " +
         kNewPartitionPassword + (extra.empty() ? "" : " " + extra);
}


// --- Helpers for the backup clause tests. ---

UserPartition& UserAt(World& world, uint32_t slot) {
  Slot* s = world.FindSlot(slot);
  if (s == nullptr || !s->user) std::abort();
  return *s->user;
}

BackupHsm& HsmAt(World& world, uint32_t slot) {
  Slot* s = world.FindSlot(slot);
  if (s == nullptr || !s->backup) std::abort();
  return *s->backup;
}

const UserPartition& UserAt(const World& world, uint32_t slot) {
  return UserAt(const_cast<World&>(world), slot);
}

const BackupHsm& HsmAt(const World& world, uint32_t slot) {
  return HsmAt(const_cast<World&>(world), slot);
}

Fault VerifyFailFault(uint32_t source_handle) {
  Fault f;
  f.type = FaultType::kVerifyFail;
  f.handle = source_handle;
  return f;
}

Fault PartitionFullFault(uint32_t at) {
  Fault f;
  f.type = FaultType::kPartitionFull;
  f.at = at;
  return f;
}

Fault ShrinkFailFault() {
  Fault f;
  f.type = FaultType::kShrinkFail;
  return f;
}

std::string BackupLineFrom(const BackupArgs& a) {
  std::string line = "partition archive backup -slot " + std::to_string(a.slot);
  if (!a.partition.empty()) line += " -partition " + a.partition;
  if (!a.domain.empty()) line += " -domain " + a.domain;
  if (!a.password.empty()) line += " -password " + a.password;
  if (!a.sopassword.empty()) line += " -sopassword " + a.sopassword;
  if (!a.extra.empty()) line += " " + a.extra;
  return line;
}

std::string ArchiveContentsLine(const std::string& partition, const std::string& password) {
  return "partition archive contents -slot 2 -partition " + partition + " -password " + password;
}

std::string ArchiveDeleteLine(const std::string& partition) {
  return "partition archive delete -slot 2 -partition " + partition + " -sopassword " +
         kSoPassword + " -force";
}

uint64_t SumAllocated(const BackupHsm& hsm) {
  uint64_t sum = 0;
  for (const BackupPartition& p : hsm.partitions) sum += p.allocated;
  return sum;
}

bool ContainsBytes(ByteSpan haystack, ByteSpan needle) {
  if (needle.empty()) return false;
  return std::search(haystack.begin(), haystack.end(), needle.begin(), needle.end()) !=
         haystack.end();
}

}  // namespace hsmbackup::testing
