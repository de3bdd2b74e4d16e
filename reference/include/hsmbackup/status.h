// Result codes and error values.
//
// Every fallible function in the reference returns a `Status` or a
// `StatusOr<T>`: a PKCS#11/Luna return code (`Ckr`) plus a human message.
// The code is the contract; the message is for people and never contains a
// secret (password, domain string or key material).
#ifndef HSMBACKUP_STATUS_H_
#define HSMBACKUP_STATUS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace hsmbackup {

// Ckr is a PKCS#11 / Luna CK_RV value. The values are the ones in the PKCS#11
// and Luna headers (see shared/LUNA-FACTS.md), except kCertificateInvalid,
// for which no public value exists: the project uses 0x8000F001 from the
// vendor range and always prints the name next to it.
enum class Ckr : uint32_t {
  kOk = 0x00000000,
  kSlotIdInvalid = 0x00000003,
  kGeneralError = 0x00000005,
  kArgumentsBad = 0x00000007,
  kDataInvalid = 0x00000020,
  kDeviceError = 0x00000030,
  kDeviceMemory = 0x00000031,
  kFunctionCanceled = 0x00000050,
  kObjectHandleInvalid = 0x00000082,
  kPinIncorrect = 0x000000A0,
  kPinLenRange = 0x000000A2,
  kPinLocked = 0x000000A4,
  kTemplateInconsistent = 0x000000D1,
  kTokenNotPresent = 0x000000E0,
  kUserAlreadyLoggedIn = 0x00000100,
  kUserNotLoggedIn = 0x00000101,
  kUserTypeInvalid = 0x00000103,
  kUserLockedOut = 0x80000007,
  kHsmStorageFull = 0x8000002A,
  kContainerObjectStorageFull = 0x8000002C,
  kOperationNotAllowed = 0x80000030,
  kObjectAlreadyExists = 0x8000006F,
  kConfigFailsDependencies = 0x8000007D,
  kSmkIdNotFound = 0x80000099,
  kFailedToCloneAnObject = 0x80000106,
  kCloneNotAttempted = 0x80000107,
  kCertificateInvalid = 0x8000F001,
};

// CkrName returns the symbolic name, e.g. "CKR_PIN_INCORRECT", or
// "CKR_VENDOR_DEFINED" for a value this enum does not list.
std::string_view CkrName(Ckr code);

// CkrFromName parses a symbolic name back; nullopt if unknown.
std::optional<Ckr> CkrFromName(std::string_view name);

// FormatCkr renders a code the way every result line shows it:
// "0x80000030 (CKR_OPERATION_NOT_ALLOWED)".
std::string FormatCkr(Ckr code);

// Status is a result code with a message. A default Status is OK.
//
// The message is held behind a pointer that an OK status leaves null, so
// making, moving and destroying an OK status (the clone path passes a dozen
// per object) costs a word, not a std::string.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Ckr code, std::string message)
      : code_(code),
        message_(message.empty() ? nullptr
                                 : std::make_unique<const std::string>(std::move(message))) {}
  Status(const Status& other)
      : code_(other.code_),
        message_(other.message_ ? std::make_unique<const std::string>(*other.message_) : nullptr) {}
  Status(Status&& other) noexcept = default;
  Status& operator=(const Status& other) {
    if (this != &other) *this = Status(other);
    return *this;
  }
  Status& operator=(Status&& other) noexcept = default;
  ~Status() = default;

  bool ok() const { return code_ == Ckr::kOk; }
  Ckr code() const { return code_; }
  // message is one sentence for a person; never holds secrets.
  const std::string& message() const { return message_ ? *message_ : NoMessage(); }
  // ToString is "CKR_NAME: message".
  std::string ToString() const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message() == b.message();
  }

 private:
  static const std::string& NoMessage();

  Ckr code_ = Ckr::kOk;
  std::unique_ptr<const std::string> message_;  // null: no message
};

inline Status OkStatus() { return Status(); }

// StatusOr holds either a value or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) {
      v_ = Status(Ckr::kGeneralError, "StatusOr built from an OK status");
    }
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> v_;
};

// gtest and gMock find these by argument-dependent lookup, so a failing
// comparison prints `CKR_PIN_INCORRECT: message`, never the object's bytes.
// They live beside the types so that every translation unit that can print
// one sees the same printer (one declared only in a test header lets another
// test file instantiate gtest's byte dump, and the linker may keep either).
void PrintTo(Ckr code, std::ostream* os);
void PrintTo(const Status& status, std::ostream* os);
template <typename T>
void PrintTo(const StatusOr<T>& s, std::ostream* os) {
  if (s.ok()) {
    *os << "OK with a value";
  } else {
    PrintTo(s.status(), os);
  }
}

}  // namespace hsmbackup

// HSMB_RETURN_IF_ERROR returns the Status of `expr` from the calling function
// when it is not OK.
#define HSMB_CONCAT_INNER_(a, b) a##b
#define HSMB_CONCAT_(a, b) HSMB_CONCAT_INNER_(a, b)

#define HSMB_RETURN_IF_ERROR(expr) \
  HSMB_RETURN_IF_ERROR_IMPL_(HSMB_CONCAT_(hsmb_status_, __COUNTER__), expr)
#define HSMB_RETURN_IF_ERROR_IMPL_(var, expr) \
  do {                                        \
    ::hsmbackup::Status var = (expr);         \
    if (!var.ok()) return var;                \
  } while (0)

// HSMB_ASSIGN_OR_RETURN(lhs, expr) evaluates a StatusOr expression, returns
// its Status on error and otherwise moves the value into `lhs`.
#define HSMB_ASSIGN_OR_RETURN(lhs, expr) \
  HSMB_ASSIGN_OR_RETURN_IMPL_(HSMB_CONCAT_(hsmb_or_, __COUNTER__), lhs, expr)
#define HSMB_ASSIGN_OR_RETURN_IMPL_(var, lhs, expr) \
  auto var = (expr);                                \
  if (!var.ok()) return var.status();               \
  lhs = std::move(var).value()

#endif  // HSMBACKUP_STATUS_H_
