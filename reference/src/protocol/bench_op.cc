#include "protocol/bench_op.h"

#include <algorithm>
#include <chrono>
#include <string>

#include "hsmbackup/engine.h"
#include "hsmbackup/env.h"
#include "hsmbackup/model.h"

namespace hsmbackup::protocol {
namespace {

using Json = nlohmann::json;

// Limits keep a request (or a fuzzer) from asking for more memory than a
// benchmark needs: 64 MiB of object values at most.
constexpr uint64_t kMaxCount = 1000000;
constexpr uint64_t kMaxPayload = 64ull << 20;
constexpr uint64_t kMaxRepetitions = 50;

class Discard final : public TranscriptSink {
 public:
  void Line(std::string_view) override {}
};

// BenchWorld: `count` secret keys of `size` bytes on a password partition of
// `kind` (slot 0) and an empty Backup HSM 7 with room for them (slot 2).
World BenchWorld(PartitionKind kind, uint64_t count, uint64_t size) {
  UserPartition p;
  p.label = "bench";
  p.serial = "1";
  p.kind = kind;
  p.firmware = kind == PartitionKind::kPre77 ? Version{7, 3, 0} : Version{7, 8, 0};
  p.domain = Secret("bench-domain");
  p.capacity = count * size + 1;
  p.co_password = Secret("bench-co-password");
  if (kind == PartitionKind::kV1) {
    Bytes smk(32);
    for (size_t i = 0; i < smk.size(); ++i) smk[i] = static_cast<uint8_t>(0x5A ^ i);
    p.smk = Secret(ByteSpan(smk));
  }
  p.objects.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    Object o;
    o.handle = static_cast<uint32_t>(100 + i);
    for (size_t b = 0; b < o.ouid.bytes.size(); ++b) {
      o.ouid.bytes[b] = static_cast<uint8_t>((i >> (8 * (b % 8))) + b);
    }
    o.object_class = ObjectClass::kSecretKey;
    o.label = "key-" + std::to_string(i);
    Bytes value(size);
    for (uint64_t v = 0; v < size; ++v) value[v] = static_cast<uint8_t>(i * 31 + v);
    o.value = Secret(std::move(value));
    p.objects.push_back(std::move(o));
  }
  p.handles.next = static_cast<uint32_t>(100 + count);
  BackupHsm h;
  h.model = BackupModel::kBackupHsm7;
  h.label = "bench-backup";
  h.serial = "2";
  h.firmware = Version{7, 7, 2};
  // Each object at its stored size: its value (a V1 object sealed, header and
  // tag well under 1 KiB more) plus the per-object overhead.
  h.capacity = count * (size + kBackupHsm7ObjectOverheadBytes + 1024) + kPartitionOverheadBytes + 1;
  h.so_password = Secret("bench-so-password");
  World w;
  Slot s0;
  s0.id = 0;
  s0.user = std::move(p);
  Slot s2;
  s2.id = 2;
  s2.backup = std::move(h);
  w.slots.push_back(std::move(s0));
  w.slots.push_back(std::move(s2));
  return w;
}

}  // namespace

Json RunBench(const Json& req) {
  auto bad = [](const std::string& why) {
    return Json{{"error", {{"code", "CKR_ARGUMENTS_BAD"}, {"message", why}}}};
  };
  const std::string kind_name = req.value("kind", std::string("v0"));
  PartitionKind kind;
  if (kind_name == "pre77") kind = PartitionKind::kPre77;
  else if (kind_name == "v0") kind = PartitionKind::kV0;
  else if (kind_name == "v1") kind = PartitionKind::kV1;
  else return bad("bench \"kind\" must be pre77, v0 or v1");
  auto number = [&](const char* key, uint64_t fallback, uint64_t lo, uint64_t hi,
                    uint64_t* out) -> bool {
    if (!req.contains(key)) {
      *out = fallback;
      return true;
    }
    if (!req[key].is_number_unsigned()) return false;
    *out = req[key].get<uint64_t>();
    return *out >= lo && *out <= hi;
  };
  uint64_t size = 0, count = 0, reps = 0;
  if (!number("size", 256, 1, kMaxObjectValueBytes, &size)) return bad("bench \"size\" must be 1..65536");
  if (!number("count", 1000, 1, kMaxCount, &count)) return bad("bench \"count\" must be 1..1000000");
  if (!number("repetitions", 5, 1, kMaxRepetitions, &reps)) return bad("bench \"repetitions\" must be 1..50");
  if (size * count > kMaxPayload) return bad("bench \"size\" x \"count\" must stay within 64 MiB");
  Json seconds = Json::array();
  double best = 0;
  for (uint64_t r = 0; r < reps; ++r) {
    World world = BenchWorld(kind, count, size);
    Session session(&world);
    Discard sink;
    ScriptedPrompter prompter({});
    if (!session.Execute("role login -name co -password bench-co-password", sink, prompter).status.ok()) {
      return bad("bench: the CO login failed");
    }
    const std::string line =
        "partition archive backup -slot 2 -partition bench -domain bench-domain "
        "-password bench-partition-pw -sopassword bench-so-password";
    const auto start = std::chrono::steady_clock::now();
    const Result result = session.Execute(line, sink, prompter);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (!result.status.ok()) return bad("bench: the backup failed (" + std::string(CkrName(result.code())) + ")");
    seconds.push_back(s);
    best = std::max(best, static_cast<double>(count) / std::max(s, 1e-9));
  }
  return Json{{"kind", kind_name}, {"size", size}, {"count", count},
              {"seconds", seconds}, {"best_objects_per_second", best}};
}

}  // namespace hsmbackup::protocol
