// Internals of the lunacm command parser, shared by its .cc files only.
//
// The parser and RedactCommandLine work on the same tokens (with their byte
// spans and whether they were quoted) and the same verb/option tables, and
// every error message shows a token only through EchoToken, so nothing the
// redaction hides can reappear in an error.
#ifndef HSMBACKUP_SRC_COMMAND_INTERNAL_H_
#define HSMBACKUP_SRC_COMMAND_INTERNAL_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hsmbackup/command.h"
#include "hsmbackup/status.h"

namespace hsmbackup::command_internal {

// RawToken is one token: its text after quote removal, the byte range
// [begin, end) it came from in the line, and whether any part was quoted
// (a quoted token is always a value, never an option).
struct RawToken {
  std::string text;
  size_t begin = 0;
  size_t end = 0;
  bool quoted = false;
  bool unterminated = false;  // lenient Lex only: an open quote ran to the end
};

// Lex splits `line` as Tokenize does. With `lenient`, an unterminated quote
// is not an error: the last token runs to the end of the line.
StatusOr<std::vector<RawToken>> Lex(std::string_view line, bool lenient);

enum class Opt {
  kSlot,
  kPartition,
  kPassword,
  kSopassword,
  kDomain,
  kDefaultDomain,
  kAppend,
  kReplace,
  kObjects,
  kSmkonly,
  kDebug,
  kForce,
  kName,
};

// OptionSpec is one option of one verb. `shortcut` is the shortest accepted
// spelling, with its dash ("-pas"); `value` names the value (empty for a
// flag).
struct OptionSpec {
  Opt id;
  std::string_view name;  // full name with dash, e.g. "-password"
  std::string_view shortcut;
  std::string_view value;
  std::string_view help;
};

struct VerbSpec {
  Verb verb;
  std::vector<std::string_view> words;  // lower case
  std::string_view help;
  std::vector<OptionSpec> options;
  std::vector<Opt> required;
};

const std::vector<VerbSpec>& VerbSpecs();

// VerbName is the verb's words joined by spaces ("partition archive list").
std::string VerbName(const VerbSpec& spec);

// MatchVerb returns the verb whose words open `tokens` (case-insensitive,
// each word or a prefix of it that no other word in that place shares) and
// sets *words to how many tokens they take; nullptr if none does.
const VerbSpec* MatchVerb(const std::vector<RawToken>& tokens, size_t* words);

// MatchWords resolves tokens [first, end) as command words the way
// MatchVerb does, stopping at an option, a quoted token, or a word that
// names nothing (or more than one thing) in its place. It returns the words
// it resolved, spelled out, and sets *used to how many tokens they took.
std::vector<std::string_view> MatchWords(const std::vector<RawToken>& tokens, size_t first,
                                         size_t* used);

// HelpSpec is the pseudo-verb `help`, for redaction and errors.
const VerbSpec& HelpSpec();

// MatchOption returns the option of `spec` that `text` spells: a prefix of
// its name, case-insensitive, at least as long as its shortcut. nullptr if
// none; quoted tokens never match.
const OptionSpec* MatchOption(const VerbSpec& spec, const RawToken& token);

// IsOptionOf is MatchOption against `spec`, or against every verb when
// `spec` is null (a line whose verb is unknown).
bool IsOptionOf(const VerbSpec* spec, const RawToken& token);

// RedactTokens returns, per token, nullopt to keep it or the text to show
// instead: "********" for a secret value, "-password=********" for a secret
// glued to its option, and "********" for a stray word (neither an option
// nor the value of the option before it) on a verb that takes a password,
// SO password or domain. `spec` is the line's verb, or null if unknown.
std::vector<std::optional<std::string>> RedactTokens(
    const std::vector<RawToken>& tokens, size_t first, const VerbSpec* spec);

// EchoToken is how an error message may show token `i`: its redacted form
// if it has one, else its text with control bytes escaped, shortened.
std::string EchoToken(const std::vector<RawToken>& tokens,
                      const std::vector<std::optional<std::string>>& redacted,
                      size_t i);

// Printable escapes bytes outside 0x20..0x7e as \xNN and shortens `text`
// past `max_chars` with "...".
std::string Printable(std::string_view text, size_t max_chars = 40);

std::string ToLower(std::string_view text);

}  // namespace hsmbackup::command_internal

#endif  // HSMBACKUP_SRC_COMMAND_INTERNAL_H_
