// Engine internals shared by the operations in src/engine/. Nothing outside
// the engine includes this.
#ifndef HSMBACKUP_SRC_ENGINE_INTERNAL_H_
#define HSMBACKUP_SRC_ENGINE_INTERNAL_H_

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "hsmbackup/command.h"
#include "hsmbackup/engine.h"
#include "hsmbackup/model.h"
#include "hsmbackup/status.h"
#include "hsmbackup/transfer.h"

namespace hsmbackup {

// SessionAccess lets the operations reach a Session's private state.
class SessionAccess {
 public:
  static World& world(Session& s) { return *s.world_; }
  static uint32_t& current_slot(Session& s) { return s.current_slot_; }
  static std::map<uint32_t, Role>& logins(Session& s) { return s.logged_in_; }
  static KeyCache& keys(Session& s) { return s.keys_; }
  static const SessionOptions& options(const Session& s) { return s.options_; }
};

namespace engine {

// Out writes lunacm's layout: paragraphs separated by one blank line.
class Out {
 public:
  Out(TranscriptSink& sink, bool debug) : sink_(sink), debug_(debug) {}
  // Para starts a new paragraph (a blank line before all but the first).
  void Para(std::string_view line);
  // Line continues the current paragraph.
  void Line(std::string_view line) { sink_.Line(line); }
  // Debug adds a paragraph only under -debug.
  void Debug(std::string_view line);
  // Ped prints the PED prompt paragraph when `auth` is PED (OUT-PED).
  void Ped(AuthMode auth);
  // Gap starts a paragraph without a line: what a prompt follows.
  void Gap();
  // Answered records a prompt and its answer in the current paragraph.
  void Answered(std::string_view prompt, std::string_view answer);

 private:
  TranscriptSink& sink_;
  bool debug_;
  bool first_ = true;
};

// Ctx is what every operation gets.
struct Ctx {
  Session& session;
  World& world;
  const Command& cmd;
  Out& out;
  Prompter& prompter;

  uint32_t current_slot() const { return SessionAccess::current_slot(session); }
  bool LoggedInAs(uint32_t slot, Role role) const {
    return session.LoggedIn(slot, role);
  }
};

inline constexpr std::string_view kProceedPrompt =
    "Type 'proceed' to continue, or 'quit' to quit now ->";

// Confirm prints the preamble paragraphs and asks proceed/quit, unless
// -force was given. Returns CKR_FUNCTION_CANCELED unless the answer is
// `proceed` (OPT-SMKONLY-CONFIRM, OPT-REPLACE-CONFIRM, OPT-FORCE).
Status Confirm(Ctx& ctx, std::initializer_list<std::string_view> preamble);

// The current slot as a user partition, or CKR_SLOT_ID_INVALID /
// CKR_TOKEN_NOT_PRESENT (zeroized).
StatusOr<UserPartition*> CurrentUserPartition(Ctx& ctx);
// RequireCo fails with CKR_USER_NOT_LOGGED_IN unless the Crypto Officer is
// logged in to the current slot (AUTH-CO).
Status RequireCo(Ctx& ctx, std::string_view what);

// ResolveBackupSlot maps -slot to a backup HSM slot id (OPT-SLOT).
StatusOr<uint32_t> ResolveBackupSlot(const World& world, const SlotRef& ref);
// BackupHsmAt returns the backup HSM of a resolved slot; zeroized → error.
StatusOr<BackupHsm*> BackupHsmAt(World& world, uint32_t slot_id);

// CheckCredentialOptions refuses credential options on a PED device, which
// takes none (the PED does: PROJ-PED-CREDENTIALS). On a password device a
// credential left off the line is asked for later (AskMissing).
Status CheckCredentialOptions(const Command& cmd, AuthMode auth);

// AskMissing asks for a credential its option did not give (AUTH-PROMPT),
// after every check that needs no login and before anything changes: if
// `*field` is empty it shows `prompt` in its own paragraph, reads the secret
// without echo and records it as kSecretEcho. No answer (or an empty one)
// is CKR_ARGUMENTS_BAD, naming the option; the secret is never shown.
Status AskMissing(Ctx& ctx, Credential what, const std::string& prompt,
                  std::optional<Secret>* field);

// AskPartitionPassword completes `full` with the password of backup
// partition `part` when `hsm` is password-authenticated and the line left
// it off (AskMissing); restore and contents open a partition this way.
Status AskPartitionPassword(Ctx& ctx, const BackupHsm& hsm, const BackupPartition& part,
                            Command* full);

// LoginSo logs in as the backup HSM's SO (AUTH-SO), counting failures;
// the third consecutive failure zeroizes the device (AUTH-LOCKOUT).
Status LoginSo(Ctx& ctx, BackupHsm& hsm, uint32_t slot_id);
// LoginContainer logs in to a backup partition with its PO credential.
Status LoginContainer(Ctx& ctx, const BackupHsm& hsm, BackupPartition& part,
                      uint32_t slot_id);

// FindBackupPartition returns the named partition or nullptr.
BackupPartition* FindBackupPartition(BackupHsm& hsm, std::string_view name);

// Faults from the world that apply to a backup slot. Inline for the common
// world without faults: the clone loop asks twice per object.
bool HasFaultIn(const World& world, FaultType type, uint32_t slot_id, uint32_t value);
inline bool HasFault(const World& world, FaultType type, uint32_t slot_id,
                     uint32_t value = 0) {
  return !world.faults.empty() && HasFaultIn(world, type, slot_id, value);
}

// CheckObjectsOption applies OPT-OBJECTS-CLIENT.
Status CheckObjectsOption(const Ctx& ctx);

// SenderFor and ReceiverFor seal and open under `domain`'s key, derived
// through the session's KeyCache (once per domain and session).
StatusOr<Sender> SenderFor(Ctx& ctx, const Secret& domain, PartitionKind kind);
StatusOr<Receiver> ReceiverFor(Ctx& ctx, const Secret& domain);

// Plural renders "1 object" / "6 objects".
std::string Plural(size_t n, std::string_view noun);

Status RunBackup(Ctx& ctx);
Status RunRestore(Ctx& ctx);
Status RunArchiveList(Ctx& ctx);
Status RunArchiveContents(Ctx& ctx);
Status RunArchiveDelete(Ctx& ctx);

}  // namespace engine
}  // namespace hsmbackup

#endif  // HSMBACKUP_SRC_ENGINE_INTERNAL_H_
