#include "bench_world.h"

#include <cstdio>
#include <cstdlib>

#include "hsmbackup/env.h"

namespace hsmbackup::bench {

Object MakeObject(uint32_t handle, size_t size) {
  Object o;
  o.handle = handle;
  for (size_t i = 0; i < o.ouid.bytes.size(); ++i) {
    o.ouid.bytes[i] = static_cast<uint8_t>((handle >> (8 * (i % 4))) + i);
  }
  o.object_class = ObjectClass::kSecretKey;
  o.label = "key-" + std::to_string(handle);
  o.attributes = {{"CKA_SENSITIVE", "true"}, {"CKA_TOKEN", "true"}};
  Bytes value(size);
  for (size_t i = 0; i < size; ++i) value[i] = static_cast<uint8_t>(handle * 31 + i);
  o.value = Secret(std::move(value));
  return o;
}

World MakeWorld(PartitionKind kind, size_t objects, size_t size) {
  const uint64_t payload = static_cast<uint64_t>(objects) * size;
  UserPartition p;
  p.label = "src";
  p.serial = "1238696044";
  p.kind = kind;
  p.firmware = kind == PartitionKind::kPre77 ? Version{7, 3, 0} : Version{7, 8, 0};
  p.domain = Secret(kDomain);
  p.capacity = 2 * payload + (1 << 20);
  p.co_password = Secret(kCoPassword);
  p.po_password = Secret("poPassw0rd!");
  if (kind == PartitionKind::kV1) {
    Bytes smk(32);
    for (size_t i = 0; i < smk.size(); ++i) smk[i] = static_cast<uint8_t>(0xA0 + i);
    p.smk = Secret(ByteSpan(smk));
  }
  p.objects.reserve(objects);
  for (size_t i = 0; i < objects; ++i) {
    p.objects.push_back(MakeObject(static_cast<uint32_t>(100 + i), size));
  }
  p.handles.next = static_cast<uint32_t>(100 + objects);

  BackupHsm h;
  h.model = BackupModel::kBackupHsm7;
  h.label = "backup";
  h.serial = "7000123";
  h.firmware = Version{7, 7, 2};
  // Room for two backups, each object at its stored size: its value (a V1
  // object sealed: header and tag, well under kBenchSealMargin more) plus
  // the backup HSM's per-object overhead.
  constexpr uint64_t kBenchSealMargin = 1024;
  h.capacity = 2 * (payload + objects * (kBackupHsm7ObjectOverheadBytes + kBenchSealMargin) +
                    kPartitionOverheadBytes) +
               (1 << 20);
  h.so_password = Secret(kSoPassword);
  h.handles.next = 1;

  World w;
  w.client = Version{10, 4, 0};
  w.default_domain = Secret("defaultdomain");
  w.clock.now = *ParseIso8601("2019-03-09T16:52:47Z");
  Slot s0;
  s0.id = kUserSlot;
  s0.user = std::move(p);
  Slot s2;
  s2.id = kBackupSlot;
  s2.backup = std::move(h);
  w.slots.push_back(std::move(s0));
  w.slots.push_back(std::move(s2));
  return w;
}

std::string LoginCoLine() { return std::string("role login -name co -password ") + kCoPassword; }

std::string BackupLine(std::string_view partition) {
  return "partition archive backup -slot 2 -partition " + std::string(partition) + " -domain " +
         kDomain + " -password " + kPartitionPassword + " -sopassword " + kSoPassword;
}

std::string RestoreLine(std::string_view partition) {
  return "partition archive restore -slot 2 -partition " + std::string(partition) +
         " -password " + kPartitionPassword;
}

std::string ListLine() {
  return std::string("partition archive list -slot 2 -sopassword ") + kSoPassword;
}

std::string ContentsLine(std::string_view partition) {
  return "partition archive contents -slot 2 -partition " + std::string(partition) +
         " -password " + kPartitionPassword;
}

UserPartition& UserOf(World& world) { return *world.FindSlot(kUserSlot)->user; }
BackupHsm& HsmOf(World& world) { return *world.FindSlot(kBackupSlot)->backup; }

void RunOrDie(Session& session, const std::string& line, TranscriptSink& sink) {
  AnswerProceed prompter;
  Result r = session.Execute(line, sink, prompter);
  if (!r.status.ok()) {
    std::fprintf(stderr, "bench: '%s' failed: %s\n", line.c_str(), r.status.ToString().c_str());
    std::abort();
  }
}

const char* KindLabel(PartitionKind kind) { return KindToken(kind); }

}  // namespace hsmbackup::bench
