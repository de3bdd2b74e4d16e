// ped-restore-skips-so breaks OUT-PED: a restore from a PED-authenticated
// backup HSM never asks for the backup HSM's SO key, though Thales'
// procedure takes the SO's, the partition's and the domain's PED keys. A
// real implementation gets this wrong by sharing the password restore's
// steps, which log no SO in.
//
// Built by dropping the SO login and its PED line from the transcript.
#include <algorithm>
#include <cstddef>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class PedRestoreSkipsSo final : public ProtocolHook {
 public:
  void After(World& world, Session&, const std::string& line, Result&,
             std::vector<std::string>& transcript) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveRestore)) return;
    BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm == nullptr || hsm->auth != AuthMode::kPed) return;
    for (size_t i = 0; i < transcript.size(); ++i) {
      if (transcript[i].find("Logging in as the SO") == std::string::npos) continue;
      size_t end = i + 1;
      while (end < transcript.size() &&
             transcript[end].find("Please attend to the PED.") == std::string::npos) {
        ++end;
      }
      transcript.erase(transcript.begin() + static_cast<std::ptrdiff_t>(i),
                       transcript.begin() + static_cast<std::ptrdiff_t>(
                                                std::min(end + 1, transcript.size())));
      return;
    }
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakePedRestoreSkipsSo() {
  return std::make_unique<PedRestoreSkipsSo>();
}

}  // namespace hsmbackup::mutants
