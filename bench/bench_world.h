// Worlds built in code for the benchmarks (no test code is linked).
#ifndef HSMBACKUP_BENCH_BENCH_WORLD_H_
#define HSMBACKUP_BENCH_BENCH_WORLD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "hsmbackup/engine.h"
#include "hsmbackup/model.h"

namespace hsmbackup::bench {

inline constexpr char kCoPassword[] = "coPassw0rd!";
inline constexpr char kSoPassword[] = "backupSOpwd";
inline constexpr char kDomain[] = "clientdomain";
inline constexpr char kPartitionPassword[] = "newPa$$w0rd";
inline constexpr uint32_t kUserSlot = 0;
inline constexpr uint32_t kBackupSlot = 2;

// DiscardSink drops every line; it counts them so the work is not elided.
class DiscardSink final : public TranscriptSink {
 public:
  void Line(std::string_view line) override { bytes += line.size() + 1; }
  size_t bytes = 0;
};

// AnswerProceed answers every prompt with "proceed".
class AnswerProceed final : public Prompter {
 public:
  std::string Ask(std::string_view) override { return "proceed"; }
};

// MakeObject builds a secret key of `size` value bytes whose OUID and value
// derive from `handle`, with two attributes and a short label (as the tests).
Object MakeObject(uint32_t handle, size_t size);

// MakeWorld: a password user partition of `kind` in slot 0 with `objects`
// objects of `size` bytes (handles 100, 101, ...), a Backup HSM 7 (firmware
// 7.7.2, SKS) in slot 2 with room for two backups of them.
World MakeWorld(PartitionKind kind, size_t objects, size_t size);

// The lunacm lines the benchmarks run.
std::string LoginCoLine();
std::string BackupLine(std::string_view partition = "bk");
std::string RestoreLine(std::string_view partition = "bk");
std::string ListLine();
std::string ContentsLine(std::string_view partition = "bk");

UserPartition& UserOf(World& world);
BackupHsm& HsmOf(World& world);

// Run executes one line and aborts with the transcript's error on failure:
// a benchmark that measures a failing command measures nothing.
void RunOrDie(Session& session, const std::string& line, TranscriptSink& sink);

const char* KindLabel(PartitionKind kind);  // "pre77", "v0", "v1"

}  // namespace hsmbackup::bench

#endif  // HSMBACKUP_BENCH_BENCH_WORLD_H_
