#include <optional>
#include <string>

#include "engine/internal.h"
#include "hsmbackup/luna_facts.h"
#include "hsmbackup/engine.h"
#include "hsmbackup/env.h"

namespace hsmbackup {
namespace engine {
namespace {

const char* RoleName(Role r) {
  switch (r) {
    case Role::kCo: return "Crypto Officer";
    case Role::kPo: return "Partition SO";
    case Role::kSo: return "HSM SO";
    case Role::kCu: return "Crypto User";
  }
  return "?";
}

Status SlotList(Ctx& ctx) {
  for (const Slot& s : ctx.world.slots) {
    ctx.out.Para("Slot Id ->              " + std::to_string(s.id));
    if (s.user) {
      const UserPartition& p = *s.user;
      ctx.out.Line("Label ->                " + p.label);
      ctx.out.Line("Serial Number ->        " + p.serial);
      ctx.out.Line("Description ->          User Token Slot");
      ctx.out.Line(std::string("Partition Kind ->       ") + KindName(p.kind));
      ctx.out.Line("Firmware Version ->     " + p.firmware.ToString());
      ctx.out.Line(std::string("Authentication ->       ") +
                   (p.auth == AuthMode::kPed ? "PED" : "Password"));
    } else {
      const BackupHsm& b = *s.backup;
      ctx.out.Line("Label ->                " + b.label);
      ctx.out.Line("Serial Number ->        " + b.serial);
      ctx.out.Line(std::string("Model ->                ") + ModelName(b.model) +
                   (TakesSks(b) ? " (SKS)" : ""));
      ctx.out.Line("Firmware Version ->     " + b.firmware.ToString());
      ctx.out.Line(std::string("Connection ->           ") + ConnectionToken(b.connection));
      ctx.out.Line(std::string("Authentication ->       ") +
                   (b.auth == AuthMode::kPed ? "PED" : "Password"));
    }
  }
  ctx.out.Para("Current Slot Id: " + std::to_string(ctx.current_slot()));
  return OkStatus();
}

Status SlotSet(Ctx& ctx) {
  uint32_t id = ctx.cmd.slot->number;
  if (ctx.world.FindSlot(id) == nullptr) {
    return Status(Ckr::kSlotIdInvalid, "There is no slot " + std::to_string(id) + ".");
  }
  SessionAccess::current_slot(ctx.session) = id;
  ctx.out.Para("Current Slot Id: " + std::to_string(id));
  return OkStatus();
}

// CheckUserLogin applies the partition's credentials and lockouts. A
// password the line left off is asked for first, as lunacm does; no answer
// fails the login without counting it.
Status CheckUserLogin(Ctx& ctx, UserPartition& p, Role role) {
  if (p.auth == AuthMode::kPed) {
    ctx.out.Ped(p.auth);
    return OkStatus();
  }
  std::optional<Secret> typed;
  if (!ctx.cmd.password) {
    HSMB_RETURN_IF_ERROR(AskMissing(ctx, Credential::kPassword,
                                    std::string("Enter the ") + RoleName(role) +
                                        " password for slot " + std::to_string(ctx.current_slot()) +
                                        ": ",
                                    &typed));
  }
  const Secret& given = ctx.cmd.password ? *ctx.cmd.password : *typed;
  if (role == Role::kPo) {
    if (p.po_password.empty() || !(p.po_password == given)) {
      if (++p.po_lockout.failures >= kPartitionLockoutThreshold) {
        p.zeroized = true;
        p.objects.clear();
        return Status(Ckr::kPinIncorrect,
                      "Incorrect Partition SO password: 10 consecutive failures "
                      "zeroized the partition.");
      }
      return Status(Ckr::kPinIncorrect, "Incorrect Partition SO password.");
    }
    p.po_lockout.failures = 0;
    return OkStatus();
  }
  if (p.co_lockout.failures >= p.co_lockout_threshold) {
    return Status(Ckr::kPinLocked, "The Crypto Officer and Crypto User are locked out after " +
                                       std::to_string(p.co_lockout_threshold) +
                                       " failed logins.");
  }
  const Secret& expected = role == Role::kCo ? p.co_password : p.cu_password;
  if (expected.empty() || !(expected == given)) {
    if (++p.co_lockout.failures >= p.co_lockout_threshold) {
      return Status(Ckr::kPinLocked, "Incorrect password: the Crypto Officer and Crypto "
                                     "User are now locked out.");
    }
    return Status(Ckr::kPinIncorrect, std::string("Incorrect ") + RoleName(role) + " password.");
  }
  p.co_lockout.failures = 0;
  return OkStatus();
}

Status RoleLogin(Ctx& ctx) {
  uint32_t slot = ctx.current_slot();
  auto& logins = SessionAccess::logins(ctx.session);
  if (logins.count(slot)) {
    return Status(Ckr::kUserAlreadyLoggedIn,
                  "A role is already logged in on slot " + std::to_string(slot) +
                      "; log out first.");
  }
  Slot* s = ctx.world.FindSlot(slot);
  if (s->backup) {
    if (ctx.cmd.role != Role::kSo) {
      return Status(Ckr::kUserTypeInvalid, "Only the HSM SO logs in to a backup HSM.");
    }
    HSMB_ASSIGN_OR_RETURN(BackupHsm * hsm, BackupHsmAt(ctx.world, slot));
    Command as_so = ctx.cmd;
    as_so.sopassword = ctx.cmd.password;
    if (hsm->auth == AuthMode::kPassword) {
      HSMB_RETURN_IF_ERROR(AskMissing(
          ctx, Credential::kPassword,
          "Enter the SO password for the backup HSM on slot " + std::to_string(slot) + ": ",
          &as_so.sopassword));
    }
    Ctx so_ctx{ctx.session, ctx.world, as_so, ctx.out, ctx.prompter};
    HSMB_RETURN_IF_ERROR(LoginSo(so_ctx, *hsm, slot));
  } else {
    if (ctx.cmd.role == Role::kSo) {
      return Status(Ckr::kUserTypeInvalid,
                    "The HSM SO logs in on the admin slot, not on a user partition.");
    }
    HSMB_ASSIGN_OR_RETURN(UserPartition * p, CurrentUserPartition(ctx));
    HSMB_RETURN_IF_ERROR(CheckUserLogin(ctx, *p, ctx.cmd.role));
  }
  logins[slot] = ctx.cmd.role;
  ctx.out.Para(std::string("Logged in as the ") + RoleName(ctx.cmd.role) + " on slot " +
               std::to_string(slot) + ".");
  return OkStatus();
}

Status RoleLogout(Ctx& ctx) {
  if (SessionAccess::logins(ctx.session).erase(ctx.current_slot()) == 0) {
    return Status(Ckr::kUserNotLoggedIn, "No role is logged in on slot " +
                                             std::to_string(ctx.current_slot()) + ".");
  }
  ctx.out.Para("Logged out of slot " + std::to_string(ctx.current_slot()) + ".");
  return OkStatus();
}

Status PartitionContents(Ctx& ctx) {
  HSMB_ASSIGN_OR_RETURN(UserPartition * p, CurrentUserPartition(ctx));
  if (!ctx.LoggedInAs(ctx.current_slot(), Role::kCo) &&
      !ctx.LoggedInAs(ctx.current_slot(), Role::kCu)) {
    return Status(Ckr::kUserNotLoggedIn,
                  "Log in as the Crypto Officer or Crypto User to list objects.");
  }
  for (const Object& o : p->objects) {
    ctx.out.Para("Label:        " + o.label);
    ctx.out.Line("Handle:       " + std::to_string(o.handle));
    ctx.out.Line(std::string("Object Type:  ") + ClassName(o.object_class));
    ctx.out.Line("Object UID:   " + o.ouid.ToHex());
    ctx.out.Line("Size:         " + std::to_string(o.value.size()));
  }
  ctx.out.Para("Number of objects: " + std::to_string(p->objects.size()));
  return OkStatus();
}

// Help lists the commands under the words asked about (PROJ-COMMAND-WORDS),
// one transcript line each; it changes nothing.
Status Help(Ctx& ctx) {
  const std::string text = CommandHelp(ctx.cmd.help_topic);
  bool first = true;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    const std::string_view line(text.data() + start, nl - start);
    if (first) {
      ctx.out.Para(line);
      first = false;
    } else {
      ctx.out.Line(line);
    }
    start = nl + 1;
  }
  return OkStatus();
}

Status Dispatch(Ctx& ctx) {
  switch (ctx.cmd.verb) {
    case Verb::kSlotList: return SlotList(ctx);
    case Verb::kSlotSet: return SlotSet(ctx);
    case Verb::kRoleLogin: return RoleLogin(ctx);
    case Verb::kRoleLogout: return RoleLogout(ctx);
    case Verb::kPartitionContents: return PartitionContents(ctx);
    case Verb::kArchiveBackup: return RunBackup(ctx);
    case Verb::kArchiveRestore: return RunRestore(ctx);
    case Verb::kArchiveList: return RunArchiveList(ctx);
    case Verb::kArchiveContents: return RunArchiveContents(ctx);
    case Verb::kArchiveDelete: return RunArchiveDelete(ctx);
    case Verb::kHelp: return Help(ctx);
  }
  return Status(Ckr::kGeneralError, "unhandled command");
}

void Finish(Out& out, const Status& status) {
  if (!status.ok() && !status.message().empty()) out.Para(status.message());
  out.Para(ResultLine(status.code()));
}

}  // namespace
}  // namespace engine

std::string ScriptedPrompter::Ask(std::string_view) {
  return asked_ < answers_.size() ? answers_[asked_++] : (++asked_, fallback_);
}

std::optional<Secret> ScriptedPrompter::AskSecret(Credential what, std::string_view) {
  asked_credentials_.push_back(what);
  const auto it = credentials_.find(what);
  if (it == credentials_.end()) return std::nullopt;
  return it->second;
}

std::string_view CredentialName(Credential what) {
  switch (what) {
    case Credential::kSoPassword: return "sopassword";
    case Credential::kPassword: return "password";
    case Credential::kDomain: return "domain";
  }
  return "?";
}

std::string ResultLine(Ckr code) {
  if (code == Ckr::kOk) return "Command Result : No Error";
  return "Command Result : " + FormatCkr(code);
}

Session::Session(World* world, SessionOptions options) : world_(world), options_(options) {
  if (!world_->slots.empty()) current_slot_ = world_->slots.front().id;
}

bool Session::LoggedIn(uint32_t slot, Role role) const {
  auto it = logged_in_.find(slot);
  return it != logged_in_.end() && it->second == role;
}

Result Session::Execute(std::string_view line, TranscriptSink& out, Prompter& prompt) {
  StatusOr<Command> cmd = ParseCommand(line);
  if (!cmd.ok()) {
    engine::Out o(out, false);
    engine::Finish(o, cmd.status());
    return Result{cmd.status()};
  }
  return Execute(*cmd, out, prompt);
}

Result Session::Execute(const Command& command, TranscriptSink& out, Prompter& prompt) {
  engine::Out o(out, command.debug);
  // The clock moves after a command that succeeds; a world whose clock
  // cannot move without passing the last time a world file holds (or
  // overflowing int64) is refused before the command does anything, so no
  // command can succeed and then fail to save.
  const Clock& clock = world_->clock;
  if (clock.now < 0 || clock.now > kMaxWorldTime || clock.step_seconds < 0 ||
      clock.step_seconds > kMaxWorldTime - clock.now) {
    const Status refused(Ckr::kGeneralError,
                         "The world clock cannot advance by its step of " +
                             std::to_string(clock.step_seconds) +
                             " seconds without passing 9999-12-31T23:59:59Z, the latest "
                             "time a world holds; set an earlier time (--now) or a smaller "
                             "clock.step_seconds. Nothing was changed.");
    engine::Finish(o, refused);
    return Result{refused};
  }
  engine::Ctx ctx{*this, *world_, command, o, prompt};
  Status status = engine::Dispatch(ctx);
  engine::Finish(o, status);
  // Only a command that went through moves the clock, so a rejected one
  // leaves the world exactly as it was; help touches no device and leaves
  // it too.
  if (status.ok() && command.verb != Verb::kHelp) world_->clock.now += world_->clock.step_seconds;
  return Result{status};
}

}  // namespace hsmbackup
