// lunacm command lines: tokenizing, parsing and redaction.
//
// ParseCommand turns one lunacm line into a Command. It checks syntax only
// (known verb, known options for that verb, values present and well formed,
// exclusive options, name length, the -objects list); what depends on the
// world (does the slot exist, is the client new enough) is the engine's.
// Errors are CKR_ARGUMENTS_BAD and name the offending option, never its value
// when that value is a secret.
//
// Option names are case-insensitive and may be abbreviated to any prefix no
// shorter than the documented shortcut (-par, -pas, -s, ...), as lunacm does.
// Command words are case-insensitive and may be abbreviated to any prefix
// that only one command word in that place starts with ("par arch backup");
// `help [words]`, or words that name a group of commands and stop there
// ("partition archive"), parse as Verb::kHelp (PROJ-COMMAND-WORDS).
#ifndef HSMBACKUP_COMMAND_H_
#define HSMBACKUP_COMMAND_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hsmbackup/secret.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

enum class Verb {
  kSlotList,           // slot list
  kSlotSet,            // slot set -slot N
  kRoleLogin,          // role login -name co|po|so|cu [-password P]
  kRoleLogout,         // role logout
  kPartitionContents,  // partition contents
  kArchiveBackup,      // partition archive backup ...
  kArchiveRestore,     // partition archive restore ...
  kArchiveList,        // partition archive list ...
  kArchiveContents,    // partition archive contents ...
  kArchiveDelete,      // partition archive delete ...
  kHelp,               // help [command words], or command words that stop short
};

// kMaxDomainBytes bounds a -domain value, on the line or typed at its prompt.
inline constexpr size_t kMaxDomainBytes = 128;

// SlotRef is what -slot names: a slot number, or `direct` (the USB device).
struct SlotRef {
  bool direct = false;
  uint32_t number = 0;
};

// ObjectSelection is a parsed -objects value: every object (`0`, `all`) or
// the listed handles in the order given (no duplicates, none zero).
struct ObjectSelection {
  bool all = true;
  std::vector<uint32_t> handles;
};

enum class Role { kCo, kPo, kSo, kCu };

struct Command {
  Verb verb = Verb::kSlotList;
  // Archive options (and -slot for `slot set`).
  std::optional<SlotRef> slot;
  std::optional<std::string> partition;
  std::optional<Secret> password;
  std::optional<Secret> sopassword;
  std::optional<Secret> domain;
  bool defaultdomain = false;
  bool append = false;
  bool replace = false;
  bool smkonly = false;
  bool debug = false;
  bool force = false;
  std::optional<ObjectSelection> objects;
  // role login
  Role role = Role::kCo;
  // help: the command words asked about, spelled out ("partition archive",
  // "partition archive backup"); "" for every command.
  std::string help_topic;
};

// Tokenize splits a line on whitespace, honouring '...' and "..." quoting
// (no escapes inside single quotes; \" and \\ inside double quotes).
// Fails with CKR_ARGUMENTS_BAD on an unterminated quote.
StatusOr<std::vector<std::string>> Tokenize(std::string_view line);

StatusOr<Command> ParseCommand(std::string_view line);

// ParseObjectList parses a -objects value: "0", "all", "7" or "3,4,6".
StatusOr<ObjectSelection> ParseObjectList(std::string_view text);

// RedactCommandLine returns the line with the value of every secret option
// (-password, -sopassword, -domain) replaced by "********", for echoing.
// On a verb that takes one of them, a stray word (not an option, not the
// value of the option before it, e.g. the PIN in "role login -name co
// userpin1234") is masked too, and ParseCommand's error does not quote it.
// It never fails: an unparsable line is redacted token by token.
std::string RedactCommandLine(std::string_view line);

// CommandHelp lists the lunacm commands this emulator understands; with a
// `topic` (command words spelled out, as in Command::help_topic) only those
// under it: a group ("partition archive") lists its subcommands with their
// syntax, a command ("partition archive backup") its syntax and options.
std::string CommandHelp(std::string_view topic = "");

}  // namespace hsmbackup

#endif  // HSMBACKUP_COMMAND_H_
