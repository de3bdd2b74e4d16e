#include <algorithm>
#include <string>

#include "engine/internal.h"
#include "hsmbackup/luna_facts.h"

namespace hsmbackup::engine {

void Out::Para(std::string_view line) {
  if (!first_) sink_.Line("");
  first_ = false;
  sink_.Line(line);
}

void Out::Debug(std::string_view line) {
  if (debug_) Para(std::string("Debug: ") + std::string(line));
}

void Out::Ped(AuthMode auth) {
  if (auth == AuthMode::kPed) Para("Please attend to the PED.");
}

void Out::Gap() {
  if (!first_) sink_.Line("");
  first_ = false;
}

void Out::Answered(std::string_view prompt, std::string_view answer) {
  sink_.Answered(prompt, answer);
}

Status Confirm(Ctx& ctx, std::initializer_list<std::string_view> preamble) {
  if (ctx.cmd.force) return OkStatus();
  bool first = true;
  for (std::string_view line : preamble) {
    if (line.empty()) {
      first = true;
      continue;
    }
    if (first) {
      ctx.out.Para(line);
    } else {
      ctx.out.Line(line);
    }
    first = false;
  }
  ctx.out.Gap();  // the blank line belongs before the question, not after it
  std::string answer = ctx.prompter.Ask(kProceedPrompt);
  ctx.out.Answered(kProceedPrompt, answer);
  if (answer != "proceed") {
    return Status(Ckr::kFunctionCanceled, "Command cancelled: nothing was changed.");
  }
  return OkStatus();
}

StatusOr<UserPartition*> CurrentUserPartition(Ctx& ctx) {
  Slot* s = ctx.world.FindSlot(ctx.current_slot());
  if (s == nullptr || !s->user) {
    return Status(Ckr::kSlotIdInvalid, "The current slot " + std::to_string(ctx.current_slot()) +
                                           " is not a user partition; use 'slot set'.");
  }
  if (s->user->zeroized) {
    return Status(Ckr::kTokenNotPresent, "The partition on slot " +
                                             std::to_string(ctx.current_slot()) +
                                             " is zeroized and must be initialized.");
  }
  return &*s->user;
}

Status RequireCo(Ctx& ctx, std::string_view what) {
  if (!ctx.LoggedInAs(ctx.current_slot(), Role::kCo)) {
    return Status(Ckr::kUserNotLoggedIn,
                  "You must be logged in as the Crypto Officer on slot " +
                      std::to_string(ctx.current_slot()) + " to " + std::string(what) + ".");
  }
  return OkStatus();
}

StatusOr<uint32_t> ResolveBackupSlot(const World& world, const SlotRef& ref) {
  if (ref.direct) {
    const Slot* found = nullptr;
    for (const Slot& s : world.slots) {
      if (s.backup && s.backup->connection == Connection::kUsb) {
        if (found != nullptr) {
          return Status(Ckr::kArgumentsBad,
                        "More than one USB-attached backup HSM: name its slot number.");
        }
        found = &s;
      }
    }
    if (found == nullptr) {
      return Status(Ckr::kSlotIdInvalid, "No USB-attached backup HSM found for '-slot direct'.");
    }
    return found->id;
  }
  const Slot* s = world.FindSlot(ref.number);
  if (s == nullptr) {
    return Status(Ckr::kSlotIdInvalid, "There is no slot " + std::to_string(ref.number) + ".");
  }
  if (!s->backup) {
    return Status(Ckr::kSlotIdInvalid,
                  "Slot " + std::to_string(ref.number) + " is not a backup HSM.");
  }
  return ref.number;
}

StatusOr<BackupHsm*> BackupHsmAt(World& world, uint32_t slot_id) {
  Slot* s = world.FindSlot(slot_id);
  if (s == nullptr || !s->backup) {
    return Status(Ckr::kSlotIdInvalid, "Slot " + std::to_string(slot_id) + " is not a backup HSM.");
  }
  if (s->backup->zeroized) {
    return Status(Ckr::kTokenNotPresent, "The backup HSM on slot " + std::to_string(slot_id) +
                                             " is zeroized and must be initialized.");
  }
  return &*s->backup;
}

Status CheckCredentialOptions(const Command& cmd, AuthMode auth) {
  if (auth != AuthMode::kPed) return OkStatus();
  if (cmd.password || cmd.sopassword) {
    return Status(Ckr::kArgumentsBad,
                  "This backup HSM is PED-authenticated: credentials come from the PED, "
                  "not from -password or -sopassword.");
  }
  if (cmd.domain || cmd.defaultdomain) {
    return Status(Ckr::kArgumentsBad,
                  "This backup HSM is PED-authenticated: the domain comes from the red PED "
                  "key, not from -domain or -defaultdomain.");
  }
  return OkStatus();
}

Status AskMissing(Ctx& ctx, Credential what, const std::string& prompt,
                  std::optional<Secret>* field) {
  if (field->has_value()) return OkStatus();
  ctx.out.Gap();
  std::optional<Secret> typed = ctx.prompter.AskSecret(what, prompt);
  if (!typed || typed->empty()) {
    ctx.out.Answered(prompt, "");
    const std::string option(CredentialName(what));
    return Status(Ckr::kArgumentsBad, "No " + option + " was given: put -" + option +
                                          " on the line or answer the prompt. Nothing was "
                                          "changed.");
  }
  ctx.out.Answered(prompt, kSecretEcho);  // never the secret, nor its length
  *field = std::move(*typed);
  return OkStatus();
}

Status AskPartitionPassword(Ctx& ctx, const BackupHsm& hsm, const BackupPartition& part,
                            Command* full) {
  if (hsm.auth != AuthMode::kPassword) return OkStatus();
  return AskMissing(ctx, Credential::kPassword,
                    "Enter the password for the backup partition " + part.name + ": ",
                    &full->password);
}

Status LoginSo(Ctx& ctx, BackupHsm& hsm, uint32_t slot_id) {
  ctx.out.Para("Logging in as the SO on slot " + std::to_string(slot_id) + ".");
  if (hsm.auth == AuthMode::kPed) {
    ctx.out.Ped(hsm.auth);
    return OkStatus();
  }
  if (!ctx.cmd.sopassword || !(hsm.so_password == *ctx.cmd.sopassword)) {
    if (++hsm.so_lockout.failures >= kSoLockoutThreshold) {
      hsm.zeroized = true;
      hsm.partitions.clear();
      hsm.so_lockout.failures = 0;
      return Status(Ckr::kPinIncorrect,
                    "Incorrect SO password: 3 consecutive failures zeroized the backup HSM on "
                    "slot " + std::to_string(slot_id) + ".");
    }
    return Status(Ckr::kPinIncorrect,
                  "Incorrect SO password for the backup HSM on slot " + std::to_string(slot_id) +
                      " (" + std::to_string(hsm.so_lockout.failures) +
                      " of 3 failures before it zeroizes).");
  }
  hsm.so_lockout.failures = 0;
  return OkStatus();
}

Status LoginContainer(Ctx& ctx, const BackupHsm& hsm, BackupPartition& part, uint32_t slot_id) {
  ctx.out.Para("Logging into the container " + part.name + " on slot " +
               std::to_string(slot_id) + " as the user.");
  if (hsm.auth == AuthMode::kPed) {
    ctx.out.Ped(hsm.auth);
    return OkStatus();
  }
  if (part.user_lockout.failures >= kPartitionLockoutThreshold) {
    return Status(Ckr::kPinLocked, "The backup partition " + part.name +
                                       " is locked after 10 failed logins.");
  }
  if (!ctx.cmd.password || !(part.password == *ctx.cmd.password)) {
    ++part.user_lockout.failures;
    return Status(Ckr::kPinIncorrect, "Incorrect password for the backup partition " +
                                          part.name + ".");
  }
  part.user_lockout.failures = 0;
  return OkStatus();
}

BackupPartition* FindBackupPartition(BackupHsm& hsm, std::string_view name) {
  for (auto& p : hsm.partitions) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

bool HasFaultIn(const World& world, FaultType type, uint32_t slot_id, uint32_t value) {
  return std::any_of(world.faults.begin(), world.faults.end(), [&](const Fault& f) {
    if (f.type != type || (f.slot && *f.slot != slot_id)) return false;
    if (type == FaultType::kVerifyFail) return f.handle == value;
    if (type == FaultType::kPartitionFull) return f.at == value;
    return true;
  });
}

Status CheckObjectsOption(const Ctx& ctx) {
  if (ctx.cmd.objects && ctx.world.client < kClientObjectsOption) {
    return Status(Ckr::kArgumentsBad, "-objects needs Luna HSM Client 10.3.0 or newer; this "
                                      "client is " + ctx.world.client.ToString() + ".");
  }
  return OkStatus();
}

StatusOr<Sender> SenderFor(Ctx& ctx, const Secret& domain, PartitionKind kind) {
  HSMB_ASSIGN_OR_RETURN(Secret key, SessionAccess::keys(ctx.session).DomainKey(domain));
  return Sender::ForDomainKey(key, kind);
}

StatusOr<Receiver> ReceiverFor(Ctx& ctx, const Secret& domain) {
  HSMB_ASSIGN_OR_RETURN(Secret key, SessionAccess::keys(ctx.session).DomainKey(domain));
  return Receiver::ForDomainKey(key);
}

std::string Plural(size_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

}  // namespace hsmbackup::engine
