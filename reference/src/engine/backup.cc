// partition archive backup: executing a plan (backup_plan.h made every
// check that needs no login).
#include <algorithm>
#include <array>
#include <charconv>

#include "engine/backup_plan.h"
#include "engine/backup_undo.h"
#include "engine/object_index.h"
#include "engine/store.h"
#include "hsmbackup/blob.h"
#include "hsmbackup/env.h"
#include "hsmbackup/luna_facts.h"
#include "hsmbackup/transfer.h"

namespace hsmbackup::engine {
namespace {

std::string OnSlot(uint32_t id) { return " on slot " + std::to_string(id) + "."; }

// ConfirmDestructive asks before a backup deletes or overwrites backup
// objects (OPT-REPLACE-CONFIRM), as `delete` does and before the SO login,
// so 'quit' changes nothing; the wording is the project's.
Status ConfirmDestructive(Ctx& ctx, const BackupPlan& plan, BackupHsm& hsm) {
  const std::string where = " on slot " + std::to_string(plan.slot_id);
  if (plan.recreate) {
    const BackupPartition* old = FindBackupPartition(hsm, plan.name);
    const size_t held = old == nullptr ? 0 : old->objects.size();
    const std::string what = "You are replacing the backup partition " + plan.name + where + ".";
    const std::string then = "It and the " + Plural(held, "object") +
                             " in it will be deleted before the new backup is made.";
    return Confirm(ctx, {what, then, "", "Are you sure you wish to continue?"});
  }
  if (plan.overwrite && plan.overwrites > 0) {
    const std::string what = Plural(plan.overwrites, "object") + " on the backup partition " +
                             plan.name + where + (plan.overwrites == 1 ? " has" : " have") +
                             " the same OUID as an object being backed up";
    return Confirm(ctx, {what, "and will be overwritten.", "",
                          "Are you sure you wish to continue?"});
  }
  return OkStatus();
}

// The per-object transcript line: "Cloned object ", room for two handles
// with the middle between them, then ")." (see Land).
constexpr std::string_view kCloned = "Cloned object ";
constexpr size_t kDigits = 10;  // a uint32_t

// Run carries one backup from the SO login to the summary.
class BackupRun {
 public:
  BackupRun(Ctx& ctx, BackupPlan plan) : ctx_(ctx), plan_(std::move(plan)), hsm_(*plan_.hsm) {}

  Status Execute();

 private:
  Status OpenPartition();
  Status CloneSmk();
  Status CheckPolicies();
  Status CloneObjects();
  // SealAhead seals objects [first, first + n) into wires_ (see
  // CloneObjects) and returns n: up to seal_ahead_, the sum of their values
  // at most kSealAheadBytes (at least one object), ending early at one the
  // sender refuses, whose refusal sent_[n - 1] holds. An object -append
  // skips (held_[k]) is not sealed.
  size_t SealAhead(size_t first);
  // LandAhead is the outcome of the k-th object SealAhead handled (the
  // object at `index`): its skip, its sender's refusal, or Land.
  Status LandAhead(size_t index, size_t k);
  // Land takes one sealed object at the backup HSM: its checks there, its
  // verification and storing, and its transcript line. Returns OK, a
  // per-object failure, or CKR_CONTAINER_OBJECT_STORAGE_FULL.
  Status Land(size_t index, const Object& object, const Bytes& wire);
  // Land's rare outcomes, cold so that their messages stay out of the
  // code the loop runs for every object: a skip (OPT-APPEND), a full
  // partition (FULL-REVERT), an object the target refused (CLONE-DISCARD).
  [[gnu::cold]] Status SkipHeld(const BackupObject& existing, const Object& object);
  [[gnu::cold]] Status PartitionFull();
  [[gnu::cold]] Status RefusedObject(const Object& object, Status failure, size_t wire_bytes);
  [[gnu::cold]] void LayOutLine();
  Status Finish(Status status);
  void Shrink();
  bool ShrinkFails() const;  // the world's shrink_fail fault applies
  std::string EmptyPartitionNote() const;

  Ctx& ctx_;
  BackupPlan plan_;
  BackupHsm& hsm_;
  std::optional<BackupUndo> undo_;  // FULL-REVERT: what this backup changed
  BackupPartition* part_ = nullptr;
  std::optional<Sender> sender_;
  std::optional<Receiver> receiver_;
  DeterministicRng rng_{&ctx_.world.rng};
  std::optional<HandleSet> handles_in_use_;  // on the whole backup HSM
  // Into part_->objects; none when the partition held no objects before
  // this backup (see OpenPartition).
  std::optional<OuidIndex<BackupObject>> by_ouid_;
  uint64_t used_ = 0;        // part_->used(model), kept up to date object by object
  // The wire bytes of the objects sealed ahead, reused (V1 stores a copy);
  // sent_ the sender's answer for each, held_ whether -append skips it
  // instead, counter_after_ the RNG's counter after it.
  static constexpr size_t kMaxAhead = SessionOptions::kMaxSealAhead;
  static constexpr size_t kSealAheadBytes = 64 * 1024;
  const size_t seal_ahead_ =
      std::clamp<size_t>(SessionAccess::options(ctx_.session).seal_ahead, 1, kMaxAhead);
  std::array<Bytes, kMaxAhead> wires_;
  std::array<Status, kMaxAhead> sent_;
  std::array<bool, kMaxAhead> held_{};
  std::array<uint64_t, kMaxAhead> counter_after_{};
  CloneBlobView blob_;  // the per-object parsed view of its wire, reused
  // An overwriting object (OPT-APPEND-REPLACE) is received here, engaged
  // only while Land handles it: a local would be zero-filled for every
  // object, new ones included.
  std::optional<Object> replacement_;
  std::string line_;           // the per-object transcript line's buffer, reused
  std::string line_middle_;    // " to partition <name> (new handle "
  size_t line_middle_at_ = 0;  // where line_ holds line_middle_ (0: nowhere yet)
  size_t cloned_ = 0;
  size_t failed_ = 0;
  bool shrink_failed_ = false;
};

Status BackupRun::Execute() {
  const Command& cmd = ctx_.cmd;
  HSMB_RETURN_IF_ERROR(LoginSo(ctx_, hsm_, plan_.slot_id));  // AUTH-SO
  undo_.emplace(hsm_);
  HSMB_RETURN_IF_ERROR(OpenPartition());
  const Secret& domain = part_->domain;
  const UserPartition& src = *plan_.source;
  // The same domain derives the same key: when the backup partition's is
  // the source's (the usual case) one key serves both sides.
  KeyCache& keys = SessionAccess::keys(ctx_.session);
  HSMB_ASSIGN_OR_RETURN(Secret source_key, keys.DomainKey(src.domain));
  if (src.kind == PartitionKind::kV1) {
    HSMB_ASSIGN_OR_RETURN(Sender s, Sender::ForV1Key(source_key, *src.smk, keys));
    sender_.emplace(std::move(s));
  } else {
    HSMB_ASSIGN_OR_RETURN(Sender s, Sender::ForDomainKey(source_key, src.kind));
    sender_.emplace(std::move(s));
  }
  if (domain.Equals(src.domain)) {
    HSMB_ASSIGN_OR_RETURN(Receiver r, Receiver::ForDomainKey(source_key));
    receiver_.emplace(std::move(r));
  } else {
    HSMB_ASSIGN_OR_RETURN(Receiver r, ReceiverFor(ctx_, domain));
    receiver_.emplace(std::move(r));
  }

  if (cmd.smkonly) {
    Status s = CloneSmk();
    if (s.ok()) {
      ctx_.out.Para("The SMK was cloned successfully.");
    } else {  // DOM-MISMATCH-EMPTY: the empty partition stays, say so
      s = Status(s.code(), s.message() + EmptyPartitionNote());
    }
    return Finish(std::move(s));
  }
  ctx_.out.Para("Verifying that all objects can be backed up...");
  Status policy = CheckPolicies();
  if (!policy.ok()) return Finish(std::move(policy));
  ctx_.out.Para(Plural(plan_.objects.size(), "object") + " will be backed up.");
  ctx_.out.Para("Backing up objects...");
  return Finish(CloneObjects());
}

// OpenPartition creates the backup partition or logs in to the existing
// one, and gives it the space the model assigns (RESIZE-GRAB-ALL).
Status BackupRun::OpenPartition() {
  const uint32_t slot = plan_.slot_id;
  const bool grab_all = hsm_.model == BackupModel::kBackupHsm7;
  if (plan_.recreate) {  // OPT-REPLACE
    ctx_.out.Para("Deleting the backup partition " + plan_.name + OnSlot(slot));
    const auto old = std::find_if(hsm_.partitions.begin(), hsm_.partitions.end(),
                                  [&](const BackupPartition& p) { return p.name == plan_.name; });
    if (old != hsm_.partitions.end()) {
      undo_->Removing(static_cast<size_t>(old - hsm_.partitions.begin()));
    }
  }
  if (plan_.creates()) {
    ctx_.out.Para("Creating partition " + plan_.name + OnSlot(slot));
    ctx_.out.Ped(hsm_.auth);
    BackupPartition p;
    p.name = plan_.name;
    p.domain = plan_.domain;
    if (hsm_.auth == AuthMode::kPassword) p.password = *ctx_.cmd.password;  // AUTH-PO
    p.origin = plan_.source->kind;
    p.source_label = plan_.source->label;
    p.created = FormatUtc(ctx_.world.clock.now, "%Y-%m-%dT%H:%M:%SZ");
    p.allocated = grab_all ? hsm_.free_bytes() : plan_.need;
    hsm_.partitions.push_back(std::move(p));
    part_ = &hsm_.partitions.back();
    undo_->Created();
    HSMB_RETURN_IF_ERROR(LoginContainer(ctx_, hsm_, *part_, slot));
    ctx_.out.Para("Creating Domain for the partition " + plan_.name + OnSlot(slot));
    ctx_.out.Ped(hsm_.auth);
  } else {
    part_ = FindBackupPartition(hsm_, plan_.name);
    undo_->Touching(*part_);
    HSMB_RETURN_IF_ERROR(LoginContainer(ctx_, hsm_, *part_, slot));
    if (ctx_.cmd.domain || ctx_.cmd.defaultdomain) {
      ctx_.out.Para("The existing partition " + plan_.name + " keeps its own domain.");
    }
    const uint64_t slack =
        part_->allocated - std::min(part_->allocated, part_->used(hsm_.model));
    part_->allocated += grab_all ? hsm_.free_bytes()
                                 : (plan_.need > slack ? plan_.need - slack : 0);
  }
  // Sized up front: the clone loop then neither rehashes nor reallocates.
  const size_t incoming = plan_.objects.size();
  size_t held = 0;
  for (const BackupPartition& p : hsm_.partitions) held += p.objects.size();
  handles_in_use_.emplace(DenseLimitFor(hsm_.handles, held + incoming));
  for (const BackupPartition& p : hsm_.partitions) {
    for (const BackupObject& o : p.objects) handles_in_use_->insert(o.object.handle);
  }
  part_->objects.reserve(part_->objects.size() + incoming);
  // The selection's OUIDs are distinct (a user partition's are: the world
  // file's rule, which restore keeps; -objects refuses a repeated handle),
  // so the objects of one backup never meet each other: only a partition
  // that already holds objects (-append) has OUIDs to look up. A new or
  // empty one needs no index, and the clone loop no probe per object.
  if (!part_->objects.empty()) {
    by_ouid_.emplace(&part_->objects, part_->objects.size() + incoming);
  }
  used_ = part_->used(hsm_.model);
  return OkStatus();
}

// CloneSmk moves the SMK under the domain key: a wrong domain fails here,
// for real, before any V1 object moves (DOM-ERROR-CODE).
Status BackupRun::CloneSmk() {
  HSMB_ASSIGN_OR_RETURN(Bytes wire, sender_->SendSmk(rng_));
  StatusOr<Secret> smk = receiver_->ReceiveSmk(wire);
  if (!smk.ok()) {
    ctx_.out.Para("Failed to clone the SMK to partition " + plan_.name + " (" +
                  std::string(CkrName(smk.status().code())) + ").");
    return Status(smk.status().code(), "The SMK did not verify under the backup partition's "
                                       "domain: the domains do not match.");
  }
  part_->smk_blob = std::move(wire);
  return OkStatus();
}

// CheckPolicies is the seed's "Verifying that all objects can be backed
// up...": cloning policies decide before any object moves (POL-CLONING).
Status BackupRun::CheckPolicies() {
  const Policies& pol = plan_.source->policies;
  for (const Object* o : plan_.objects) {
    const char* why = nullptr;
    if (!pol.hsm_allow_cloning) {
      why = "HSM policy 7 \"Allow cloning\" is off";
    } else if (o->object_class == ObjectClass::kPrivateKey && !pol.allow_private_key_cloning) {
      why = "partition policy 0 \"Allow private key cloning\" is off";
    } else if (o->object_class == ObjectClass::kSecretKey && !pol.allow_secret_key_cloning) {
      why = "partition policy 4 \"Allow secret key cloning\" is off";
    }
    if (why != nullptr) {
      return Status(Ckr::kOperationNotAllowed,
                    "Object " + std::to_string(o->handle) + " cannot be backed up: " + why +
                        ". No objects were cloned." + EmptyPartitionNote());
    }
  }
  return OkStatus();
}

Status BackupRun::CloneObjects() {
  const bool stop_at_first = plan_.source->kind != PartitionKind::kPre77;
  if (plan_.source->kind == PartitionKind::kV1 && part_->smk_blob.empty()) {
    Status s = CloneSmk();
    if (!s.ok()) {
      return Status(s.code(), s.message() + " No objects were cloned." + EmptyPartitionNote());
    }
  }
  // Objects are cloned one at a time (CLONE-ONE-AT-A-TIME), but a batch of
  // them is sealed ahead and then landed in order: each half's code then
  // runs batch-long beside OpenSSL's, not object by object, and the
  // instruction cache holds it (bench/BENCHMARKS.md, "Tenth pass"). Landing
  // draws nothing from the RNG; where it stops early, the RNG's counter is
  // put back to where it stood after the object it stopped at, so what
  // follows (and every byte) is as if nothing had been sealed ahead.
  Status first_failure;
  const size_t total = plan_.objects.size();
  for (size_t i = 0; i < total;) {
    const size_t n = SealAhead(i);
    for (size_t k = 0; k < n; ++k) {
      Status s = LandAhead(i + k, k);
      if (s.ok()) continue;
      const bool full = s.code() == Ckr::kContainerObjectStorageFull;
      if (full || stop_at_first) ctx_.world.rng.counter = counter_after_[k];
      if (full) return s;
      ++failed_;
      if (first_failure.ok()) first_failure = s;
      if (stop_at_first) break;  // CLONE-STOP-V0V1
    }                            // CLONE-CONTINUE-PRE77 otherwise
    if (stop_at_first && !first_failure.ok()) break;
    i += n;
  }
  if (first_failure.ok()) {
    // A backup whose re-size will fail is not complete (RESIZE-FAIL): the
    // command ends in CKR_DEVICE_ERROR, and says so below.
    if (!ShrinkFails()) ctx_.out.Para("Backup Complete.");
  } else if (stop_at_first) {
    ctx_.out.Para("Backup stopped at the first object that failed.");
  }
  ctx_.out.Para(Plural(cloned_, "object") + (cloned_ == 1 ? " has" : " have") +
                " been backed up to partition " + plan_.name);
  ctx_.out.Line("on slot " + std::to_string(plan_.slot_id) + ".");
  if (first_failure.ok()) return first_failure;
  std::string msg = Plural(failed_, "object") + " could not be backed up; the first failure was " +
                    std::string(CkrName(first_failure.code())) + ".";
  if (cloned_ == 0) msg += EmptyPartitionNote();
  return Status(first_failure.code(), msg);
}

// SealAhead, LandAhead, Land and what they call for every object
// (SealObjectInto, Aes256Gcm::SealInPlace and OpenInto,
// Receiver::ReceiveObjectInto, ParseBlobViewInto, OpenObjectInto,
// DecodePayload, CompleteStored, HandleSet, DeterministicRng::Fill,
// Secret::Assign) are [[gnu::hot]]: GCC places them together, and with
// their failure paths cold the loop's code shares fewer instruction-cache
// lines with OpenSSL's (bench/BENCHMARKS.md).
[[gnu::hot]] size_t BackupRun::SealAhead(size_t first) {
  const size_t total = plan_.objects.size();
  size_t n = 0;
  size_t bytes = 0;
  while (n < seal_ahead_ && first + n < total) {
    const Object& object = *plan_.objects[first + n];
    bytes += object.value.size();
    if (n > 0 && bytes > kSealAheadBytes) break;
    // The selection's OUIDs are distinct (OpenPartition), so whether an
    // object is held already does not depend on the others of the batch.
    held_[n] = by_ouid_ && !plan_.overwrite && by_ouid_->Look(object.ouid).position;
    // CLONE-ONE-AT-A-TIME: sealed at the source, bytes on the wire, then
    // (Land) parsed and (pre-7.7/V0) opened and verified at the target. The
    // wire keeps its capacity from batch to batch, and the target reads
    // the blob in place, so no copy of the ciphertext is made.
    sent_[n] = held_[n] ? OkStatus() : sender_->SendObject(object, rng_, &wires_[n]);
    counter_after_[n] = ctx_.world.rng.counter;
    if (!sent_[n++].ok()) break;
  }
  return n;
}

[[gnu::hot]] Status BackupRun::LandAhead(size_t index, size_t k) {
  const Object& object = *plan_.objects[index];
  if (held_[k]) return SkipHeld(part_->objects[*by_ouid_->Look(object.ouid).position], object);
  if (!sent_[k].ok()) return std::move(sent_[k]);
  return Land(index, object, wires_[k]);
}

[[gnu::hot]] Status BackupRun::Land(size_t index, const Object& object, const Bytes& wire) {
  // Looked up here, not when sealing: an object landed since moves the
  // index's free slots.
  const auto probe = by_ouid_ ? by_ouid_->Look(object.ouid) : OuidIndex<BackupObject>::Probe{};
  const std::optional<size_t>& same = probe.position;
  const uint64_t replaced = same ? StoredBytes(part_->objects[*same], hsm_.model) : 0;
  // PROJ-SIZE-MODEL: on the backup HSM the object takes more than the
  // source size SIZE-PRECHECK counted (a V1 object its sealed blob, which is
  // what is stored), so the partition can fill though the precheck passed.
  const bool v1 = plan_.source->kind == PartitionKind::kV1;
  const uint64_t takes = StoredBytes(v1 ? wire.size() : object.value.size(), hsm_.model);
  if (hsm_.model == BackupModel::kBackupHsmG5 && used_ - replaced + takes > part_->allocated) {
    // RESIZE-GRAB-ALL: a G5 partition grows into free space as it needs.
    part_->allocated += std::min(hsm_.free_bytes(), used_ - replaced + takes - part_->allocated);
  }
  if (HasFault(ctx_.world, FaultType::kPartitionFull, plan_.slot_id,
               static_cast<uint32_t>(index + 1)) ||
      used_ - replaced + takes > part_->allocated) {
    return PartitionFull();
  }
  // A new object is received straight into its place at the end of the
  // partition (reserved in OpenPartition), so no Object is built elsewhere
  // and moved in; a replacement (OPT-APPEND-REPLACE) into replacement_,
  // as the object it replaces goes to the undo log first. A failure below
  // takes the new place away again (CLONE-DISCARD), or empties
  // replacement_ (wiping its value).
  Object* into = same ? &replacement_.emplace() : &part_->objects.emplace_back().object;
  auto discard = [&] {
    if (same) {
      replacement_.reset();
    } else {
      part_->objects.pop_back();
    }
  };
  bool opened = false;
  Status failure = receiver_->ReceiveObjectInto(wire, &blob_, into, &opened);
  if (failure.ok() && HasFault(ctx_.world, FaultType::kVerifyFail, plan_.slot_id, object.handle)) {
    failure = Status(Ckr::kFailedToCloneAnObject, "rejected by the backup HSM");
  }
  if (!failure.ok()) {  // CLONE-DISCARD: nothing of it is kept
    discard();
    return RefusedObject(object, std::move(failure), wire.size());
  }
  StatusOr<uint32_t> allocated = AllocateHandle(
      hsm_.handles, [&](uint32_t h) { return handles_in_use_->contains(h); });
  if (!allocated.ok()) {
    discard();
    return allocated.status();
  }
  const uint32_t handle = *allocated;
  handles_in_use_->insert(handle);
  const BackupObject* stored_at = nullptr;
  if (same) {  // CLONE-STORE: a replaced object gives up its handle
    handles_in_use_->erase(part_->objects[*same].object.handle);
    undo_->Overwriting(*part_, *same);
    if (!opened) replacement_.reset();
    stored_at = &StoreReceived(*part_, same, object, std::move(replacement_), wire, handle);
    replacement_.reset();
  } else {
    CompleteStored(part_->objects.back(), object, opened, wire, handle);
    if (by_ouid_) by_ouid_->AddAt(probe, part_->objects.size() - 1);
    stored_at = &part_->objects.back();
  }
  const BackupObject& stored = *stored_at;
  used_ = used_ - replaced + StoredBytes(stored, hsm_.model);
  ++cloned_;
  // line_ is laid out once per run: "Cloned object ", room for two handles
  // with the middle between them, then ")."; the digits are written in
  // place (the middle again only where the first handle's length changed)
  // and the line is the filled prefix, so a line allocates and fills
  // nothing after the first.
  if (line_.empty()) LayOutLine();
  char* const first = line_.data();
  char* p = first + kCloned.size();
  p = std::to_chars(p, p + kDigits, object.handle).ptr;
  const size_t middle_at = static_cast<size_t>(p - first);
  if (middle_at != line_middle_at_) {
    std::copy(line_middle_.begin(), line_middle_.end(), p);
    line_middle_at_ = middle_at;
  }
  p += line_middle_.size();
  p = std::to_chars(p, p + kDigits, handle).ptr;
  p[0] = ')';
  p[1] = '.';
  ctx_.out.Line(std::string_view(first, static_cast<size_t>(p + 2 - first)));
  return OkStatus();
}

Status BackupRun::SkipHeld(const BackupObject& existing, const Object& object) {
  if (plan_.source->kind == PartitionKind::kPre77 && hsm_.model == BackupModel::kBackupHsm7 &&
      hsm_.firmware >= kBackupHsm7Fingerprints && !existing.opaque() &&
      ComputeFingerprint(existing.object) != ComputeFingerprint(object)) {
    ctx_.out.Line("Target Object handle " + std::to_string(existing.object.handle) +
                  " has same OUID as Source Object handle " + std::to_string(object.handle) +
                  " (different finger print).");  // OPT-APPEND-FINGERPRINT
  } else {  // the skip is said too, so the count below adds up (project wording)
    ctx_.out.Line("Skipped object " + std::to_string(object.handle) + ": partition " + plan_.name +
                  " already holds it as Target Object handle " +
                  std::to_string(existing.object.handle) + " (same OUID).");
  }
  return OkStatus();
}

Status BackupRun::PartitionFull() {
  undo_->Revert();  // FULL-REVERT: the backup HSM exactly as it was
  part_ = nullptr;
  ctx_.out.Line("The backup partition " + plan_.name + " is full.");
  return Status(Ckr::kContainerObjectStorageFull,
                "The backup partition filled before every object was cloned: the backup "
                "was cancelled and the backup HSM on slot " +
                    std::to_string(plan_.slot_id) +
                    " is as it was before. Free some space or use another backup HSM.");
}

Status BackupRun::RefusedObject(const Object& object, Status failure, size_t wire_bytes) {
  ctx_.out.Line("Failed to clone object " + std::to_string(object.handle) + " to partition " +
                plan_.name + " (" + std::string(CkrName(failure.code())) + ").");
  if (ctx_.cmd.debug) {  // OPT-DEBUG: why the target refused it
    ctx_.out.Line("Debug: blob of " + std::to_string(wire_bytes) + " bytes: " + failure.message() +
                  ".");
  }
  return failure;
}

void BackupRun::LayOutLine() {
  line_middle_ = " to partition " + plan_.name + " (new handle ";
  line_.assign(kCloned.size() + kDigits + line_middle_.size() + kDigits + 2, ' ');
  std::copy(kCloned.begin(), kCloned.end(), line_.begin());
}

// Finish re-sizes the partition (RESIZE-SHRINK) unless the backup was
// reverted, and reports a failed re-size (RESIZE-FAIL).
Status BackupRun::Finish(Status status) {
  if (status.code() == Ckr::kContainerObjectStorageFull) return status;
  Shrink();
  if (shrink_failed_) {
    ctx_.out.Para("Re-sizing the backup partition " + plan_.name + " failed: all the free space "
                  "on the backup HSM stays assigned to it, and no new backup can be made until "
                  "it is deleted with 'partition archive delete'.");
    if (status.ok()) {
      return Status(Ckr::kDeviceError, "The objects are backed up, but the re-size failed.");
    }
  }
  return status;
}

bool BackupRun::ShrinkFails() const {
  return hsm_.model == BackupModel::kBackupHsm7 &&
         HasFault(ctx_.world, FaultType::kShrinkFail, plan_.slot_id);
}

void BackupRun::Shrink() {
  if (hsm_.model != BackupModel::kBackupHsm7 || part_ == nullptr) return;
  if (ShrinkFails()) {
    shrink_failed_ = true;
    return;
  }
  part_->allocated = used_;  // part_->used(hsm_.model), kept object by object
}

std::string BackupRun::EmptyPartitionNote() const {
  if (!plan_.creates() || part_ == nullptr || !part_->objects.empty()) return "";
  return " The empty backup partition " + plan_.name + " remains on slot " +
         std::to_string(plan_.slot_id) + "; delete it with 'partition archive delete'.";
}

}  // namespace

Status RunBackup(Ctx& ctx) {
  HSMB_ASSIGN_OR_RETURN(BackupPlan plan, PlanBackup(ctx));
  // The questions come after every check that needs no login and before the
  // SO login, so 'quit' or a missing answer changes nothing: proceed/quit
  // first (OPT-SMKONLY-CONFIRM: the seed asks before logging in;
  // OPT-REPLACE-CONFIRM), then the credentials the line left off
  // (AUTH-PROMPT).
  if (ctx.cmd.smkonly) {
    HSMB_RETURN_IF_ERROR(Confirm(ctx, {"You are backing up a SKS partition.",
                                       "Only the SKS master key (SMK) will be backed up.",
                                       "No other objects will be cloned.", "",
                                       "Are you sure you wish to continue?"}));
  }
  HSMB_RETURN_IF_ERROR(ConfirmDestructive(ctx, plan, *plan.hsm));
  Command full = ctx.cmd;
  HSMB_RETURN_IF_ERROR(AskBackupCredentials(ctx, plan, &full));
  Ctx asked{ctx.session, ctx.world, full, ctx.out, ctx.prompter};
  BackupRun run(asked, std::move(plan));
  return run.Execute();
}

}  // namespace hsmbackup::engine
