// echoes-password breaks OUT-NO-SECRETS: when a command fails, its error
// message quotes the command line as typed, passwords and domain included.
// A real implementation gets this wrong by adding "the command was: ..."
// to errors for support, without the redaction the echo path has.
//
// Built after the fact on every failed command.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

class EchoesPassword final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    if (result.status.ok()) return;
    std::string message = result.status.message();
    message += (message.empty() ? "" : " ") + std::string("(The command was: ") + line + ")";
    SetOutcome(result, transcript, result.code(), std::move(message));
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeEchoesPassword() { return std::make_unique<EchoesPassword>(); }

}  // namespace hsmbackup::mutants
