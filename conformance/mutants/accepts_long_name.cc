// accepts-long-name breaks OPT-PARTITION-MAXLEN: a -partition name longer
// than 32 characters is accepted, and the backup partition is created (and
// later found) under the full name. A real implementation gets this wrong
// by passing the name straight to the device without the PKCS#11 label
// limit check.
//
// Built by handing the engine a short stand-in for the long name (and
// renaming a partition that already has the long name to it) for the one
// command, then restoring the long name in the world and the transcript.
#include <cctype>
#include <string>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

constexpr std::string_view kStandIn = "mutant-long-name-stand-in";

// IsPartitionOption matches -partition and its abbreviations (-par...).
bool IsPartitionOption(std::string token) {
  for (char& ch : token) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return token.size() >= 4 && std::string_view("-partition").substr(0, token.size()) == token;
}

void Rename(World& world, std::string_view from, std::string_view to) {
  for (Slot& s : world.slots) {
    if (!s.backup) continue;
    for (BackupPartition& p : s.backup->partitions) {
      if (p.name == from) p.name = std::string(to);
    }
  }
}

class AcceptsLongName final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string& line, std::vector<std::string>&) override {
    long_name_.clear();
    StatusOr<std::vector<std::string>> tokens = Tokenize(line);
    if (!tokens.ok()) return;
    for (size_t i = 0; i + 1 < tokens->size(); ++i) {
      const std::string& value = (*tokens)[i + 1];
      if (!IsPartitionOption((*tokens)[i]) || value.size() <= kMaxLabelLength) continue;
      const size_t at = line.find(value);
      if (at == std::string::npos) return;
      long_name_ = value;
      line.replace(at, value.size(), kStandIn);
      Rename(world, long_name_, kStandIn);
      return;
    }
  }
  void After(World& world, Session&, const std::string&, Result& result,
             std::vector<std::string>& transcript) override {
    if (long_name_.empty()) return;
    Rename(world, kStandIn, long_name_);
    ReplaceInLines(transcript, kStandIn, long_name_);
    if (!result.status.ok()) {
      result.status =
          Status(result.code(), ReplaceAll(result.status.message(), kStandIn, long_name_));
    }
    long_name_.clear();
  }

 private:
  std::string long_name_;
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeAcceptsLongName() { return std::make_unique<AcceptsLongName>(); }

}  // namespace hsmbackup::mutants
