// no-empty-partition-on-mismatch breaks DOM-MISMATCH-EMPTY: when a backup
// fails on a domain mismatch (or a cloning policy) before any object is
// cloned, the empty backup partition is deleted instead of left for the
// user to delete. A real implementation gets this wrong by "tidying up" on
// failure, which Luna does not do.
//
// Built after the fact from the engine's own note naming the empty
// partition: the partition goes and so does the note.
#include <string>

#include "helpers.h"
#include "mutant.h"

namespace hsmbackup::mutants {
namespace {

constexpr std::string_view kNoteStart = " The empty backup partition ";
constexpr std::string_view kNoteMiddle = " remains on slot ";

class NoEmptyPartitionOnMismatch final : public ProtocolHook {
 public:
  void After(World& world, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    if (!Is(Parse(line), Verb::kArchiveBackup)) return;
    if (result.code() != Ckr::kCertificateInvalid && result.code() != Ckr::kOperationNotAllowed) {
      return;
    }
    const std::string& message = result.status.message();
    const size_t start = message.find(kNoteStart);
    if (start == std::string::npos) return;
    const size_t name_at = start + kNoteStart.size();
    const size_t middle = message.find(kNoteMiddle, name_at);
    if (middle == std::string::npos) return;
    const std::string name = message.substr(name_at, middle - name_at);
    const uint32_t slot_id =
        static_cast<uint32_t>(std::stoul(message.substr(middle + kNoteMiddle.size())));
    Slot* slot = world.FindSlot(slot_id);
    if (slot == nullptr || !slot->backup) return;
    std::erase_if(slot->backup->partitions,
                  [&](const BackupPartition& p) { return p.name == name && p.objects.empty(); });
    SetOutcome(result, transcript, result.code(), message.substr(0, start));
  }
};

}  // namespace

std::unique_ptr<ProtocolHook> MakeNoEmptyPartitionOnMismatch() {
  return std::make_unique<NoEmptyPartitionOnMismatch>();
}

}  // namespace hsmbackup::mutants
