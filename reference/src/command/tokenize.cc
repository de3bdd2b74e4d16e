#include <string>
#include <string_view>
#include <vector>

#include "command/internal.h"
#include "hsmbackup/command.h"

namespace hsmbackup {
namespace command_internal {
namespace {

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
         c == '\f';
}

}  // namespace

StatusOr<std::vector<RawToken>> Lex(std::string_view line, bool lenient) {
  std::vector<RawToken> tokens;
  const size_t n = line.size();
  size_t i = 0;
  while (true) {
    while (i < n && IsSpace(line[i])) ++i;
    if (i == n) break;
    RawToken token;
    token.begin = i;
    // Quotes may sit inside a word (-name"x y"z): the pieces concatenate, as
    // in a POSIX shell, so a token ends only at unquoted whitespace.
    while (i < n && !IsSpace(line[i])) {
      const char c = line[i];
      if (c != '\'' && c != '"') {
        // The unquoted run up to the next space or quote, appended at once
        // rather than a character at a time.
        const size_t run = i;
        while (i < n && !IsSpace(line[i]) && line[i] != '\'' && line[i] != '"') ++i;
        token.text.append(line, run, i - run);
        continue;
      }
      token.quoted = true;
      const size_t open = i++;
      bool closed = false;
      while (i < n) {
        const char q = line[i];
        if (q == c) {
          closed = true;
          ++i;
          break;
        }
        if (c == '"' && q == '\\' && i + 1 < n &&
            (line[i + 1] == '"' || line[i + 1] == '\\')) {
          token.text += line[i + 1];
          i += 2;
          continue;
        }
        token.text += q;
        ++i;
      }
      if (!closed) {
        if (!lenient) {
          // The column, never the text: the quote may open a password.
          return Status(Ckr::kArgumentsBad,
                        std::string("unterminated ") + c +
                            " quote starting at column " +
                            std::to_string(open + 1));
        }
        token.unterminated = true;
        break;
      }
    }
    token.end = i;
    tokens.push_back(std::move(token));
  }
  return tokens;
}

}  // namespace command_internal

StatusOr<std::vector<std::string>> Tokenize(std::string_view line) {
  auto raw = command_internal::Lex(line, /*lenient=*/false);
  if (!raw.ok()) return raw.status();
  std::vector<std::string> out;
  out.reserve(raw->size());
  for (auto& token : *raw) out.push_back(std::move(token.text));
  return out;
}

}  // namespace hsmbackup
