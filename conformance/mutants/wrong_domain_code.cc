// wrong-domain-code breaks DOM-ERROR-CODE: a domain mismatch is reported as
// CKR_FAILED_TO_CLONE_AN_OBJECT instead of CKR_CERTIFICATE_INVALID. A real
// implementation gets this wrong by mapping every per-object failure of the
// clone to one generic code, losing why the target refused the blob.
//
// Built after the fact: the code, the result line and every mention of the
// name in the transcript are rewritten.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

constexpr std::string_view kRight = "CKR_CERTIFICATE_INVALID";
constexpr std::string_view kWrong = "CKR_FAILED_TO_CLONE_AN_OBJECT";

class WrongDomainCode final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string&, Result& result,
             std::vector<std::string>& transcript) override {
    if (result.code() != Ckr::kCertificateInvalid) return;
    SetOutcome(result, transcript, Ckr::kFailedToCloneAnObject,
               ReplaceAll(result.status.message(), kRight, kWrong));
    ReplaceInLines(transcript, kRight, kWrong);
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeWrongDomainCode() { return std::make_unique<WrongDomainCode>(); }

}  // namespace hsmbackup::mutants
