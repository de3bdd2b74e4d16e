#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "command/internal.h"
#include "hsmbackup/command.h"
#include "hsmbackup/model.h"

namespace hsmbackup {
namespace {

using command_internal::EchoToken;
using command_internal::Opt;
using command_internal::OptionSpec;
using command_internal::RawToken;
using command_internal::VerbSpec;

constexpr std::string_view kMask = "********";

Status Bad(std::string message) {
  return Status(Ckr::kArgumentsBad, std::move(message));
}

// Parser holds one line's tokens and what redaction would hide of them, so
// every message quotes tokens through Echo.
class Parser {
 public:
  explicit Parser(std::vector<RawToken> tokens) : tokens_(std::move(tokens)) {}

  StatusOr<Command> Run() {
    if (tokens_.empty()) return Bad("empty command; try 'help'");
    size_t words = 0;
    spec_ = command_internal::MatchVerb(tokens_, &words);
    redacted_ = command_internal::RedactTokens(tokens_, words, spec_);
    if (spec_ == nullptr) return HelpOrUnknown();
    verb_name_ = command_internal::VerbName(*spec_);
    command_.verb = spec_->verb;

    for (size_t i = words; i < tokens_.size(); ++i) {
      const RawToken& token = tokens_[i];
      const bool option_like =
          !token.quoted && !token.text.empty() && token.text[0] == '-';
      const OptionSpec* opt = command_internal::MatchOption(*spec_, token);
      if (opt == nullptr && redacted_[i] == kMask) {
        if (i > words && redacted_[i - 1].has_value()) {
          return Bad("unexpected argument after a secret value, not shown; " +
                     verb_name_ + " takes one word per value (quote values "
                     "that contain spaces)");
        }
        return Bad("unexpected argument for " + verb_name_ +
                   ", not shown: it may be a secret typed without its option "
                   "(options start with '-'; quote values that contain spaces)");
      }
      if (!option_like) {
        return Bad("unexpected argument '" + Echo(i) + "' for " + verb_name_ +
                   " (options start with '-'; quote values that contain "
                   "spaces)");
      }
      if (opt == nullptr) {
        return Bad("unknown option " + Echo(i) + " for " + verb_name_);
      }
      if (!seen_.insert(opt->id).second) {
        return Bad("option " + std::string(opt->name) + " given twice");
      }
      if (opt->value.empty()) {
        SetFlag(opt->id);
        continue;
      }
      if (i + 1 == tokens_.size() ||
          command_internal::MatchOption(*spec_, tokens_[i + 1]) != nullptr) {
        return Bad("option " + std::string(opt->name) + " needs a value " +
                   std::string(opt->value));
      }
      ++i;
      HSMB_RETURN_IF_ERROR(SetValue(*opt, i));
    }

    for (Opt required : spec_->required) {
      if (seen_.count(required) == 0) {
        return Bad(verb_name_ + " needs " + std::string(NameOf(required)));
      }
    }
    if (command_.domain.has_value() && command_.defaultdomain) {
      return Bad("-domain and -defaultdomain exclude each other; give one");
    }
    return std::move(command_);
  }

 private:
  std::string Echo(size_t i) const { return EchoToken(tokens_, redacted_, i); }

  std::string_view NameOf(Opt id) const {
    for (const OptionSpec& opt : spec_->options) {
      if (opt.id == id) return opt.name;
    }
    return "?";
  }

  // HelpOrUnknown: `help [words]`, or words that name a group of commands
  // and stop ("partition archive"), ask for the commands under them
  // (PROJ-COMMAND-WORDS); anything else is an unknown command.
  StatusOr<Command> HelpOrUnknown() const {
    const bool asks = command_internal::ToLower(tokens_.front().text) == "help" &&
                      !tokens_.front().quoted;
    const size_t first = asks ? 1 : 0;
    size_t used = 0;
    const std::vector<std::string_view> words =
        command_internal::MatchWords(tokens_, first, &used);
    if (first + used == tokens_.size() && (asks || !words.empty())) {
      Command help;
      help.verb = Verb::kHelp;
      for (std::string_view w : words) {
        if (!help.help_topic.empty()) help.help_topic += ' ';
        help.help_topic += w;
      }
      return help;
    }
    return UnknownVerb();
  }

  Status UnknownVerb() const {
    std::string words;
    for (size_t i = 0; i < tokens_.size() && i < 3; ++i) {
      if (tokens_[i].text.empty() || tokens_[i].text[0] == '-') break;
      if (!words.empty()) words += ' ';
      words += Echo(i);
    }
    if (words.empty()) {
      return Bad("a line must start with a command, not an option; try 'help'");
    }
    return Bad("unknown command '" + words + "'; try 'help'");
  }

  void SetFlag(Opt id) {
    switch (id) {
      case Opt::kDefaultDomain: command_.defaultdomain = true; break;
      case Opt::kAppend: command_.append = true; break;
      case Opt::kReplace: command_.replace = true; break;
      case Opt::kSmkonly: command_.smkonly = true; break;
      case Opt::kDebug: command_.debug = true; break;
      case Opt::kForce: command_.force = true; break;
      default: break;  // value options never reach here
    }
  }

  Status SetValue(const OptionSpec& opt, size_t i) {
    const std::string& value = tokens_[i].text;
    const std::string name(opt.name);
    switch (opt.id) {
      case Opt::kSlot: {
        auto slot = ParseSlot(value, i);
        if (!slot.ok()) return slot.status();
        command_.slot = *slot;
        return OkStatus();
      }
      case Opt::kPartition:
        HSMB_RETURN_IF_ERROR(CheckPartition(value, i));
        command_.partition = value;
        return OkStatus();
      case Opt::kPassword:
      case Opt::kSopassword:
      case Opt::kDomain: {
        // Sizes only, never the value: these are secrets.
        if (value.empty()) return Bad(name + " needs a non-empty value");
        if (opt.id == Opt::kDomain && value.size() > kMaxDomainBytes) {
          return Bad("-domain is longer than " + std::to_string(kMaxDomainBytes) +
                     " bytes");
        }
        std::optional<Secret>& field =
            opt.id == Opt::kPassword     ? command_.password
            : opt.id == Opt::kSopassword ? command_.sopassword
                                         : command_.domain;
        field.emplace(value);
        return OkStatus();
      }
      case Opt::kObjects: {
        auto objects = ParseObjectList(value);
        if (!objects.ok()) return objects.status();
        command_.objects = std::move(*objects);
        return OkStatus();
      }
      case Opt::kName: {
        const std::string role = command_internal::ToLower(value);
        if (role == "co") {
          command_.role = Role::kCo;
        } else if (role == "po") {
          command_.role = Role::kPo;
        } else if (role == "so") {
          command_.role = Role::kSo;
        } else if (role == "cu") {
          command_.role = Role::kCu;
        } else {
          return Bad("unknown role '" + Echo(i) + "' (want co, po, so or cu)");
        }
        return OkStatus();
      }
      default:
        return Bad("internal: " + name + " takes no value");
    }
  }

  StatusOr<SlotRef> ParseSlot(const std::string& value, size_t i) const {
    if (command_internal::ToLower(value) == "direct") {
      if (spec_->verb == Verb::kSlotSet) {
        return Bad("-slot: direct names a USB backup device and cannot be "
                   "the current slot; give a slot number");
      }
      return SlotRef{true, 0};
    }
    if (value.empty()) {
      return Bad("-slot: empty value (want a slot number or direct)");
    }
    uint64_t number = 0;
    for (char c : value) {
      if (c < '0' || c > '9') {
        return Bad("-slot: '" + Echo(i) +
                   "' is not a slot number (decimal, no sign) or direct");
      }
      number = number * 10 + static_cast<uint64_t>(c - '0');
      if (number > UINT32_MAX) {
        return Bad("-slot: '" + Echo(i) + "' is larger than 4294967295");
      }
    }
    return SlotRef{false, static_cast<uint32_t>(number)};
  }

  Status CheckPartition(const std::string& value, size_t i) const {
    if (value.empty()) return Bad("-partition: the name is empty");
    if (value.size() > kMaxLabelLength) {
      return Bad("-partition: '" + Echo(i) + "' is " +
                 std::to_string(value.size()) + " characters; the maximum is " +
                 std::to_string(kMaxLabelLength));
    }
    for (char c : value) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 0x21 || u > 0x7e) {
        return Bad("-partition: '" + Echo(i) +
                   "' has a character outside printable ASCII (no spaces or "
                   "control characters)");
      }
    }
    return OkStatus();
  }

  std::vector<RawToken> tokens_;
  std::vector<std::optional<std::string>> redacted_;
  const VerbSpec* spec_ = nullptr;
  std::string verb_name_;
  std::set<Opt> seen_;
  Command command_;
};

}  // namespace

StatusOr<Command> ParseCommand(std::string_view line) {
  auto tokens = command_internal::Lex(line, /*lenient=*/false);
  if (!tokens.ok()) return tokens.status();
  return Parser(std::move(*tokens)).Run();
}

}  // namespace hsmbackup
