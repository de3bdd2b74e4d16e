// The verbs and options this emulator understands, and their help text.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "command/internal.h"
#include "hsmbackup/command.h"

namespace hsmbackup {
namespace command_internal {
namespace {

OptionSpec SlotOpt(std::string_view help) {
  return {Opt::kSlot, "-slot", "-s", "<slot>", help};
}
OptionSpec PartitionOpt(std::string_view help) {
  return {Opt::kPartition, "-partition", "-par", "<name>", help};
}
OptionSpec PasswordOpt(std::string_view help) {
  return {Opt::kPassword, "-password", "-pas", "<password>", help};
}
OptionSpec SopasswordOpt() {
  return {Opt::kSopassword, "-sopassword", "-sop", "<sopassword>",
          "SO password of the backup device."};
}
OptionSpec ObjectsOpt(std::string_view help) {
  return {Opt::kObjects, "-objects", "-o", "<handles>", help};
}
OptionSpec SmkonlyOpt(std::string_view help) {
  return {Opt::kSmkonly, "-smkonly", "-smk", "", help};
}
OptionSpec ReplaceOpt(std::string_view help) {
  return {Opt::kReplace, "-replace", "-rep", "", help};
}
OptionSpec DebugOpt() {
  return {Opt::kDebug, "-debug", "-deb", "",
          "Show additional error information."};
}
OptionSpec ForceOpt() {
  return {Opt::kForce, "-force", "-f", "", "Act without prompting."};
}

std::vector<VerbSpec> BuildSpecs() {
  constexpr std::string_view kBackupSlot =
      "Backup slot: a slot number, or direct for a USB-attached backup HSM "
      "(required).";
  std::vector<VerbSpec> specs;
  specs.push_back({Verb::kSlotList, {"slot", "list"}, "List the slots.", {}, {}});
  specs.push_back({Verb::kSlotSet,
                   {"slot", "set"},
                   "Make a slot the current one.",
                   {SlotOpt("Slot number to make current (required).")},
                   {Opt::kSlot}});
  specs.push_back(
      {Verb::kRoleLogin,
       {"role", "login"},
       "Log in to the current slot.",
       {{Opt::kName, "-name", "-n", "co|po|so|cu",
         "Role: co (Crypto Officer), po (Partition SO), so (HSM SO) or cu "
         "(Crypto User) (required)."},
        {Opt::kPassword, "-password", "-p", "<password>",
         "Password of the role (omit on PED devices)."}},
       {Opt::kName}});
  specs.push_back(
      {Verb::kRoleLogout, {"role", "logout"}, "Log out of the current slot.", {}, {}});
  specs.push_back({Verb::kPartitionContents,
                   {"partition", "contents"},
                   "List the objects of the current partition.",
                   {},
                   {}});
  specs.push_back(
      {Verb::kArchiveBackup,
       {"partition", "archive", "backup"},
       "Back up the current partition to a backup HSM (needs the Crypto "
       "Officer).",
       {SlotOpt(kBackupSlot),
        PartitionOpt("Backup partition name, 1-32 printable characters "
                     "(optional on a Backup HSM 7)."),
        PasswordOpt("Password of the backup partition."),
        SopasswordOpt(),
        {Opt::kDomain, "-domain", "-do", "<domain>",
         "Cloning domain of the backup partition."},
        {Opt::kDefaultDomain, "-defaultdomain", "-def", "",
         "Use the default domain (excludes -domain)."},
        {Opt::kAppend, "-append", "-a", "",
         "Add new objects to an existing backup; keep same-OUID objects."},
        ReplaceOpt("Replace the whole backup with a new one."),
        ObjectsOpt("Objects to back up: a handle, 0 or all, or a list like "
                   "3,4,6."),
        SmkonlyOpt("Back up the SKS master key (SMK) only, no objects."),
        DebugOpt(),
        ForceOpt()},
       {Opt::kSlot}});
  specs.push_back(
      {Verb::kArchiveRestore,
       {"partition", "archive", "restore"},
       "Restore objects from a backup partition to the current partition.",
       {SlotOpt(kBackupSlot),
        PartitionOpt("Backup partition to restore from."),
        PasswordOpt("Password of the backup partition."),
        ObjectsOpt("Objects to restore: a handle, 0 or all, or a list like "
                   "3,4,6."),
        SmkonlyOpt("Restore the SKS master key (SMK) only."),
        ReplaceOpt("Replace objects that already exist."),
        DebugOpt(),
        ForceOpt()},
       {Opt::kSlot}});
  specs.push_back({Verb::kArchiveList,
                   {"partition", "archive", "list"},
                   "List the backup partitions of a backup HSM.",
                   {SlotOpt(kBackupSlot), SopasswordOpt(), DebugOpt()},
                   {Opt::kSlot}});
  specs.push_back({Verb::kArchiveContents,
                   {"partition", "archive", "contents"},
                   "List the objects of a backup partition.",
                   {SlotOpt(kBackupSlot),
                    PartitionOpt("Backup partition to list."),
                    PasswordOpt("Password of the backup partition."),
                    DebugOpt()},
                   {Opt::kSlot}});
  specs.push_back({Verb::kArchiveDelete,
                   {"partition", "archive", "delete"},
                   "Delete a backup partition and free its space.",
                   {SlotOpt(kBackupSlot),
                    PartitionOpt("Backup partition to delete."),
                    SopasswordOpt(), ForceOpt(), DebugOpt()},
                   {Opt::kSlot}});
  return specs;
}

}  // namespace

std::string ToLower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const std::vector<VerbSpec>& VerbSpecs() {
  static const std::vector<VerbSpec>* const kSpecs =
      new std::vector<VerbSpec>(BuildSpecs());
  return *kSpecs;
}

std::string VerbName(const VerbSpec& spec) {
  std::string out;
  for (std::string_view w : spec.words) {
    if (!out.empty()) out += ' ';
    out += w;
  }
  return out;
}

std::vector<std::string_view> MatchWords(const std::vector<RawToken>& tokens, size_t first,
                                         size_t* used) {
  std::vector<std::string_view> words;
  std::vector<const VerbSpec*> candidates;
  for (const VerbSpec& spec : VerbSpecs()) candidates.push_back(&spec);
  for (size_t i = first; i < tokens.size(); ++i) {
    const RawToken& token = tokens[i];
    if (token.quoted || token.text.empty() || token.text[0] == '-') break;
    const std::string lower = ToLower(token.text);
    const size_t at = words.size();
    // The distinct words in this place that the token spells out or opens.
    std::vector<std::string_view> fits;
    for (const VerbSpec* spec : candidates) {
      if (spec->words.size() <= at) continue;
      const std::string_view w = spec->words[at];
      if (w.substr(0, lower.size()) != lower) continue;
      if (w == lower) {
        fits = {w};
        break;
      }
      if (std::find(fits.begin(), fits.end(), w) == fits.end()) fits.push_back(w);
    }
    if (fits.size() != 1) break;
    words.push_back(fits.front());
    std::erase_if(candidates, [&](const VerbSpec* spec) {
      return spec->words.size() <= at || spec->words[at] != fits.front();
    });
    // A command that ends here is the line's command (no verb's words open
    // another's).
    if (std::any_of(candidates.begin(), candidates.end(),
                    [&](const VerbSpec* spec) { return spec->words.size() == at + 1; })) {
      break;
    }
  }
  *used = words.size();
  return words;
}

const VerbSpec* MatchVerb(const std::vector<RawToken>& tokens, size_t* words) {
  size_t used = 0;
  const std::vector<std::string_view> matched = MatchWords(tokens, 0, &used);
  for (const VerbSpec& spec : VerbSpecs()) {
    if (!matched.empty() && spec.words == matched) {
      *words = used;
      return &spec;
    }
  }
  *words = 0;
  return nullptr;
}

const VerbSpec& HelpSpec() {
  static const VerbSpec* const kHelp = new VerbSpec{Verb::kHelp, {"help"}, "", {}, {}};
  return *kHelp;
}

const OptionSpec* MatchOption(const VerbSpec& spec, const RawToken& token) {
  if (token.quoted || token.text.size() < 2 || token.text[0] != '-') {
    return nullptr;
  }
  const std::string lower = ToLower(token.text);
  // The tables are built so no spelling fits two options of one verb; the
  // first match is the only one.
  for (const OptionSpec& opt : spec.options) {
    if (lower.size() >= opt.shortcut.size() && lower.size() <= opt.name.size() &&
        opt.name.substr(0, lower.size()) == lower) {
      return &opt;
    }
  }
  return nullptr;
}

bool IsOptionOf(const VerbSpec* spec, const RawToken& token) {
  if (spec != nullptr) return MatchOption(*spec, token) != nullptr;
  for (const VerbSpec& s : VerbSpecs()) {
    if (MatchOption(s, token) != nullptr) return true;
  }
  return false;
}

}  // namespace command_internal

std::string CommandHelp(std::string_view topic) {
  using command_internal::VerbSpecs;
  constexpr size_t kOptionColumn = 28;
  constexpr size_t kShortcutColumn = 6;
  const std::string prefix(topic);
  std::vector<const command_internal::VerbSpec*> shown;
  for (const auto& spec : VerbSpecs()) {
    const std::string name = command_internal::VerbName(spec);
    if (prefix.empty() || name == prefix || name.rfind(prefix + " ", 0) == 0) {
      shown.push_back(&spec);
    }
  }
  std::string out;
  if (prefix.empty()) {
    out =
        "Commands (words and options are case-insensitive; a command word may be\n"
        "shortened to a prefix no other word in its place shares, an option to any\n"
        "prefix at least as long as its shortcut):\n";
  } else if (shown.size() == 1 && command_internal::VerbName(*shown.front()) == prefix) {
    out = "Syntax:\n";
  } else {
    out = "The '" + prefix + "' command has these subcommands:\n";
  }
  for (const auto* spec : shown) {
    std::string head = command_internal::VerbName(*spec);
    out += "\n";
    out += head;
    out += std::string(head.size() < 34 ? 34 - head.size() : 1, ' ');
    out += spec->help;
    out += "\n";
    for (const auto& opt : spec->options) {
      // Appended piece by piece: GCC 12 at -O3 warns (-Wrestrict, a false
      // positive) on "literal" + std::string here.
      std::string left = "  ";
      left += opt.name;
      if (!opt.value.empty()) {
        left += ' ';
        left += opt.value;
      }
      left += std::string(left.size() < kOptionColumn ? kOptionColumn - left.size() : 1, ' ');
      std::string shortcut(opt.shortcut);
      shortcut += std::string(
          shortcut.size() < kShortcutColumn ? kShortcutColumn - shortcut.size() : 1, ' ');
      out += left + shortcut + std::string(opt.help) + "\n";
    }
  }
  return out;
}

}  // namespace hsmbackup
