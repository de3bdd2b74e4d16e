// The lunacm engine: executes commands against a World.
//
// A Session is one lunacm process: it has a current slot and logged-in roles
// (which are not saved) and changes the World it was given (which is). Every
// command either succeeds, or fails with a CKR code; a command that fails
// validation changes nothing. Progress goes to a TranscriptSink as it
// happens, so prompts interleave correctly in a shell.
#ifndef HSMBACKUP_ENGINE_H_
#define HSMBACKUP_ENGINE_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "hsmbackup/command.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/model.h"
#include "hsmbackup/secret.h"
#include "hsmbackup/status.h"

namespace hsmbackup {

// TranscriptSink receives lunacm output one line at a time, without
// indentation; "" is a blank line.
class TranscriptSink {
 public:
  virtual ~TranscriptSink() = default;
  virtual void Line(std::string_view line) = 0;
  // Answered records a prompt and the answer given. By default it is one
  // line, "<prompt><answer>", as lunacm shows it; an interactive sink whose
  // terminal already shows both overrides it to print nothing.
  virtual void Answered(std::string_view prompt, std::string_view answer) {
    std::string line(prompt);
    line += answer;
    Line(line);
  }
};

// CollectingSink keeps the lines, for tests and the subprocess protocol.
class CollectingSink final : public TranscriptSink {
 public:
  void Line(std::string_view line) override { lines.emplace_back(line); }
  std::vector<std::string> lines;
};

// Credential is what a command asks for when its option is left off the
// line (AUTH-PROMPT): the backup HSM's SO password (-sopassword), a backup
// partition's password (-password), a new backup partition's cloning domain
// (-domain).
enum class Credential { kSoPassword, kPassword, kDomain };

// CredentialName is the option's name without its dash ("sopassword",
// "password", "domain"), as `run --credential` and the protocol spell it.
std::string_view CredentialName(Credential what);

// kSecretEcho is what a transcript shows for a secret typed at a prompt, of
// whatever length.
inline constexpr std::string_view kSecretEcho = "********";

// Prompter answers lunacm's prompts: proceed/quit questions, and the
// credentials a command needs that its line did not give.
class Prompter {
 public:
  virtual ~Prompter() = default;
  // Ask shows `prompt` (without newline) and returns the answer typed.
  virtual std::string Ask(std::string_view prompt) = 0;
  // AskSecret shows `prompt` and returns what was typed without echoing it,
  // or nullopt when no answer can be had (end of input, none supplied).
  // The default has none.
  virtual std::optional<Secret> AskSecret(Credential /*what*/, std::string_view /*prompt*/) {
    return std::nullopt;
  }
};

// ScriptedPrompter answers proceed/quit prompts from a list, then with
// `fallback` ("quit"); credential prompts from `credentials` by kind (every
// prompt for a kind gets the same value), nullopt for a kind not given.
class ScriptedPrompter final : public Prompter {
 public:
  explicit ScriptedPrompter(std::vector<std::string> answers,
                            std::string fallback = "quit",
                            std::map<Credential, Secret> credentials = {})
      : answers_(std::move(answers)),
        fallback_(std::move(fallback)),
        credentials_(std::move(credentials)) {}
  std::string Ask(std::string_view prompt) override;
  std::optional<Secret> AskSecret(Credential what, std::string_view prompt) override;
  size_t asked() const { return asked_; }
  // The credential prompts asked so far, in order (answered or not).
  const std::vector<Credential>& asked_credentials() const { return asked_credentials_; }

 private:
  std::vector<std::string> answers_;
  std::string fallback_;
  std::map<Credential, Secret> credentials_;
  size_t asked_ = 0;
  std::vector<Credential> asked_credentials_;
};

// Result is what one command ended with. `status` is OK or the failure
// (code and message); the transcript already holds the result line.
struct Result {
  Status status;
  Ckr code() const { return status.code(); }
};
// Prints as its Status (see PrintTo in status.h).
inline void PrintTo(const Result& result, std::ostream* os) { PrintTo(result.status, os); }

// SessionOptions tune how a session works, never what it does: every
// transcript line, result and world byte is the same whatever they are
// (the engine's tests run the same commands under different options and
// compare).
struct SessionOptions {
  // The most objects a backup seals ahead of verifying and storing them
  // (1 to kMaxSealAhead; 1 seals each as it is cloned). Sealing a batch
  // and then landing it keeps each half's code in the instruction cache
  // (bench/BENCHMARKS.md, "Tenth pass").
  static constexpr size_t kMaxSealAhead = 16;
  size_t seal_ahead = kMaxSealAhead;
};

class Session {
 public:
  // `world` must outlive the session. The current slot starts at the
  // lowest-numbered slot.
  explicit Session(World* world, SessionOptions options = {});

  // Execute parses and runs one lunacm line. It always ends the transcript
  // with "Command Result : No Error" or "Command Result : 0x... (CKR_...)".
  // A world whose clock.now + clock.step_seconds would pass kMaxWorldTime
  // (model.h) runs nothing: every command fails with CKR_GENERAL_ERROR and
  // changes nothing, so a success can never leave an unsavable world.
  Result Execute(std::string_view line, TranscriptSink& out, Prompter& prompt);
  Result Execute(const Command& command, TranscriptSink& out, Prompter& prompt);

  uint32_t current_slot() const { return current_slot_; }
  bool LoggedIn(uint32_t slot, Role role) const;

 private:
  friend class SessionAccess;  // engine internals (src/engine/)
  World* world_;
  SessionOptions options_;
  uint32_t current_slot_ = 0;
  std::map<uint32_t, Role> logged_in_;  // slot -> role
  KeyCache keys_;                       // the domain keys and SMK ids this session has derived
};

// ResultLine renders the closing line for a code.
std::string ResultLine(Ckr code);

}  // namespace hsmbackup

#endif  // HSMBACKUP_ENGINE_H_
