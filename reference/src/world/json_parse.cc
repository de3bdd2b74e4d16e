// Strict JSON text to a document, plus the small helpers both directions use.
#include <algorithm>
#include <string>
#include <vector>

#include "hsmbackup/strict_json.h"
#include "world/world_internal.h"

namespace hsmbackup::world_internal {
namespace {

// DomBuilder is a SAX handler that builds the document itself, because
// nlohmann's own DOM parser silently keeps the last of two equal keys and
// its messages quote the input (which may hold a secret).
//
// It is also what bounds the nesting depth: it refuses to open a container
// past the limit, so no deep document is ever built, copied, dumped or
// walked recursively (nlohmann's SAX parser itself keeps its state on the
// heap, and 3.11 destroys documents iteratively, but copy and dump recurse).
template <typename Json>
class DomBuilder {
 public:
  DomBuilder(Json* root, size_t max_depth) : root_(root), max_depth_(max_depth) {}

  bool null() { return Put(Json(nullptr)); }
  bool boolean(bool v) { return Put(Json(v)); }
  bool number_integer(typename Json::number_integer_t v) { return Put(Json(v)); }
  bool number_unsigned(typename Json::number_unsigned_t v) { return Put(Json(v)); }
  bool number_float(typename Json::number_float_t v, const typename Json::string_t&) {
    return Put(Json(v));
  }
  bool string(typename Json::string_t& v) { return Put(Json(std::move(v))); }
  bool binary(typename Json::binary_t&) { return Put(Json()); }
  bool start_object(std::size_t) { return Open(Json::object()); }
  bool start_array(std::size_t) { return Open(Json::array()); }
  bool end_object() { return Close(); }
  bool end_array() { return Close(); }

  bool key(typename Json::string_t& k) {
    Frame& f = stack_.back();
    // A member is placed in its object as soon as its value is read, so a
    // key the object already holds is a repeat.
    if (f.container->contains(k)) {
      f.key = k;
      problem_pointer_ = PointerOfOpenValue();
      problem_ = "duplicate key";
      return false;
    }
    f.key = std::move(k);
    return true;
  }

  bool parse_error(std::size_t position, const std::string& /*last_token*/,
                   const nlohmann::detail::exception& ex) {
    syntax_error_ = true;
    position_ = position;
    // Everything before "; last read" is fixed text; what follows quotes
    // the input, which may be a secret.
    std::string what = ex.what();
    size_t start = what.find("syntax error");
    what = start == std::string::npos ? "syntax error" : what.substr(start);
    size_t cut = what.find("; last read");
    if (cut != std::string::npos) what.resize(cut);
    problem_ = what;
    return false;
  }

  bool syntax_error() const { return syntax_error_; }
  size_t position() const { return position_; }
  const std::string& problem() const { return problem_; }
  const std::string& problem_pointer() const { return problem_pointer_; }

 private:
  struct Frame {
    Json* container;
    std::string key;  // member being read (objects only)
  };

  // Place stores a value where the parser is, returning where it landed.
  // Pointers to open containers stay valid: only the innermost open
  // container grows, and its own open child is not on the stack yet.
  Json* Place(Json v) {
    if (stack_.empty()) {
      *root_ = std::move(v);
      return root_;
    }
    Frame& f = stack_.back();
    if (f.container->is_array()) {
      f.container->push_back(std::move(v));
      return &f.container->back();
    }
    Json& slot = (*f.container)[f.key];
    slot = std::move(v);
    return &slot;
  }
  bool Put(Json v) {
    Place(std::move(v));
    return true;
  }
  bool Open(Json v) {
    if (stack_.size() >= max_depth_) {
      problem_pointer_ = PointerOfOpenValue();
      problem_ = "nested deeper than " + std::to_string(max_depth_) + " levels";
      return false;
    }
    Json* c = Place(std::move(v));
    stack_.push_back(Frame{c, {}});
    return true;
  }
  bool Close() {
    stack_.pop_back();
    return true;
  }
  // PointerOfOpenValue names the value about to be read. An enclosing
  // array already holds the open child as its last element; the innermost
  // one is about to receive it.
  std::string PointerOfOpenValue() const {
    std::string p;
    for (size_t i = 0; i < stack_.size(); ++i) {
      const Frame& f = stack_[i];
      if (f.container->is_object()) {
        p = Child(p, f.key);
      } else {
        const bool innermost = i + 1 == stack_.size();
        p = Child(p, f.container->size() - (innermost ? 0 : 1));
      }
    }
    return p;
  }

  Json* root_;
  size_t max_depth_;
  std::vector<Frame> stack_;
  bool syntax_error_ = false;
  size_t position_ = 0;
  std::string problem_;
  std::string problem_pointer_;
};

// Where names a byte offset the way every syntax error does.
std::string Where(std::string_view text, size_t offset) {
  offset = std::min(offset, text.size());
  std::string_view before = text.substr(0, offset);
  size_t line = 1 + std::count(before.begin(), before.end(), '\n');
  size_t line_start = before.rfind('\n');
  size_t column = line_start == std::string_view::npos ? offset + 1 : offset - line_start;
  return "byte " + std::to_string(offset) + " (line " + std::to_string(line) + ", column " +
         std::to_string(column) + ")";
}

template <typename Json>
StatusOr<Json> ParseStrict(std::string_view text, std::string_view origin, size_t max_depth) {
  // nlohmann skips a leading byte order mark and stops at a NUL byte as if
  // the input ended there; strict JSON (RFC 8259) allows neither.
  std::string problem;
  size_t offset = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") {
    problem = "a UTF-8 byte order mark is not allowed";
  } else if (size_t nul = text.find('\0'); nul != std::string_view::npos) {
    offset = nul;
    problem = "a NUL byte is not allowed";
  }
  if (!problem.empty()) {
    return Status(Ckr::kDataInvalid, std::string(origin) + ": " + Where(text, offset) +
                                         ": not valid JSON: " + problem);
  }
  Json root;
  DomBuilder<Json> builder(&root, max_depth);
  if (Json::sax_parse(text, &builder)) return root;
  if (!builder.syntax_error()) {
    const std::string pointer =
        builder.problem_pointer().empty() ? "(root)" : builder.problem_pointer();
    return Status(Ckr::kDataInvalid, std::string(origin) + ": " + pointer + ": " +
                                         builder.problem());
  }
  // The lexer counts the byte it stopped at (or the end) as read.
  offset = builder.position() == 0 ? 0 : builder.position() - 1;
  return Status(Ckr::kDataInvalid, std::string(origin) + ": " + Where(text, offset) +
                                       ": not valid JSON: " + builder.problem());
}

}  // namespace

StatusOr<Json> ParseJsonText(std::string_view text, std::string_view origin) {
  return ParseStrict<Json>(text, origin, kMaxNesting);
}

std::string Child(const std::string& ptr, std::string_view key) {
  std::string out = ptr;
  out.push_back('/');
  for (char c : key) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Child(const std::string& ptr, size_t index) {
  return ptr + "/" + std::to_string(index);
}

std::string Quote(std::string_view text) {
  constexpr size_t kMaxQuoted = 48;
  std::string shown(text.substr(0, kMaxQuoted));
  std::string out = Json(shown).dump(-1, ' ', true, Json::error_handler_t::replace);
  if (text.size() > kMaxQuoted) out += "...";
  return out;
}

Bytes DeriveObjectValue(const Ouid& ouid, size_t size) {
  uint64_t hi = 0;
  uint64_t lo = 0;
  for (size_t i = 0; i < 8; ++i) hi = hi << 8 | ouid.bytes[i];
  for (size_t i = 8; i < 12; ++i) lo = lo << 8 | ouid.bytes[i];
  const uint64_t seed = hi ^ (lo << 32 | lo);
  Bytes out(size);
  uint64_t counter = 0;
  for (size_t i = 0; i < size;) {
    uint64_t z = seed + 0x9E3779B97F4A7C15ULL * (++counter);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    for (int b = 0; b < 8 && i < size; ++b, ++i) {
      out[i] = static_cast<uint8_t>(z >> (8 * b));
    }
  }
  return out;
}

uint32_t DefaultNextHandle(const std::vector<uint32_t>& handles_in_use) {
  uint32_t max = 0;
  for (uint32_t h : handles_in_use) max = std::max(max, h);
  // Unsigned wrap gives 0 after 4294967295, the allocator's "exhausted".
  return max + 1;
}

}  // namespace hsmbackup::world_internal

namespace hsmbackup {

StatusOr<nlohmann::json> ParseStrictJson(std::string_view text, std::string_view origin,
                                         size_t max_depth) {
  return world_internal::ParseStrict<nlohmann::json>(text, origin, max_depth);
}

}  // namespace hsmbackup
