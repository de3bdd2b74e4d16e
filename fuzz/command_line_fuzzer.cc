// Fuzz target: the lunacm command-line parser and the redactor.
//
// Invariants: Tokenize, ParseCommand and ParseObjectList fail only with
// CKR_ARGUMENTS_BAD; a line ParseCommand accepts also tokenizes; an accepted
// -objects list is "all" or distinct non-zero handles; RedactCommandLine
// never throws; and when ParseCommand accepts a secret option (-password,
// -sopassword, -domain), the redacted line does not hold its value. That
// last check is kept sound: it applies only to a value of 4+ characters
// without whitespace, quotes, backslashes or '*' (the mask), that no other
// token contains and that occurs once in the raw line (so the occurrence is
// the value itself, which redaction must hide).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "hsmbackup/command.h"

using namespace hsmbackup;

namespace {

size_t Occurrences(std::string_view hay, std::string_view needle) {
  size_t n = 0;
  for (size_t pos = hay.find(needle); pos != std::string_view::npos;
       pos = hay.find(needle, pos + 1)) {
    ++n;
  }
  return n;
}

void CheckHidden(std::string_view line, const std::vector<std::string>& tokens,
                 const std::string& redacted, const Secret& secret) {
  const std::string value = secret.Reveal();
  if (value.size() < 4 || value.find_first_of(" \t\r\n\v\f'\"\\*") != std::string::npos) return;
  const auto holders = std::count_if(tokens.begin(), tokens.end(), [&](const std::string& t) {
    return t.find(value) != std::string::npos;
  });
  if (holders != 1 || Occurrences(line, value) != 1) return;
  if (redacted.find(value) != std::string::npos) {
    std::fprintf(stderr, "secret value not redacted: %s\n", redacted.c_str());
    FUZZ_CHECK(redacted.find(value) == std::string::npos);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);

  auto tokens = Tokenize(line);
  if (!tokens.ok()) FUZZ_CHECK(tokens.status().code() == Ckr::kArgumentsBad);

  auto objects = ParseObjectList(line);
  if (objects.ok()) {
    if (!objects->all) {
      std::set<uint32_t> seen(objects->handles.begin(), objects->handles.end());
      FUZZ_CHECK(!objects->handles.empty() && seen.size() == objects->handles.size());
      FUZZ_CHECK(seen.count(0) == 0);
    }
  } else {
    FUZZ_CHECK(objects.status().code() == Ckr::kArgumentsBad);
  }

  std::string redacted;
  try {
    redacted = RedactCommandLine(line);
  } catch (...) {
    FUZZ_CHECK(!"RedactCommandLine threw");
  }

  auto command = ParseCommand(line);
  if (!command.ok()) {
    FUZZ_CHECK(command.status().code() == Ckr::kArgumentsBad);
    return 0;
  }
  FUZZ_CHECK(tokens.ok());
  if (command->objects && !command->objects->all) {
    FUZZ_CHECK(!command->objects->handles.empty());
  }
  for (const auto* secret : {&command->password, &command->sopassword, &command->domain}) {
    if (secret->has_value()) CheckHidden(line, *tokens, redacted, **secret);
  }
  return 0;
}
