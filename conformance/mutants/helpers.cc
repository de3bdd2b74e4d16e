#include "helpers.h"

#include <charconv>
#include <cstdio>

namespace hsmbackup::mutants {

std::optional<Command> Parse(std::string_view line) {
  StatusOr<Command> c = ParseCommand(line);
  if (!c.ok()) return std::nullopt;
  return *c;
}

bool Is(const std::optional<Command>& command, Verb verb) {
  return command.has_value() && command->verb == verb;
}

UserPartition* CurrentUser(World& world, const Session& session) {
  Slot* s = world.FindSlot(session.current_slot());
  if (s == nullptr || !s->user || s->user->zeroized) return nullptr;
  return &*s->user;
}

std::optional<uint32_t> TargetSlot(const World& world, const Command& command) {
  if (!command.slot) return std::nullopt;
  if (command.slot->direct) {
    std::optional<uint32_t> found;
    for (const Slot& s : world.slots) {
      if (!s.backup || s.backup->connection != Connection::kUsb) continue;
      if (found) return std::nullopt;  // ambiguous: the engine refuses it
      found = s.id;
    }
    return found;
  }
  const Slot* s = world.FindSlot(command.slot->number);
  if (s == nullptr || !s->backup) return std::nullopt;
  return s->id;
}

BackupHsm* TargetHsm(World& world, const Command& command) {
  std::optional<uint32_t> id = TargetSlot(world, command);
  if (!id) return nullptr;
  Slot* s = world.FindSlot(*id);
  if (s->backup->zeroized) return nullptr;
  return &*s->backup;
}

BackupPartition* FindPartition(BackupHsm& hsm, std::string_view name) {
  for (BackupPartition& p : hsm.partitions) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

Version MinBackupFirmware(const BackupHsm& hsm) {
  return hsm.model == BackupModel::kBackupHsm7 ? Version{7, 7, 1} : Version{6, 28, 0};
}

namespace {
class Discard final : public TranscriptSink {
 public:
  void Line(std::string_view) override {}
};
}  // namespace

Result RunQuietly(World& world, Session& session, const Command& command) {
  const int64_t now = world.clock.now;
  Discard sink;
  ScriptedPrompter prompter({}, "proceed");
  Result r = session.Execute(command, sink, prompter);
  world.clock.now = now;
  return r;
}

void SetOutcome(Result& result, std::vector<std::string>& transcript, Ckr code,
                std::string message) {
  // The engine ends every transcript with [.., "", message, "", result line];
  // the first paragraph has no blank line before it.
  auto drop_paragraph = [&transcript](std::string_view text) {
    if (transcript.empty() || transcript.back() != text) return false;
    transcript.pop_back();
    if (!transcript.empty() && transcript.back().empty()) transcript.pop_back();
    return true;
  };
  drop_paragraph(ResultLine(result.code()));
  if (!result.status.ok() && !result.status.message().empty()) {
    drop_paragraph(result.status.message());
  }
  const bool fails = code != Ckr::kOk;
  if (fails && !message.empty()) {
    if (!transcript.empty()) transcript.emplace_back();
    transcript.push_back(message);
  }
  if (!transcript.empty()) transcript.emplace_back();
  transcript.push_back(ResultLine(code));
  result.status = fails ? Status(code, std::move(message)) : OkStatus();
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  if (from.empty()) return text;
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

void ReplaceInLines(std::vector<std::string>& lines, std::string_view from, std::string_view to) {
  for (std::string& line : lines) line = ReplaceAll(std::move(line), from, to);
}

std::vector<uint32_t> ClonedHandles(const std::vector<std::string>& transcript) {
  constexpr std::string_view kPrefix = "Cloned object ";
  std::vector<uint32_t> handles;
  for (const std::string& line : transcript) {
    if (line.rfind(kPrefix, 0) != 0) continue;
    uint32_t h = 0;
    const char* begin = line.data() + kPrefix.size();
    auto [end, ec] = std::from_chars(begin, line.data() + line.size(), h);
    if (ec == std::errc() && end != begin) handles.push_back(h);
  }
  return handles;
}

std::string ContainerName(const std::vector<std::string>& transcript) {
  constexpr std::string_view kPrefix = "Logging into the container ";
  for (const std::string& line : transcript) {
    if (line.rfind(kPrefix, 0) != 0) continue;
    const size_t end = line.find(" on slot ", kPrefix.size());
    if (end != std::string::npos) return line.substr(kPrefix.size(), end - kPrefix.size());
  }
  return "";
}

bool KindSwap::Apply(World& world, uint32_t source_slot, uint32_t hsm_slot, PartitionKind to) {
  Slot* src = world.FindSlot(source_slot);
  Slot* dst = world.FindSlot(hsm_slot);
  if (src == nullptr || !src->user || dst == nullptr || !dst->backup) return false;
  for (const BackupPartition& p : dst->backup->partitions) {
    if (p.origin == to) return false;
  }
  from_ = src->user->kind;
  to_ = to;
  source_slot_ = source_slot;
  hsm_slot_ = hsm_slot;
  src->user->kind = to;
  for (BackupPartition& p : dst->backup->partitions) {
    if (p.origin == from_) p.origin = to;
  }
  active_ = true;
  return true;
}

void KindSwap::Undo(World& world) {
  if (!active_) return;
  active_ = false;
  Slot* src = world.FindSlot(source_slot_);
  Slot* dst = world.FindSlot(hsm_slot_);
  if (src != nullptr && src->user) src->user->kind = from_;
  if (dst == nullptr || !dst->backup) return;
  for (BackupPartition& p : dst->backup->partitions) {
    if (p.origin == to_) p.origin = from_;
  }
}

}  // namespace hsmbackup::mutants

namespace hsmbackup::mutants {

int EditLines(std::vector<std::string>& lines, std::string_view prefix,
              const std::function<std::string(const std::string&)>& edit) {
  int n = 0;
  for (std::string& l : lines) {
    if (l.rfind(prefix, 0) != 0) continue;
    l = edit(l);
    ++n;
  }
  return n;
}

std::string BumpNumber(const std::string& line, std::string_view prefix, long by) {
  size_t at = line.find_first_of("0123456789", prefix.size());
  if (at == std::string::npos) return line;
  size_t end = line.find_first_not_of("0123456789", at);
  if (end == std::string::npos) end = line.size();
  const long value = std::stol(line.substr(at, end - at));
  return line.substr(0, at) + std::to_string(value + by) + line.substr(end);
}

void DropFromMessage(Result& result, std::vector<std::string>& transcript,
                     std::string_view sentence) {
  if (result.status.ok()) return;
  std::string message = result.status.message();
  const size_t at = message.find(sentence);
  if (at == std::string::npos) return;
  size_t end = message.find(". ", at);
  end = end == std::string::npos ? message.size() : end + 2;
  message.erase(at, end - at);
  while (!message.empty() && message.back() == ' ') message.pop_back();
  SetOutcome(result, transcript, result.code(), std::move(message));
}

}  // namespace hsmbackup::mutants

namespace hsmbackup::mutants {
namespace {

class EditingHook final : public ProtocolHook {
 public:
  EditingHook(Verb verb, std::function<void(Result&, std::vector<std::string>&)> edit)
      : verb_(verb), edit_(std::move(edit)) {}
  void After(World&, Session&, const std::string& line, Result& result,
             std::vector<std::string>& transcript) override {
    if (Is(Parse(line), verb_)) edit_(result, transcript);
  }

 private:
  Verb verb_;
  std::function<void(Result&, std::vector<std::string>&)> edit_;
};

class ResultValueEditor final : public ProtocolHook {
 public:
  explicit ResultValueEditor(std::function<std::string(std::string_view, Ckr)> edit)
      : edit_(std::move(edit)) {}
  void After(World&, Session&, const std::string&, Result& result,
             std::vector<std::string>& transcript) override {
    constexpr std::string_view kHead = "Command Result : 0x";
    if (transcript.empty() || transcript.back().rfind(kHead, 0) != 0) return;
    std::string& l = transcript.back();
    const size_t end = l.find(' ', kHead.size());
    if (end == std::string::npos) return;
    const std::string digits =
        edit_(std::string_view(l).substr(kHead.size(), end - kHead.size()), result.code());
    l.replace(kHead.size(), end - kHead.size(), digits);
  }

 private:
  std::function<std::string(std::string_view, Ckr)> edit_;
};

}  // namespace

std::unique_ptr<ProtocolHook> EditResultValue(
    std::function<std::string(std::string_view digits, Ckr code)> edit) {
  return std::make_unique<ResultValueEditor>(std::move(edit));
}

std::unique_ptr<ProtocolHook> PrintValueFor(Ckr code, uint32_t value) {
  return EditResultValue([code, value](std::string_view digits, Ckr ended) {
    if (ended != code) return std::string(digits);
    char text[9];
    std::snprintf(text, sizeof text, "%08X", value);
    return std::string(text);
  });
}

std::unique_ptr<ProtocolHook> EditAfter(
    Verb verb, std::function<void(Result&, std::vector<std::string>&)> edit) {
  return std::make_unique<EditingHook>(verb, std::move(edit));
}

}  // namespace hsmbackup::mutants
