// The model's reading of a lunacm line (OPT-SHORTCUTS, OPT-OBJECTS-FORMS,
// OPT-PARTITION-MAXLEN), written from the seed's syntax, not the reference's.
#ifndef HSMBACKUP_CONFORMANCE_MODEL_LINE_H_
#define HSMBACKUP_CONFORMANCE_MODEL_LINE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "conformance/model.h"

namespace hsmbackup::conformance::model {

// The commands the model knows.
enum class Verb {
  kBackup,
  kRestore,
  kList,
  kContents,
  kDelete,  // partition archive ...
  kLogin,
  kLogout,  // role login | logout
  kSlotSet,
  kSlotList,
  kSlotOther,  // slot set | list | another slot verb
  kPartitionContents,
  kHelp,  // help [words], or command words that name a group and stop
};

// IsArchive: a `partition archive` verb, the lines that take -slot.
inline bool IsArchive(Verb v) {
  return v == Verb::kBackup || v == Verb::kRestore || v == Verb::kList || v == Verb::kContents ||
         v == Verb::kDelete;
}

struct Line {
  Verb verb = Verb::kBackup;
  std::map<std::string, std::string> options;  // full option name -> value ("" for flags)
  bool Has(const std::string& o) const { return options.count(o) != 0; }
  std::optional<std::string> Get(const std::string& o) const;
  // -objects: nullopt = every object; otherwise the handles in order.
  std::optional<std::vector<uint32_t>> objects;
  bool slot_direct = false;
  uint32_t slot = 0;
  // An option spelled other than its full name or the seed's shortcut in
  // lower case (a longer prefix, or upper case): OPT-SHORTCUTS is what
  // makes a target accept it.
  bool respelled = false;
  // Some option is spelled as the seed's shortcut (-par, -smk, ...).
  bool shortcut = false;
  // A command word given as a prefix of itself ("par arch backup") or in
  // another case than lower ("role logIn"): PROJ-COMMAND-WORDS is what makes
  // a target accept it (`accepts` full-words-only: a target may not).
  bool abbreviated = false;
  // A keyword value the seed spells in lower case written in another case
  // (-slot Direct, -objects All): read as the keyword here; a target may
  // take it as spelled and refuse it (OPT-SLOT and OPT-OBJECTS-FORMS
  // `accepts` keywords-as-spelled).
  bool keyword_respelled = false;
  // kHelp: what the transcript must name (every subcommand of a group, or a
  // command's words and its -slot option).
  std::vector<std::string> help_names;
};

// ParseLine returns the line, or nullopt with the clause that makes a
// parser refuse it (CKR_ARGUMENTS_BAD) in `refusal` and, when its command
// words named a `partition archive` command, that verb in `refused_verb`.
// `unknown` is set for a verb the model does not know.
std::optional<Line> ParseLine(const std::string& text, std::string* refusal, bool* unknown,
                              std::optional<Verb>* refused_verb = nullptr);

// ObjectsListedOnce is `text` with each handle its -objects list repeats
// given once, in the order of its first mention ("70,71,70" -> "70,71"), or
// nullopt when no well-formed list repeats one (OPT-OBJECTS-INVALID
// `accepts` objects-dedupe).
std::optional<std::string> ObjectsListedOnce(const std::string& text);

// Utc formats seconds since the epoch with strftime's `format`, in UTC.
std::string Utc(int64_t seconds, const char* format);

}  // namespace hsmbackup::conformance::model

#endif  // HSMBACKUP_CONFORMANCE_MODEL_LINE_H_
