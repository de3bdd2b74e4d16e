// refuses-left-off-sopassword breaks AUTH-PROMPT: a backup to a password
// backup HSM whose line leaves off -sopassword is refused with
// CKR_ARGUMENTS_BAD instead of asking for the SO password, though the seed's
// syntax brackets -sopassword as optional. A real implementation gets this
// wrong by treating every credential option as required (what this
// reference did before it asked).
//
// Built by giving such a line a -sopassword without a value, which the
// parser refuses before anything runs.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class RefusesLeftOffSopassword final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || c->sopassword) return;
    const BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm != nullptr && hsm->auth == AuthMode::kPassword) line += " -sopassword";
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeRefusesLeftOffSopassword() {
  return std::make_unique<RefusesLeftOffSopassword>();
}

}  // namespace hsmbackup::mutants
