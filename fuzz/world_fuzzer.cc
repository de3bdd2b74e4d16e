// Fuzz target: the world JSON loader and writer.
//
// Invariants: an accepted world renders canonically and reloads equal
// (ParseWorld(WorldToJson(w)) == w), and rendering is stable (the reloaded
// world renders to the same text). A rejected input fails with
// CKR_DATA_INVALID and its message never quotes the value of a secret field
// (WORLD-FORMAT.md: "Secrets never appear in a message"), checked soundly:
// only values that cannot appear in a message for another reason are
// looked for.
#include <nlohmann/json.hpp>

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "hsmbackup/world_io.h"

using namespace hsmbackup;

namespace {

constexpr std::string_view kOrigin = "fuzz.json";

bool IsSecretKey(const std::string& key, bool in_credentials) {
  static const std::set<std::string> kSecrets = {
      "default_domain", "domain", "so_password", "ped_domain", "password", "smk", "smk_blob"};
  return in_credentials || kSecrets.count(key) != 0;
}

// Collect gathers secret values and everything else a message may quote
// (keys, other strings, numbers).
void Collect(const nlohmann::json& j, bool in_credentials, bool secret,
             std::vector<std::string>* secrets, std::string* others) {
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      *others += it.key() + '\n';
      Collect(it.value(), it.key() == "credentials", IsSecretKey(it.key(), in_credentials), secrets,
              others);
    }
  } else if (j.is_array()) {
    for (const auto& v : j) Collect(v, false, false, secrets, others);
  } else if (j.is_string()) {
    (secret ? secrets->push_back(j.get<std::string>())
            : void(*others += j.get<std::string>() + '\n'));
  } else {
    *others += j.dump() + '\n';
  }
}

// Distinctive: long enough, a letter and a digit (no fixed message text or
// number matches), and no '/', '.' or ' ' (which JSON paths, file names and
// sentences are made of).
bool Distinctive(const std::string& s) {
  if (s.size() < 8) return false;
  bool alpha = false, digit = false;
  for (unsigned char c : s) {
    if (c == '/' || c == '.' || c == ' ') return false;
    alpha |= std::isalpha(c) != 0;
    digit |= std::isdigit(c) != 0;
  }
  return alpha && digit;
}

void CheckNoSecretInMessage(std::string_view text, const Status& status) {
  // Lenient (duplicates, a BOM are fine here: their messages are checked
  // too), but values nested past 64 levels are dropped while parsing, so
  // Collect never recurses deeper than the loader ever reads.
  const nlohmann::json::parser_callback_t shallow = [](int depth, nlohmann::json::parse_event_t,
                                                       nlohmann::json&) { return depth <= 64; };
  // Read as unsigned bytes: the oracle's own copy of nlohmann's lexer and
  // parser, left without coverage (fuzz/coverage-ignorelist.txt).
  const auto* first = reinterpret_cast<const unsigned char*>(text.data());
  auto doc = nlohmann::json::parse(first, first + text.size(), shallow, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return;
  std::vector<std::string> secrets;
  std::string others(kOrigin);
  others += '\n';
  Collect(doc, false, false, &secrets, &others);
  const std::string message = status.ToString();
  for (const std::string& s : secrets) {
    if (!Distinctive(s) || others.find(s) != std::string::npos) continue;
    if (message.find(s) != std::string::npos) {
      std::fprintf(stderr, "secret value leaked into: %s\n", message.c_str());
      FUZZ_CHECK(message.find(s) == std::string::npos);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  StatusOr<World> world = ParseWorld(text, kOrigin);
  if (!world.ok()) {
    FUZZ_CHECK(world.status().code() == Ckr::kDataInvalid);
    CheckNoSecretInMessage(text, world.status());
    return 0;
  }
  const std::string json = WorldToJson(*world);
  StatusOr<World> again = ParseWorld(json, "canonical");
  if (!again.ok()) std::fprintf(stderr, "%s\n", again.status().ToString().c_str());
  FUZZ_CHECK(again.ok());
  FUZZ_CHECK(*again == *world);
  FUZZ_CHECK(WorldToJson(*again) == json);
  return 0;
}
