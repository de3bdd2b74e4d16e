// RapidCheck properties of the command parser.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "hsmbackup/command.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

// Pieces of lunacm lines, right and wrong, for token soup.
const std::vector<std::string>& SoupPieces() {
  static const auto* const kPieces = new std::vector<std::string>{
      "partition", "archive", "backup", "restore", "list", "contents", "delete",
      "slot", "set", "role", "login", "logout", "PARTITION", "Archive",
      "-slot", "-s", "-sl", "-partition", "-par", "-password", "-pas", "-p",
      "-pa", "-sopassword", "-sop", "-so", "-domain", "-do", "-d",
      "-defaultdomain", "-def", "-append", "-a", "-replace", "-rep", "-re",
      "-objects", "-o", "-smkonly", "-smk", "-sm", "-debug", "-deb", "-force",
      "-f", "-name", "-n", "-", "--", "--slot", "-password=x", "-pas:y",
      "direct", "DIRECT", "0", "1", "2", "4294967295", "4294967296", "-1",
      "+1", "all", "3,4,6", "3,,4", ",", "0,3", "co", "po", "so", "cu", "xx",
      "\"", "'", "\"a b\"", "'c d'", "\\", "\"\\\"\"", "''", "\"\"", "\t",
      std::string(33, 'n'), std::string(129, 'd'), "caf\xc3\xa9", std::string(1, '\0'),
  };
  return *kPieces;
}

RC_GTEST_PROP(CommandProperty, TokenSoupNeverCrashesAndFailsCleanly, ()) {
  const auto pieces = *rc::gen::container<std::vector<std::string>>(
      rc::gen::oneOf(rc::gen::elementOf(SoupPieces()),
                     rc::gen::container<std::string>(
                         rc::gen::inRange<char>(0x20, 0x7f))));
  std::string line;
  for (const auto& p : pieces) line += p + (*rc::gen::arbitrary<bool>() ? " " : "");
  auto command = ParseCommand(line);
  if (!command.ok()) {
    RC_ASSERT(command.status().code() == Ckr::kArgumentsBad);
    RC_ASSERT(!command.status().message().empty());
  }
  (void)RedactCommandLine(line);
  auto tokens = Tokenize(line);
  RC_ASSERT(tokens.ok() || tokens.status().code() == Ckr::kArgumentsBad);
}

// After every secret-option spelling comes a marked secret; the mark never
// appears in the redacted line or in an error.
RC_GTEST_PROP(CommandProperty, SecretsNeverSurviveInTokenSoup, ()) {
  const std::vector<std::string> secret_options = {
      "-password", "-pas", "-p", "-pa", "-sopassword", "-sop", "-so", "-domain",
      "-do", "-d", "-PASSWORD", "-SoPass", "--password", "-Domain"};
  const auto pieces = *rc::gen::container<std::vector<std::string>>(
      rc::gen::elementOf(SoupPieces()));
  std::string line;
  for (const auto& p : pieces) {
    line += p + " ";
    if (*rc::gen::inRange(0, 4) == 0) {
      line += *rc::gen::elementOf(secret_options);
      line += *rc::gen::element<std::string>(" ", "=", ":", "");
      line += *rc::gen::element<std::string>("Qk9mark", "\"Qk9 mark\"", "-Qk9mark",
                                             "'Qk9'mark", "Qk9 mark");
      line += " ";
    }
  }
  RC_ASSERT(RedactCommandLine(line).find("Qk9") == std::string::npos);
  auto command = ParseCommand(line);
  if (!command.ok()) {
    RC_ASSERT(command.status().message().find("Qk9") == std::string::npos);
  }
}

// A generated valid backup command, written with any allowed abbreviation,
// case and option order, parses back to the same fields.
struct Rendered {
  std::string name;  // full option name without the dash
  size_t shortcut;   // letters in the shortest spelling
  std::string value; // already quoted; empty for a flag
  bool secret = false;
};

std::string Spell(const Rendered& r) {
  const auto len = *rc::gen::inRange<size_t>(r.shortcut, r.name.size() + 1);
  std::string out = "-";
  for (size_t i = 0; i < len; ++i) {
    const char c = r.name[i];
    out += *rc::gen::arbitrary<bool>()
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
               : c;
  }
  return out;
}

std::string Quote(const std::string& value) {
  const bool plain =
      !value.empty() && value[0] != '-' &&
      value.find_first_of(" \t\"'\\") == std::string::npos;
  if (plain) return value;
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string GenText(size_t min, size_t max) {
  const auto n = *rc::gen::inRange(min, max + 1);
  std::string out;
  for (size_t i = 0; i < n; ++i) out += *rc::gen::inRange<char>(0x20, 0x7f);
  return out;
}

RC_GTEST_PROP(CommandProperty, GeneratedBackupRoundTrips, ()) {
  HSMB_CLAUSE("OPT-SHORTCUTS");
  Command want;
  want.verb = Verb::kArchiveBackup;
  std::vector<Rendered> opts;

  SlotRef slot;
  slot.direct = *rc::gen::inRange(0, 5) == 0;
  if (!slot.direct) slot.number = *rc::gen::arbitrary<uint32_t>();
  want.slot = slot;
  opts.push_back({"slot", 1,
                  slot.direct ? *rc::gen::element<std::string>("direct", "DIRECT", "Direct")
                              : std::to_string(slot.number)});
  if (*rc::gen::arbitrary<bool>()) {
    std::string name(1, *rc::gen::elementOf(std::string("abcXYZ019")));
    name += *rc::gen::container<std::string>(
        *rc::gen::inRange<size_t>(0, 32),
        rc::gen::elementOf(std::string("abcxyzABC0189_-:.!~")));
    want.partition = name;
    opts.push_back({"partition", 3, name});
  }
  struct SecretOpt { const char* name; size_t shortcut; std::optional<Secret>* field; };
  for (SecretOpt s : {SecretOpt{"password", 3, &want.password},
                      SecretOpt{"sopassword", 3, &want.sopassword}}) {
    if (*rc::gen::arbitrary<bool>()) {
      const std::string v = GenText(1, 40);
      s.field->emplace(v);
      opts.push_back({s.name, s.shortcut, Quote(v), true});
    }
  }
  const int domain_choice = *rc::gen::inRange(0, 3);
  if (domain_choice == 1) {
    const std::string v = GenText(1, 128);
    want.domain.emplace(v);
    opts.push_back({"domain", 2, Quote(v), true});
  } else if (domain_choice == 2) {
    want.defaultdomain = true;
    opts.push_back({"defaultdomain", 3, ""});
  }
  struct Flag { const char* name; size_t shortcut; bool* field; };
  for (Flag f : {Flag{"append", 1, &want.append}, Flag{"replace", 3, &want.replace},
                 Flag{"smkonly", 3, &want.smkonly}, Flag{"debug", 3, &want.debug},
                 Flag{"force", 1, &want.force}}) {
    if (*rc::gen::arbitrary<bool>()) {
      *f.field = true;
      opts.push_back({f.name, f.shortcut, ""});
    }
  }
  if (*rc::gen::arbitrary<bool>()) {
    ObjectSelection sel;
    std::string text;
    if (*rc::gen::inRange(0, 3) == 0) {
      text = *rc::gen::element<std::string>("0", "all", "ALL", "aLl");
    } else {
      sel.all = false;
      sel.handles = *rc::gen::unique<std::vector<uint32_t>>(
          rc::gen::inRange<uint32_t>(1, 100000));
      if (sel.handles.empty()) sel.handles.push_back(1);
      for (uint32_t h : sel.handles) text += (text.empty() ? "" : ",") + std::to_string(h);
    }
    want.objects = sel;
    opts.push_back({"objects", 1, text});
  }

  const auto order = *rc::gen::inRange<unsigned>(0, 1000000);
  std::vector<size_t> idx(opts.size());
  for (size_t i = 0; i < idx.size(); ++i) idx[i] = i;
  std::rotate(idx.begin(), idx.begin() + (order % idx.size()), idx.end());
  if (order & 1) std::reverse(idx.begin(), idx.end());

  std::string line = *rc::gen::element<std::string>(
      "partition archive backup", "PARTITION ARCHIVE BACKUP", "Partition Archive Backup");
  std::string want_echo = line;
  for (size_t i : idx) {
    const std::string spelling = Spell(opts[i]);
    line += " " + spelling;
    want_echo += " " + spelling;
    if (!opts[i].value.empty()) {
      line += " " + opts[i].value;
      want_echo += " " + (opts[i].secret ? std::string("********") : opts[i].value);
    }
  }
  auto got = ParseCommand(line);
  RC_ASSERT(got.ok());
  const Command& c = *got;
  RC_ASSERT(c.verb == want.verb);
  RC_ASSERT(c.slot->direct == want.slot->direct);
  RC_ASSERT(c.slot->number == want.slot->number);
  RC_ASSERT(c.partition == want.partition);
  RC_ASSERT(c.password == want.password);
  RC_ASSERT(c.sopassword == want.sopassword);
  RC_ASSERT(c.domain == want.domain);
  RC_ASSERT(c.defaultdomain == want.defaultdomain);
  RC_ASSERT(c.append == want.append);
  RC_ASSERT(c.replace == want.replace);
  RC_ASSERT(c.smkonly == want.smkonly);
  RC_ASSERT(c.debug == want.debug);
  RC_ASSERT(c.force == want.force);
  RC_ASSERT(c.objects.has_value() == want.objects.has_value());
  if (want.objects) {
    RC_ASSERT(c.objects->all == want.objects->all);
    RC_ASSERT(c.objects->handles == want.objects->handles);
  }
  // The echo keeps everything but the secret values.
  RC_ASSERT(RedactCommandLine(line) == want_echo);
}

}  // namespace
}  // namespace hsmbackup
