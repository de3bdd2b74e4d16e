// Readings: the reference taking, each, another reading of a choice the seed
// leaves open (clauses.json `accepts`). Unlike the mutants they are not
// faults: the suite must pass every one of them, which shows that it judges
// only what the seed fixes. `hsmbackup-mutant --list-readings` lists them.
#include <algorithm>
#include <cctype>
#include <cstdio>
#include <initializer_list>
#include <sstream>
#include <string_view>

#include "helpers.h"
#include "mutant.h"
#include "readings_options.h"

namespace hsmbackup::mutants {
namespace {

// OutOfRoomRotated answers each out-of-room code with the next of the three
// the seed leaves open: a full partition as CKR_HSM_STORAGE_FULL, a backup
// that does not fit as CKR_DEVICE_MEMORY, a restore without room as
// CKR_CONTAINER_OBJECT_STORAGE_FULL. Name, value and message follow.
class OutOfRoomRotated final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string&, Result& result,
             std::vector<std::string>& transcript) override {
    static constexpr std::pair<Ckr, Ckr> kNext[] = {
        {Ckr::kContainerObjectStorageFull, Ckr::kHsmStorageFull},
        {Ckr::kHsmStorageFull, Ckr::kDeviceMemory},
        {Ckr::kDeviceMemory, Ckr::kContainerObjectStorageFull}};
    for (const auto& [from, to] : kNext) {
      if (result.code() != from) continue;
      const std::string_view old_name = CkrName(from), new_name = CkrName(to);
      SetOutcome(result, transcript, to, ReplaceAll(result.status.message(), old_name, new_name));
      ReplaceInLines(transcript, old_name, new_name);
      return;
    }
  }
};

// OwnCodeGeneral answers CKR_GENERAL_ERROR wherever the reference's code is
// one the seed and the facts do not name (clauses.json "own-code"): an
// existing name, a failed re-size, a backup name that does not exist, the
// firmware, mode, policy and SMK refusals, out of room, a handle -objects
// names that is not there, a password too short, a blob the backup HSM or
// the partition rejects (world fault verify_fail), a V1 restore into a
// partition holding another SMK.
class OwnCodeGeneral final : public ProtocolHook {
 public:
  void After(World&, Session&, const std::string&, Result& result,
             std::vector<std::string>& transcript) override {
    static constexpr Ckr kOwn[] = {
        Ckr::kObjectAlreadyExists, Ckr::kDeviceError,  Ckr::kOperationNotAllowed,
        Ckr::kHsmStorageFull,      Ckr::kDeviceMemory, Ckr::kContainerObjectStorageFull,
        Ckr::kObjectHandleInvalid, Ckr::kPinLenRange,  Ckr::kFailedToCloneAnObject};
    const Ckr code = result.code();
    // CKR_TOKEN_NOT_PRESENT is also a zeroized device's (AUTH-LOCKOUT), whose
    // code PKCS#11 names: only the missing name's is changed.
    const bool missing_name =
        code == Ckr::kTokenNotPresent &&
        result.status.message().find("There is no backup partition") != std::string::npos;
    const bool other_smk =
        code == Ckr::kSmkIdNotFound &&
        result.status.message().find("is not the one these objects") != std::string::npos;
    if (!missing_name && !other_smk &&
        std::find(std::begin(kOwn), std::end(kOwn), code) == std::end(kOwn)) {
      return;
    }
    const std::string_view old_name = CkrName(code), new_name = CkrName(Ckr::kGeneralError);
    SetOutcome(result, transcript, Ckr::kGeneralError,
               ReplaceAll(result.status.message(), old_name, new_name));
    ReplaceInLines(transcript, old_name, new_name);
  }
};

// Refuse makes the command end with `code` and `message`, its transcript
// only that refusal.
void Refuse(Result& result, std::vector<std::string>& transcript, Ckr code, std::string message) {
  transcript.clear();
  SetOutcome(result, transcript, code, std::move(message));
}

// Withdraw undoes a command the reference carried out: `world` back to
// `saved` (which it empties), and the command refused instead.
void Withdraw(World& world, std::optional<World>& saved, Result& result,
              std::vector<std::string>& transcript, Ckr code, std::string message) {
  world = std::move(*saved);
  saved.reset();
  Refuse(result, transcript, code, std::move(message));
}

// AppendNeedsExisting refuses -append to a backup partition that does not
// exist, changing nothing.
class AppendNeedsExisting final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string& line, std::vector<std::string>&) override {
    saved_.reset();
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || !c->append || !c->partition) return;
    BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm == nullptr || std::any_of(hsm->partitions.begin(), hsm->partitions.end(),
                                      [&](const BackupPartition& p) {
                                        return p.name == *c->partition;
                                      })) {
      return;
    }
    saved_ = world;
    name_ = *c->partition;
  }
  void After(World& world, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    if (!saved_) return;
    // Only where the reference went on to create the partition: every
    // other refusal comes first either way.
    std::optional<Command> c = Parse(line);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm == nullptr || std::none_of(hsm->partitions.begin(), hsm->partitions.end(),
                                       [&](const BackupPartition& p) { return p.name == name_; })) {
      saved_.reset();
      return;
    }
    Withdraw(world, saved_, result, transcript, Ckr::kTokenNotPresent,
             "There is no backup partition " + name_ + " to append to.");
  }

 private:
  std::optional<World> saved_;
  std::string name_;
};

// AppendNeedsSmk refuses -append from a V1 partition to a V1 backup
// partition that holds no SMK (its SMK clone failed): no SMK is "the same
// SMK". Refused where PROJ-APPEND-ORIGIN refuses, before the SO login,
// changing nothing.
class AppendNeedsSmk final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    saved_.reset();
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || !c->append || c->replace || !c->partition) return;
    const UserPartition* source = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (source == nullptr || source->kind != PartitionKind::kV1 || hsm == nullptr) return;
    const BackupPartition* part = FindPartition(*hsm, *c->partition);
    if (part == nullptr || part->origin != PartitionKind::kV1 || !part->smk_blob.empty()) return;
    saved_ = world;
    name_ = *c->partition;
  }
  void After(World& world, Session&, const std::string&, Result& result,
             std::vector<std::string>& transcript) override {
    // Only where the reference passed every check before the SO login:
    // a refusal it made earlier comes first either way.
    if (!saved_ || std::none_of(transcript.begin(), transcript.end(), [](const std::string& l) {
          return l.rfind("Logging in as the SO", 0) == 0;
        })) {
      saved_.reset();
      return;
    }
    Withdraw(world, saved_, result, transcript, Ckr::kOperationNotAllowed,
             "The backup partition " + name_ + " holds no SMK to append to.");
  }

 private:
  std::optional<World> saved_;
  std::string name_;
};

// Policy55OnlyRestricts reads HSM policy 55 as a restriction only: off, it
// holds no pre-7.7 backup back from a V0 or V1 partition (a V0 one still
// needs firmware 7.7.2 and policy 42). The reference's own rule with the
// policy on says exactly that for those targets, so the mutant turns it on
// for the one restore and back off afterwards.
class Policy55OnlyRestricts final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>&) override {
    slot_.reset();
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveRestore) || !c->partition) return;
    const UserPartition* target = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    if (target == nullptr || target->kind == PartitionKind::kPre77 || hsm == nullptr ||
        hsm->restricted_restore) {
      return;
    }
    const BackupPartition* part = FindPartition(*hsm, *c->partition);
    if (part == nullptr || part->origin != PartitionKind::kPre77) return;
    hsm->restricted_restore = true;
    slot_ = TargetSlot(world, *c);
  }
  void After(World& world, Session&, const std::string&, Result&,
             std::vector<std::string>&) override {
    if (!slot_) return;
    if (Slot* s = world.FindSlot(*slot_); s != nullptr && s->backup) {
      s->backup->restricted_restore = false;
    }
    slot_.reset();
  }

 private:
  std::optional<uint32_t> slot_;
};

// RollbackOnStop removes what a V0/V1 backup cloned before it stopped.
class RollbackOnStop final : public ProtocolHook {
 public:
  void After(World& world, Session& session, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    std::optional<Command> c = Parse(line);
    if (!Is(c, Verb::kArchiveBackup) || result.code() != Ckr::kFailedToCloneAnObject) return;
    const UserPartition* source = CurrentUser(world, session);
    BackupHsm* hsm = TargetHsm(world, *c);
    const std::string name = ContainerName(transcript);
    if (source == nullptr || source->kind == PartitionKind::kPre77 || hsm == nullptr) return;
    std::vector<uint32_t> new_handles;
    for (const std::string& l : transcript) {
      const size_t at = l.find("(new handle ");
      if (l.rfind("Cloned object ", 0) == 0 && at != std::string::npos) {
        new_handles.push_back(static_cast<uint32_t>(std::stoul(l.substr(at + 12))));
      }
    }
    for (BackupPartition& p : hsm->partitions) {
      if (p.name != name) continue;
      std::erase_if(p.objects, [&](const BackupObject& b) {
        return std::find(new_handles.begin(), new_handles.end(), b.object.handle) !=
               new_handles.end();
      });
      if (hsm->model == BackupModel::kBackupHsm7 && p.allocated > p.used(hsm->model) &&
          transcript.end() == std::find_if(transcript.begin(), transcript.end(),
                                           [](const std::string& l) {
                                             return l.rfind("Re-sizing", 0) == 0;
                                           })) {
        p.allocated = p.used(hsm->model);
      }
    }
  }
};

// ShrinkOnSuccessOnly re-sizes a Backup HSM 7 partition only "once all of
// the objects have been successfully cloned" (seed): a backup that began
// checking its objects ("Verifying that all ...") and failed (a policy, a
// domain mismatch, a failed object) leaves its partition holding all the
// free space. One reverted for room (FULL-REVERT) is left as it is.
class ShrinkOnSuccessOnly final : public ProtocolHook {
 public:
  void After(World& world, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    std::optional<Command> c = Parse(line);
    const Ckr code = result.code();
    if (!Is(c, Verb::kArchiveBackup) || result.status.ok() ||
        code == Ckr::kContainerObjectStorageFull || code == Ckr::kHsmStorageFull ||
        code == Ckr::kDeviceMemory) {
      return;
    }
    BackupHsm* hsm = TargetHsm(world, *c);
    const std::string name = ContainerName(transcript);
    const bool cloning =
        std::find(transcript.begin(), transcript.end(),
                  "Verifying that all objects can be backed up...") != transcript.end();
    if (hsm == nullptr || hsm->model != BackupModel::kBackupHsm7 || name.empty() || !cloning) {
      return;
    }
    const uint64_t free = hsm->free_bytes();
    for (BackupPartition& p : hsm->partitions) {
      if (p.name == name) p.allocated += free;
    }
  }
};

// SoLoginFirst logs the SO in before the checks that need no login: a
// refused command with a wrong -sopassword answers CKR_PIN_INCORRECT and
// counts; with the right one the count starts again.
class SoLoginFirst final : public ProtocolHook {
 public:
  void After(World& world, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    std::optional<Command> c = Parse(line);
    if (!c || result.status.ok() || !c->sopassword) return;
    if (c->verb != Verb::kArchiveBackup && c->verb != Verb::kArchiveDelete &&
        c->verb != Verb::kArchiveList) {
      return;
    }
    const Ckr code = result.code();
    if (code == Ckr::kPinIncorrect || code == Ckr::kPinLocked ||
        code == Ckr::kFunctionCanceled) {
      return;
    }
    BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm == nullptr || hsm->zeroized || hsm->auth != AuthMode::kPassword) return;
    // Only refusals the reference makes before its own SO login qualify.
    if (std::any_of(transcript.begin(), transcript.end(), [](const std::string& l) {
          return l.rfind("Logging in as the SO", 0) == 0;
        })) {
      return;
    }
    if (hsm->so_password == *c->sopassword) {
      hsm->so_lockout.failures = 0;
      return;
    }
    if (++hsm->so_lockout.failures >= 3) {
      hsm->zeroized = true;
      hsm->partitions.clear();
      hsm->so_lockout.failures = 0;
    }
    Refuse(result, transcript, Ckr::kPinIncorrect, "Incorrect SO password.");
  }
};

// CredentialsOnLine refuses, asking nothing, a restore, contents, list or
// delete on a password backup HSM whose line leaves off the credential it
// needs (AUTH-PROMPT `accepts`: the seed gives no syntax for them), and a
// backup that leaves off -password (which the seed's syntax requires), by
// giving the option without a value, which the parser refuses.
class CredentialsOnLine final : public ProtocolHook {
 public:
  void Before(World& world, Session&, std::string& line, std::vector<std::string>&) override {
    std::optional<Command> c = Parse(line);
    if (!c) return;
    const BackupHsm* hsm = TargetHsm(world, *c);
    if (hsm == nullptr || hsm->auth != AuthMode::kPassword) return;
    const bool wants_password = c->verb == Verb::kArchiveRestore ||
                                c->verb == Verb::kArchiveContents ||
                                c->verb == Verb::kArchiveBackup;
    const bool wants_so = c->verb == Verb::kArchiveList || c->verb == Verb::kArchiveDelete;
    if (wants_password && !c->password) line += " -password";
    if (wants_so && !c->sopassword) line += " -sopassword";
  }
};

// NamesArchive is true when `line`'s first three words name `partition
// archive <verb>` for one of `verbs` (each word whole or a prefix of it,
// in any case), whether or not the rest of the line parses.
bool NamesArchive(const std::string& line, std::initializer_list<std::string_view> verbs) {
  std::istringstream in(line);
  std::string words[3];
  for (std::string& w : words) {
    if (!(in >> w)) return false;
    std::transform(w.begin(), w.end(), w.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  }
  auto prefix_of = [](const std::string& w, std::string_view full) {
    return full.substr(0, w.size()) == w;
  };
  return prefix_of(words[0], "partition") && prefix_of(words[1], "archive") &&
         std::any_of(verbs.begin(), verbs.end(),
                     [&](std::string_view v) { return prefix_of(words[2], v); });
}

// LoginFirst looks at the current partition and the Crypto Officer's login
// before the line's syntax: a backup or restore line the parser refuses
// answers, when nobody is logged in as the CO, CKR_USER_NOT_LOGGED_IN (or
// the current slot's own refusal) instead of CKR_ARGUMENTS_BAD.
class LoginFirst final : public ProtocolHook {
 public:
  void After(World& world, Session& session, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    // The reference refuses what it cannot parse before it looks at the
    // session, so CKR_ARGUMENTS_BAD from a session without the CO is the
    // parser's (every later refusal would have been the login's).
    if (result.code() != Ckr::kArgumentsBad || !NamesArchive(line, {"backup", "restore"})) return;
    const Slot* slot = world.FindSlot(session.current_slot());
    if (slot == nullptr || !slot->user) {
      Refuse(result, transcript, Ckr::kSlotIdInvalid, "The current slot is not a user partition.");
    } else if (slot->user->zeroized) {
      Refuse(result, transcript, Ckr::kTokenNotPresent, "The current partition is zeroized.");
    } else if (!session.LoggedIn(session.current_slot(), Role::kCo)) {
      Refuse(result, transcript, Ckr::kUserNotLoggedIn, "Log in as the Crypto Officer first.");
    }
  }
};

// Both takes two readings at once (PROTOCOL.md: readings the seed allows
// together must pass together): each hook's Before, then each one's After,
// in the order given.
class Both final : public ProtocolHook {
 public:
  Both(std::unique_ptr<ProtocolHook> a, std::unique_ptr<ProtocolHook> b)
      : a_(std::move(a)), b_(std::move(b)) {}
  void Before(World& world, Session& session, std::string& line,
              std::vector<std::string>& answers) override {
    a_->Before(world, session, line, answers);
    b_->Before(world, session, line, answers);
  }
  void After(World& world, Session& session, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    a_->After(world, session, line, result, transcript);
    b_->After(world, session, line, result, transcript);
  }

 private:
  std::unique_ptr<ProtocolHook> a_, b_;
};

// RevertOnStop puts the backup HSM back as it was before a V0/V1 backup
// that stopped at a failed object (CLONE-PARTIAL-STATE `accepts`
// "revert-on-stop"), as FULL-REVERT does for a full partition: the
// partition the command created goes too.
class RevertOnStop final : public ProtocolHook {
 public:
  void Before(World& world, Session& session, std::string&, std::vector<std::string>&) override {
    saved_ = world;
    const UserPartition* source = CurrentUser(world, session);
    v0v1_ = source != nullptr && source->kind != PartitionKind::kPre77;
  }
  void After(World& world, Session&, const std::string& line, Result& result,
             std::vector<std::string>&) override {
    if (v0v1_ && saved_ && Is(Parse(line), Verb::kArchiveBackup) &&
        result.code() == Ckr::kFailedToCloneAnObject) {
      world = std::move(*saved_);
    }
    saved_.reset();
  }

 private:
  std::optional<World> saved_;
  bool v0v1_ = false;
};

// CountsOnlyNew: on -append, 'N objects will be backed up.' counts only the
// objects that will be cloned (OUT-TRANSCRIPT `accepts` append-count-new),
// and no line says a skip (OPT-APPEND `accepts` append-silent-skip).
void CountsOnlyNewSilently(Result&, std::vector<std::string>& transcript) {
  // A skip is said by the project's line, or by the seed's fingerprint line
  // where that is due (and kept).
  const long skipped =
      std::count_if(transcript.begin(), transcript.end(), [](const std::string& l) {
        return l.rfind("Skipped object ", 0) == 0 ||
               (l.rfind("Target Object handle ", 0) == 0 &&
                l.find(" has same OUID as Source Object handle ") != std::string::npos);
      });
  std::erase_if(transcript,
                [](const std::string& l) { return l.rfind("Skipped object ", 0) == 0; });
  if (skipped == 0) return;
  for (std::string& l : transcript) {
    unsigned long n = 0;
    char rest[64] = {0};
    if (std::sscanf(l.c_str(), "%lu %63[^\n]", &n, rest) != 2) continue;
    const std::string tail = rest;
    if (tail != "objects will be backed up." && tail != "object will be backed up.") continue;
    const unsigned long left = n - static_cast<unsigned long>(skipped);
    l = std::to_string(left) + (left == 1 ? " object" : " objects") + " will be backed up.";
  }
}

}  // namespace

std::vector<Mutant> AllReadings() {
  return {
      {"lower-hex", "OUT-ERROR", "result lines with lower-case hex digits",
       [] {
         return EditResultValue([](std::string_view digits, Ckr) {
           std::string lower(digits);
           for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
           return lower;
         });
       }},
      {"hex-width", "OUT-ERROR", "result lines with the value's leading zeros left out (0xA0)",
       [] {
         return EditResultValue([](std::string_view digits, Ckr) {
           const size_t first = digits.find_first_not_of('0');
           return std::string(first == std::string_view::npos ? "0" : digits.substr(first));
         });
       }},
      {"vendor-value", "OUT-ERROR",
       "CKR_CERTIFICATE_INVALID, which has no public value, printed as 0x80000160",
       [] { return PrintValueFor(Ckr::kCertificateInvalid, 0x80000160); }},
      {"out-of-room-code", "FULL-REVERT",
       "a full partition, a backup that does not fit and a restore without room each answer "
       "another of the three out-of-room codes",
       [] { return std::make_unique<OutOfRoomRotated>(); }},
      {"own-code", "OPT-EXISTS",
       "every refusal whose code the seed and the facts do not name answers CKR_GENERAL_ERROR",
       [] { return std::make_unique<OwnCodeGeneral>(); }},
      {"append-silent-skip", "OPT-APPEND",
       "-append skips a same-OUID object without a line saying so (the seed's fingerprint line "
       "kept where it is due)",
       [] {
         return EditAfter(Verb::kArchiveBackup, [](Result&, std::vector<std::string>& transcript) {
           std::erase_if(transcript,
                         [](const std::string& l) { return l.rfind("Skipped object ", 0) == 0; });
         });
       }},
      {"append-silent-skip+append-count-new", "OPT-APPEND",
       "-append says nothing of a skip and counts only the objects it will clone",
       [] { return EditAfter(Verb::kArchiveBackup, CountsOnlyNewSilently); }},
      {"append-needs-existing+so-login-first", "OPT-APPEND",
       "-append to a backup partition that does not exist is refused after the SO login",
       [] {
         return std::make_unique<Both>(std::make_unique<AppendNeedsExisting>(),
                                       std::make_unique<SoLoginFirst>());
       }},
      {"append-needs-existing", "OPT-APPEND",
       "-append to a backup partition that does not exist is refused",
       [] { return std::make_unique<AppendNeedsExisting>(); }},
      {"append-needs-smk", "PROJ-APPEND-ORIGIN",
       "-append from a V1 partition to a V1 backup that holds no SMK is refused",
       [] { return std::make_unique<AppendNeedsSmk>(); }},
      {"policy-55-only-restricts", "RESTORE-PRE77-TO-V0",
       "HSM policy 55 off holds no pre-7.7 backup back from a V0 (policy 42 on) or V1 partition",
       [] { return std::make_unique<Policy55OnlyRestricts>(); }},
      {"shrink-on-success-only", "RESIZE-SHRINK",
       "a Backup HSM 7 backup that fails after reaching its partition keeps all the free space",
       [] { return std::make_unique<ShrinkOnSuccessOnly>(); }},
      {"rollback-on-stop", "CLONE-PARTIAL-STATE",
       "a V0/V1 backup that stops removes the objects it cloned",
       [] { return std::make_unique<RollbackOnStop>(); }},
      {"revert-on-stop", "CLONE-PARTIAL-STATE",
       "a V0/V1 backup that stops puts the backup HSM back as it was",
       [] { return std::make_unique<RevertOnStop>(); }},
      {"rollback-on-stop+shrink-on-success-only", "CLONE-PARTIAL-STATE",
       "a V0/V1 backup that stops removes the objects it cloned and keeps all the free space",
       [] {
         return std::make_unique<Both>(std::make_unique<RollbackOnStop>(),
                                       std::make_unique<ShrinkOnSuccessOnly>());
       }},
      {"so-login-first", "OUT-ERROR", "the SO logs in before the checks that need no login",
       [] { return std::make_unique<SoLoginFirst>(); }},
      {"login-first", "OUT-ERROR",
       "the current partition and the CO login are looked at before the line's syntax",
       [] { return std::make_unique<LoginFirst>(); }},
      {"credentials-on-line", "AUTH-PROMPT",
       "a backup without -password, or a restore, contents, list or delete that leaves off its "
       "credential, is refused, not asked",
       [] { return std::make_unique<CredentialsOnLine>(); }},
      {"objects-dedupe", "OPT-OBJECTS-INVALID",
       "a backup's or restore's -objects list that repeats a handle selects it once",
       MakeObjectsDedupe},
      {"objects-source-order", "CLONE-ONE-AT-A-TIME",
       "the objects -objects selects are cloned in the source partition's order, and restored "
       "in the backup partition's",
       MakeObjectsSourceOrder},
      {"smkonly-ignores-name", "OPT-SMKONLY-NAME", "-smkonly ignores a -partition name",
       MakeSmkOnlyIgnoresName},
      {"grouped-figures", "ARCHIVE-LIST",
       "archive list and contents group their figures' thousands with ','", MakeGroupedFigures},
      {"type-spelling", "ARCHIVE-CONTENTS",
       "archive contents names each object's type by its PKCS#11 class (CKO_PRIVATE_KEY)",
       MakeTypeAsClassName},
      {"full-words-only", "PROJ-COMMAND-WORDS",
       "command words abbreviated to a unique prefix ('par arch backup'), help on them "
       "included, are refused",
       MakeFullWordsOnly},
      {"listed-spellings-only", "OPT-SHORTCUTS",
       "options are taken only by their full names and the seed's shortcuts, in lower case",
       MakeListedSpellingsOnly},
      {"keywords-as-spelled", "OPT-SLOT",
       "-slot Direct, -slot abc and -objects All refused: the keywords only as the seed spells "
       "them, and a -slot value that is no number names no slot (CKR_SLOT_ID_INVALID)",
       MakeKeywordsAsSpelled},
      {"ped-credentials-ignored", "PROJ-PED-CREDENTIALS",
       "a PED backup HSM ignores -password, -sopassword, -domain and -defaultdomain typed on "
       "the line",
       MakePedCredentialsIgnored},
      {"label-spaces-kept", "OPT-PARTITION-DEFAULT",
       "a backup's default or -smkonly name keeps the source label's spaces", MakeLabelSpacesKept},
      {"label-spaces-replaced", "OPT-PARTITION-DEFAULT",
       "a backup's default or -smkonly name makes the source label's spaces '-'",
       MakeLabelSpacesDashed},
      {"name-cut", "OPT-PARTITION-DEFAULT",
       "a default or -smkonly name is made from the whole source label, then cut to 32 characters",
       MakeNameCut},
      {"error-form", "OUT-ERROR",
       "every failure is reported as 'Error: the command failed with CKR_NAME.' and its message, "
       "without a 'Command Result' line",
       MakeErrorForm},
      {"reader-advice", "FULL-REVERT",
       "a backup says nothing of deleting an empty partition or a backup whose re-size failed, "
       "nor of freeing space after a revert, and says 'Backup Complete.' before a failed re-size",
       MakeAdviceUnprinted},
      {"resize-fail-ok", "RESIZE-FAIL",
       "a backup whose objects are all cloned and whose re-size failed answers CKR_OK",
       MakeResizeFailOk},
  };
}

}  // namespace hsmbackup::mutants
