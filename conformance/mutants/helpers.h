// What the mutants share: reading a line as a command, finding the devices
// it names, running a command nobody sees, and rewriting a command's ending.
#ifndef HSMBACKUP_CONFORMANCE_MUTANTS_HELPERS_H_
#define HSMBACKUP_CONFORMANCE_MUTANTS_HELPERS_H_

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hsmbackup/command.h"
#include "hsmbackup/engine.h"
#include "hsmbackup/model.h"
#include "hsmbackup/protocol.h"
#include "hsmbackup/status.h"

namespace hsmbackup::mutants {

// Parse returns the line's command, or nullopt when it does not parse.
std::optional<Command> Parse(std::string_view line);
// Is is true when `line` parses as a command with verb `verb`.
bool Is(const std::optional<Command>& command, Verb verb);

// CurrentUser is the session's current slot as a live user partition, or null.
UserPartition* CurrentUser(World& world, const Session& session);
// TargetSlot is the slot id -slot names (a number, or `direct`: the only USB
// backup HSM), or nullopt when it names no backup HSM.
std::optional<uint32_t> TargetSlot(const World& world, const Command& command);
// TargetHsm is the live backup HSM -slot names, or null.
BackupHsm* TargetHsm(World& world, const Command& command);
// FindPartition is the backup partition `name` on `hsm`, or null.
BackupPartition* FindPartition(BackupHsm& hsm, std::string_view name);
// MinBackupFirmware is what FW-MIN-BACKUP asks of `hsm` for V0/V1 sources.
Version MinBackupFirmware(const BackupHsm& hsm);

// RunQuietly executes `command` with its output thrown away and the clock
// kept where it was: a step the mutant takes that nobody asked for.
Result RunQuietly(World& world, Session& session, const Command& command);

// SetOutcome makes a command end with `code` and `message` instead: the
// result, the transcript's message paragraph and its Command Result line.
void SetOutcome(Result& result, std::vector<std::string>& transcript, Ckr code,
                std::string message);
// ReplaceAll replaces every occurrence of `from` in `text`.
std::string ReplaceAll(std::string text, std::string_view from, std::string_view to);
// ReplaceInLines applies ReplaceAll to every transcript line.
void ReplaceInLines(std::vector<std::string>& lines, std::string_view from, std::string_view to);
// ClonedHandles are the source handles of the transcript's
// "Cloned object H to partition ..." lines, in order.
std::vector<uint32_t> ClonedHandles(const std::vector<std::string>& transcript);
// ContainerName is NAME from "Logging into the container NAME on slot S as
// the user.", or "" when no such line was printed.
std::string ContainerName(const std::vector<std::string>& transcript);

// EditAfter is a hook that runs `edit` on the result and transcript of
// every command of `verb` (the mutants that change only what it says).
std::unique_ptr<ProtocolHook> EditAfter(
    Verb verb, std::function<void(Result&, std::vector<std::string>&)> edit);

// EditResultValue rewrites the hex digits of every failure's result line
// ('Command Result : 0x<digits> (NAME)') to edit(digits, the result's
// code), nothing else changed.
std::unique_ptr<ProtocolHook> EditResultValue(
    std::function<std::string(std::string_view digits, Ckr code)> edit);
// PrintValueFor prints `value` (8 hex digits) on the result line of every
// command that ends in `code`.
std::unique_ptr<ProtocolHook> PrintValueFor(Ckr code, uint32_t value);

// EditLines applies `edit` to every line that starts with `prefix` (the
// mutants that get one fact of a line wrong); returns how many it changed.
int EditLines(std::vector<std::string>& lines, std::string_view prefix,
              const std::function<std::string(const std::string&)>& edit);
// BumpNumber adds `by` to the first run of digits after `prefix` in `line`.
std::string BumpNumber(const std::string& line, std::string_view prefix, long by);
// DropFromMessage removes `sentence` (and what follows it up to the end of
// its sentence) from the failure's message, in the result and the transcript.
void DropFromMessage(Result& result, std::vector<std::string>& transcript,
                     std::string_view sentence);

// KindSwap makes a source partition pass for another firmware kind during
// one command, so a mutant can borrow the engine's behaviour for that kind;
// Undo puts every kind and origin back.
class KindSwap {
 public:
  // Apply swaps `source` to `to` and the target HSM's backup partitions of
  // the source's kind with it. It refuses (false, nothing changed) when the
  // HSM already holds a partition of kind `to`, which Undo could not tell
  // apart from a swapped one.
  bool Apply(World& world, uint32_t source_slot, uint32_t hsm_slot, PartitionKind to);
  void Undo(World& world);

 private:
  bool active_ = false;
  uint32_t source_slot_ = 0;
  uint32_t hsm_slot_ = 0;
  PartitionKind from_ = PartitionKind::kV0;
  PartitionKind to_ = PartitionKind::kV0;
};

// OriginSwap presents a backup partition as taken from another kind of
// source for one command (Swap in Before) and puts its origin back (Undo in
// After). A restore never adds or removes backup partitions, so the pointer
// holds between the two.
class OriginSwap {
 public:
  void Swap(BackupPartition& partition, PartitionKind as) {
    original_ = partition.origin;
    partition.origin = as;
    swapped_ = &partition;
  }
  void Undo() {
    if (swapped_ != nullptr) swapped_->origin = original_;
    swapped_ = nullptr;
  }

 private:
  BackupPartition* swapped_ = nullptr;
  PartitionKind original_ = PartitionKind::kPre77;
};

}  // namespace hsmbackup::mutants

#endif  // HSMBACKUP_CONFORMANCE_MUTANTS_HELPERS_H_
