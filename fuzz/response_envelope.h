// ReadEnvelope reads the envelope of one protocol response (PROTOCOL.md,
// "Responses") without building the response as a DOM: protocol_fuzzer
// judges every response of every session, and under ASan the DOM's
// allocations were as costly as the server's own work (FUZZING.md, "Where a
// protocol_fuzzer session goes"). Only "id" is kept as a value; every other
// key is judged as it streams past, and the values of keys outside the
// envelope (an observe's "state") are scanned and dropped.
//
// Contract: for any text, ReadEnvelope(text) describes exactly what
// Json::parse(text) would show of the same keys: nullopt when the text is
// not one JSON value or its value is not an object; a repeated key counts as
// its last occurrence, as the DOM keeps it. response_envelope_test.cc checks
// this against the DOM on generated responses.
#ifndef HSMBACKUP_FUZZ_RESPONSE_ENVELOPE_H_
#define HSMBACKUP_FUZZ_RESPONSE_ENVELOPE_H_

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hsmbackup::fuzz {

// Envelope is what the response's top-level keys held. A "has_" flag is set
// when the key was present; the typed fields then say what its value was.
struct Envelope {
  bool has_ok = false;
  std::optional<bool> ok;  // set when "ok" was a boolean
  bool has_id = false;
  nlohmann::json id;  // "id"'s value, whole
  bool error_is_object = false;
  bool error_code_ckr = false;               // error.code a string starting "CKR_"
  bool error_message_string = false;         // error.message a string
  bool result_ckr = false;                   // "result" a string starting "CKR_"
  bool message_string = false;               // "message" a string
  bool prompts_unsigned = false;             // "prompts" a non-negative integer
  bool transcript_array = false;             // "transcript" an array ...
  size_t transcript_size = 0;                // ... of this many elements,
  bool transcript_all_strings = false;       // all strings,
  bool transcript_ends_with_result = false;  // the last "Command Result : ..."
};

namespace envelope_internal {

using Json = nlohmann::json;

inline bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Reader is a SAX handler. depth_ counts open containers; the response
// object itself is depth 1, so its keys' scalar values arrive at depth 1 and
// the elements of "transcript" and the members of "error" at depth 2.
class Reader final : public nlohmann::json_sax<Json> {
 public:
  explicit Reader(Envelope* out) : out_(out) {}

  bool null() override {
    if (id_depth_ > 0) return id_builder_->null();
    if (AtId()) out_->id = nullptr;
    return Scalar(Kind::kOther, {});
  }
  bool boolean(bool b) override {
    if (id_depth_ > 0) return id_builder_->boolean(b);
    if (AtId()) out_->id = b;
    if (depth_ == 1 && key_ == Key::kOk) out_->ok = b;
    return Scalar(Kind::kOther, {});
  }
  bool number_integer(number_integer_t v) override {
    if (id_depth_ > 0) return id_builder_->number_integer(v);
    if (AtId()) out_->id = v;
    return Scalar(v >= 0 ? Kind::kUnsigned : Kind::kOther, {});
  }
  bool number_unsigned(number_unsigned_t v) override {
    if (id_depth_ > 0) return id_builder_->number_unsigned(v);
    if (AtId()) out_->id = v;
    return Scalar(Kind::kUnsigned, {});
  }
  bool number_float(number_float_t v, const string_t& text) override {
    if (id_depth_ > 0) return id_builder_->number_float(v, text);
    if (AtId()) out_->id = v;
    return Scalar(Kind::kOther, {});
  }
  bool string(string_t& v) override {
    if (id_depth_ > 0) return id_builder_->string(v);
    if (AtId()) out_->id = v;
    return Scalar(Kind::kString, v);
  }
  bool binary(binary_t&) override { return false; }  // JSON text has none

  bool start_object(std::size_t) override { return Open(/*array=*/false); }
  bool end_object() override { return Close(/*array=*/false); }
  bool start_array(std::size_t) override { return Open(/*array=*/true); }
  bool end_array() override { return Close(/*array=*/true); }

  bool key(string_t& k) override {
    if (id_depth_ > 0) return id_builder_->key(k);
    if (depth_ == 1) {
      key_ = k == "ok"           ? Key::kOk
             : k == "id"         ? Key::kId
             : k == "error"      ? Key::kError
             : k == "result"     ? Key::kResult
             : k == "message"    ? Key::kMessage
             : k == "prompts"    ? Key::kPrompts
             : k == "transcript" ? Key::kTranscript
                                 : Key::kOther;
      Reset(key_);
    } else if (depth_ == 2 && key_ == Key::kError) {
      error_key_ = k == "code"      ? ErrorKey::kCode
                   : k == "message" ? ErrorKey::kMessage
                                    : ErrorKey::kOther;
      if (error_key_ == ErrorKey::kCode) out_->error_code_ckr = false;
      if (error_key_ == ErrorKey::kMessage) out_->error_message_string = false;
    }
    return true;
  }

  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override {
    return false;
  }

  bool top_is_object() const { return top_is_object_; }

 private:
  enum class Key { kNone, kOk, kId, kError, kResult, kMessage, kPrompts, kTranscript, kOther };
  enum class ErrorKey { kOther, kCode, kMessage };
  enum class Kind { kString, kUnsigned, kOther };

  // Reset forgets what an earlier occurrence of `key` set: the DOM keeps a
  // repeated key's last value.
  void Reset(Key key) {
    switch (key) {
      case Key::kOk:
        out_->has_ok = true;
        out_->ok.reset();
        break;
      case Key::kId:
        out_->has_id = true;
        out_->id = Json();
        break;
      case Key::kError:
        out_->error_is_object = out_->error_code_ckr = out_->error_message_string = false;
        break;
      case Key::kResult: out_->result_ckr = false; break;
      case Key::kMessage: out_->message_string = false; break;
      case Key::kPrompts: out_->prompts_unsigned = false; break;
      case Key::kTranscript:
        out_->transcript_array = out_->transcript_all_strings = false;
        out_->transcript_ends_with_result = false;
        out_->transcript_size = 0;
        break;
      default: break;
    }
  }

  // AtId: the next value is the response's "id" itself.
  bool AtId() const { return depth_ == 1 && key_ == Key::kId; }

  // Scalar judges one scalar outside "id"; `text` is it when kind is kString.
  bool Scalar(Kind kind, std::string_view text) {
    if (depth_ == 1) {
      switch (key_) {
        case Key::kResult:
          out_->result_ckr = kind == Kind::kString && StartsWith(text, "CKR_");
          break;
        case Key::kMessage: out_->message_string = kind == Kind::kString; break;
        case Key::kPrompts: out_->prompts_unsigned = kind == Kind::kUnsigned; break;
        default: break;
      }
    } else if (depth_ == 2 && in_transcript_) {
      Element(kind == Kind::kString, text);
    } else if (depth_ == 2 && in_error_) {
      if (error_key_ == ErrorKey::kCode) {
        out_->error_code_ckr = kind == Kind::kString && StartsWith(text, "CKR_");
      } else if (error_key_ == ErrorKey::kMessage) {
        out_->error_message_string = kind == Kind::kString;
      }
    }
    return true;
  }

  void Element(bool is_string, std::string_view text) {
    ++out_->transcript_size;
    out_->transcript_all_strings = out_->transcript_all_strings && is_string;
    out_->transcript_ends_with_result = is_string && StartsWith(text, "Command Result : ");
  }

  bool Open(bool array) {
    if (id_depth_ > 0) {
      ++id_depth_;
      ++depth_;
      return array ? id_builder_->start_array(static_cast<std::size_t>(-1))
                   : id_builder_->start_object(static_cast<std::size_t>(-1));
    }
    if (depth_ == 0) top_is_object_ = !array;
    if (depth_ == 1 && key_ == Key::kId) {  // a container id: built whole
      id_builder_.emplace(out_->id, /*allow_exceptions=*/false);
      id_depth_ = 1;
      ++depth_;
      return array ? id_builder_->start_array(static_cast<std::size_t>(-1))
                   : id_builder_->start_object(static_cast<std::size_t>(-1));
    }
    if (depth_ == 1 && key_ == Key::kTranscript && array) {
      in_transcript_ = true;
      out_->transcript_array = out_->transcript_all_strings = true;
    }
    if (depth_ == 1 && key_ == Key::kError && !array) {
      in_error_ = true;
      out_->error_is_object = true;
      error_key_ = ErrorKey::kOther;
    }
    if (depth_ == 2 && in_transcript_) Element(false, {});  // a container element
    ++depth_;
    return true;
  }

  bool Close(bool array) {
    if (id_depth_ > 0) {
      const bool ok = array ? id_builder_->end_array() : id_builder_->end_object();
      --depth_;
      if (--id_depth_ == 0) id_builder_.reset();
      return ok;
    }
    --depth_;
    if (depth_ == 1) in_transcript_ = in_error_ = false;
    return true;
  }

  Envelope* out_;
  size_t depth_ = 0;
  bool top_is_object_ = false;
  Key key_ = Key::kNone;
  ErrorKey error_key_ = ErrorKey::kOther;
  bool in_transcript_ = false;
  bool in_error_ = false;
  size_t id_depth_ = 0;
  std::optional<nlohmann::detail::json_sax_dom_parser<Json>> id_builder_;
};

}  // namespace envelope_internal

inline std::optional<Envelope> ReadEnvelope(std::string_view response) {
  Envelope env;
  envelope_internal::Reader reader(&env);
  // Read as unsigned bytes: nlohmann's lexer and parser are then compiled
  // for this reader alone, and fuzz/coverage-ignorelist.txt leaves them
  // uninstrumented, so the oracle's reading adds no coverage features of its
  // own. The server's reading of requests keeps its instrumented copy.
  const auto* first = reinterpret_cast<const unsigned char*>(response.data());
  if (!nlohmann::json::sax_parse(first, first + response.size(), &reader) ||
      !reader.top_is_object()) {
    return std::nullopt;
  }
  return env;
}

}  // namespace hsmbackup::fuzz

#endif  // HSMBACKUP_FUZZ_RESPONSE_ENVELOPE_H_
