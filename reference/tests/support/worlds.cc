#include "support/worlds.h"

#include <gtest/gtest.h>

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
  o.value.resize(size);
  for (size_t i = 0; i < size; ++i) o.value[i] = static_cast<uint8_t>(handle * 31 + i);
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

Result Runner::Do(const std::string& line, std::vector<std::string> answers) {
  CollectingSink sink;
  ScriptedPrompter prompter(std::move(answers));
  Result r = session_.Execute(line, sink, prompter);
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

}  // namespace hsmbackup::testing
