#include "hsmbackup/status.h"

#include <array>
#include <cstdio>
#include <utility>

namespace hsmbackup {
namespace {

constexpr std::array<std::pair<Ckr, std::string_view>, 27> kNames = {{
    {Ckr::kOk, "CKR_OK"},
    {Ckr::kSlotIdInvalid, "CKR_SLOT_ID_INVALID"},
    {Ckr::kGeneralError, "CKR_GENERAL_ERROR"},
    {Ckr::kArgumentsBad, "CKR_ARGUMENTS_BAD"},
    {Ckr::kDataInvalid, "CKR_DATA_INVALID"},
    {Ckr::kDeviceError, "CKR_DEVICE_ERROR"},
    {Ckr::kDeviceMemory, "CKR_DEVICE_MEMORY"},
    {Ckr::kFunctionCanceled, "CKR_FUNCTION_CANCELED"},
    {Ckr::kObjectHandleInvalid, "CKR_OBJECT_HANDLE_INVALID"},
    {Ckr::kPinIncorrect, "CKR_PIN_INCORRECT"},
    {Ckr::kPinLenRange, "CKR_PIN_LEN_RANGE"},
    {Ckr::kPinLocked, "CKR_PIN_LOCKED"},
    {Ckr::kTemplateInconsistent, "CKR_TEMPLATE_INCONSISTENT"},
    {Ckr::kTokenNotPresent, "CKR_TOKEN_NOT_PRESENT"},
    {Ckr::kUserAlreadyLoggedIn, "CKR_USER_ALREADY_LOGGED_IN"},
    {Ckr::kUserNotLoggedIn, "CKR_USER_NOT_LOGGED_IN"},
    {Ckr::kUserTypeInvalid, "CKR_USER_TYPE_INVALID"},
    {Ckr::kUserLockedOut, "CKR_USER_LOCKED_OUT"},
    {Ckr::kHsmStorageFull, "CKR_HSM_STORAGE_FULL"},
    {Ckr::kContainerObjectStorageFull, "CKR_CONTAINER_OBJECT_STORAGE_FULL"},
    {Ckr::kOperationNotAllowed, "CKR_OPERATION_NOT_ALLOWED"},
    {Ckr::kObjectAlreadyExists, "CKR_OBJECT_ALREADY_EXISTS"},
    {Ckr::kConfigFailsDependencies, "CKR_CONFIG_FAILS_DEPENDENCIES"},
    {Ckr::kSmkIdNotFound, "CKR_SMK_ID_NOT_FOUND"},
    {Ckr::kFailedToCloneAnObject, "CKR_FAILED_TO_CLONE_AN_OBJECT"},
    {Ckr::kCloneNotAttempted, "CKR_CLONE_NOT_ATTEMPTED"},
    {Ckr::kCertificateInvalid, "CKR_CERTIFICATE_INVALID"},
}};

}  // namespace

std::string_view CkrName(Ckr code) {
  for (const auto& [c, name] : kNames) {
    if (c == code) return name;
  }
  return "CKR_VENDOR_DEFINED";
}

std::optional<Ckr> CkrFromName(std::string_view name) {
  for (const auto& [c, n] : kNames) {
    if (n == name) return c;
  }
  return std::nullopt;
}

std::string FormatCkr(Ckr code) {
  char hex[16];
  std::snprintf(hex, sizeof(hex), "0x%08X", static_cast<uint32_t>(code));
  return std::string(hex) + " (" + std::string(CkrName(code)) + ")";
}

std::string Status::ToString() const {
  if (ok()) return "CKR_OK";
  return std::string(CkrName(code_)) + ": " + message();
}

const std::string& Status::NoMessage() {
  static const std::string kEmpty;
  return kEmpty;
}

void PrintTo(Ckr code, std::ostream* os) { *os << FormatCkr(code); }

void PrintTo(const Status& status, std::ostream* os) { *os << status.ToString(); }

}  // namespace hsmbackup
