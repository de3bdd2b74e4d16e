// certificate-value-collides breaks OUT-ERROR: CKR_CERTIFICATE_INVALID, which
// has no public value, is printed with CKR_ARGUMENTS_BAD's (0x00000007). A
// real implementation gets this wrong by falling back to a generic value for
// a name missing from its table; a reader of the line then sees another code.
#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {

std::unique_ptr<ProtocolHook> MakeCertificateValueCollides() {
  return PrintValueFor(Ckr::kCertificateInvalid, 0x00000007);
}

}  // namespace hsmbackup::mutants
