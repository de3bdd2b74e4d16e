// Redaction of secret values (OUT-NO-SECRETS).
//
// Redaction errs on the side of hiding: it looks at spellings, not at what
// the parser would accept, so a mistyped or misplaced secret option (-pa,
// -d, -so, --password, -password=x) still hides what follows it.
#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "command/internal.h"
#include "hsmbackup/command.h"

namespace hsmbackup {
namespace command_internal {
namespace {

constexpr std::string_view kMask = "********";

struct SecretName {
  std::string_view name;  // without the dash
  size_t min_spelling;    // shortest prefix taken as this option
};

// -p and -pa (role login's shortcut, and ambiguous elsewhere), -so and -d
// are not valid archive spellings, but a user typing them meant a secret
// option often enough that what follows must be hidden. -s is always -slot.
constexpr std::array<SecretName, 3> kSecretNames = {{
    {"password", 1},
    {"sopassword", 2},
    {"domain", 1},
}};

size_t LeadingDashes(std::string_view text) {
  size_t n = 0;
  while (n < text.size() && text[n] == '-') ++n;
  return n;
}

size_t CommonPrefix(std::string_view a, std::string_view b) {
  size_t n = 0;
  while (n < a.size() && n < b.size() && a[n] == b[n]) ++n;
  return n;
}

bool IsSecretName(std::string_view name) {
  for (const SecretName& s : kSecretNames) {
    if (s.name == name) return true;
  }
  return false;
}

// IsSecretSpelling says whether `name` (lower case, no dashes) could name a
// secret option.
bool IsSecretSpelling(std::string_view name) {
  for (const SecretName& s : kSecretNames) {
    if (name.size() >= s.min_spelling && name.size() <= s.name.size() &&
        s.name.substr(0, name.size()) == name) {
      return true;
    }
  }
  return false;
}

// GluedKeep returns how many leading characters of `text` to keep when it
// is a secret option with its value glued on ("-password=x", "-pSECRET"
// as mysql takes it); nullopt if it is not one. A token closer to another
// option (-partitionx, -debugx) is a typo of that option instead.
std::optional<size_t> GluedKeep(std::string_view text) {
  const size_t dashes = LeadingDashes(text);
  if (dashes == 0) return std::nullopt;
  const std::string name = ToLower(text.substr(dashes));
  const size_t sep = name.find_first_of("=:");
  if (sep != std::string::npos && IsSecretSpelling(name.substr(0, sep))) {
    return dashes + sep + 1;
  }
  size_t other = 0;
  for (const VerbSpec& spec : VerbSpecs()) {
    for (const OptionSpec& opt : spec.options) {
      const std::string_view opt_name = opt.name.substr(1);
      if (opt_name.substr(0, std::min(name.size(), opt_name.size())) == name) {
        return std::nullopt;  // a spelling of some option, not glued
      }
      if (!IsSecretName(opt_name)) other = std::max(other, CommonPrefix(name, opt_name));
    }
  }
  for (const SecretName& s : kSecretNames) {
    const size_t common = CommonPrefix(name, s.name);
    if (common >= s.min_spelling && common < name.size() && common >= other) {
      return dashes + common;
    }
  }
  return std::nullopt;
}

// HidesSecretWords says whether a token holding whitespace (so quoted, or
// an unterminated quote) has a secret option among its words: a misplaced
// quote can carry "-password x" into another option's value.
bool HidesSecretWords(const RawToken& token) {
  std::string_view rest = token.text;
  if (rest.find_first_of(" \t\r\n\v\f") == std::string_view::npos) return false;
  while (!rest.empty()) {
    const size_t start = rest.find_first_not_of(" \t\r\n\v\f");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const size_t stop = rest.find_first_of(" \t\r\n\v\f");
    const std::string_view word = rest.substr(0, stop);
    const size_t dashes = LeadingDashes(word);
    if (dashes > 0 && (GluedKeep(word).has_value() ||
                       IsSecretSpelling(ToLower(word.substr(dashes))))) {
      return true;
    }
    if (stop == std::string_view::npos) break;
    rest.remove_prefix(stop);
  }
  return false;
}

// IsSecretOptionWord: an unquoted "-pa", "-so", "-d"...: shown, and what
// follows it hidden.
bool IsSecretOptionWord(const RawToken& token) {
  const size_t dashes = LeadingDashes(token.text);
  return !token.quoted && dashes > 0 &&
         IsSecretSpelling(ToLower(std::string_view(token.text).substr(dashes)));
}

// TakesCredentials says whether the verb has a secret option.
bool TakesCredentials(const VerbSpec& spec) {
  return std::any_of(spec.options.begin(), spec.options.end(), [](const OptionSpec& opt) {
    return opt.id == Opt::kPassword || opt.id == Opt::kSopassword || opt.id == Opt::kDomain;
  });
}

}  // namespace

std::vector<std::optional<std::string>> RedactTokens(
    const std::vector<RawToken>& tokens, size_t first, const VerbSpec* spec) {
  std::vector<std::optional<std::string>> out(tokens.size());
  // After a secret value, every further token up to the next option of the
  // verb is hidden too: "-password pass word" or "-password pass -word" most
  // likely meant one value.
  bool hiding = false;
  // A word that is neither an option nor the value of the option before it
  // is stray; on a verb that takes a credential it is most likely one typed
  // without its option ("role login -name co userpin1234"), so it is hidden.
  const bool takes_credentials = spec != nullptr && TakesCredentials(*spec);
  bool value_next = false;
  for (size_t i = first; i < tokens.size(); ++i) {
    const RawToken& token = tokens[i];
    const bool is_value = value_next;
    value_next = false;
    if (hiding && !IsOptionOf(spec, token) && !IsSecretOptionWord(token)) {
      out[i] = std::string(kMask);
      continue;
    }
    hiding = false;
    // Whatever follows an open quote may hold anything, secrets included.
    if (token.unterminated || HidesSecretWords(token)) {
      out[i] = std::string(kMask);
      continue;
    }
    const size_t dashes = LeadingDashes(token.text);
    if (takes_credentials && !is_value && (dashes == 0 || token.quoted)) {
      // Like a secret value, it may run on into the next words.
      out[i] = std::string(kMask);
      hiding = true;
      continue;
    }
    if (dashes == 0) continue;
    if (auto keep = GluedKeep(token.text)) {
      out[i] = token.text.substr(0, *keep) + std::string(kMask);
      hiding = true;
      continue;
    }
    if (!IsSecretSpelling(ToLower(std::string_view(token.text).substr(dashes)))) {
      const OptionSpec* opt = spec != nullptr ? MatchOption(*spec, token) : nullptr;
      value_next = opt != nullptr && !opt->value.empty();
      continue;
    }
    // The value is the next token unless the parser would read that one as
    // an option of this verb (then the secret option has no value).
    if (i + 1 < tokens.size() && !IsOptionOf(spec, tokens[i + 1])) {
      out[++i] = std::string(kMask);
      hiding = true;
    }
  }
  return out;
}

std::string Printable(std::string_view text, size_t max_chars) {
  std::string out;
  size_t shown = 0;
  for (char c : text) {
    if (shown == max_chars) {
      out += "...";
      break;
    }
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x20 && u < 0x7f) {
      out += c;
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
    ++shown;
  }
  return out;
}

std::string EchoToken(const std::vector<RawToken>& tokens,
                      const std::vector<std::optional<std::string>>& redacted,
                      size_t i) {
  if (i < redacted.size() && redacted[i].has_value()) return *redacted[i];
  return Printable(tokens[i].text);
}

}  // namespace command_internal

std::string RedactCommandLine(std::string_view line) {
  using namespace command_internal;
  auto lexed = Lex(line, /*lenient=*/true);
  if (!lexed.ok()) return std::string(kMask);  // lenient Lex never fails
  const std::vector<RawToken>& tokens = *lexed;
  size_t words = 0;
  const VerbSpec* spec = MatchVerb(tokens, &words);
  const auto redacted = RedactTokens(tokens, words, spec);
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!redacted[i].has_value()) continue;
    out.append(line.substr(pos, tokens[i].begin - pos));
    out += *redacted[i];
    pos = tokens[i].end;
  }
  out.append(line.substr(pos));
  return out;
}

}  // namespace hsmbackup
