// ReadEnvelope (response_envelope.h) against the DOM it replaces: on any
// text, the envelope it reads is the one Json::parse shows.
#include "response_envelope.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include <rapidcheck.h>

namespace hsmbackup::fuzz {
namespace {

using Json = nlohmann::json;

bool StartsWith(const Json& j, std::string_view prefix) {
  return j.is_string() && j.get_ref<const std::string&>().rfind(prefix, 0) == 0;
}

// FromDom is the envelope as the DOM shows it: what protocol_fuzzer judged
// before ReadEnvelope.
std::optional<Envelope> FromDom(const std::string& text) {
  const Json r = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (r.is_discarded() || !r.is_object()) return std::nullopt;
  Envelope e;
  e.has_ok = r.contains("ok");
  if (e.has_ok && r["ok"].is_boolean()) e.ok = r["ok"].get<bool>();
  e.has_id = r.contains("id");
  if (e.has_id) e.id = r["id"];
  if (r.contains("error") && r["error"].is_object()) {
    const Json& err = r["error"];
    e.error_is_object = true;
    e.error_code_ckr = StartsWith(err.value("code", Json()), "CKR_");
    e.error_message_string = err.contains("message") && err["message"].is_string();
  }
  e.result_ckr = StartsWith(r.value("result", Json()), "CKR_");
  e.message_string = r.contains("message") && r["message"].is_string();
  e.prompts_unsigned = r.contains("prompts") && r["prompts"].is_number_unsigned();
  if (r.contains("transcript") && r["transcript"].is_array()) {
    const Json& t = r["transcript"];
    e.transcript_array = true;
    e.transcript_size = t.size();
    e.transcript_all_strings = true;
    for (const Json& line : t)
      e.transcript_all_strings = e.transcript_all_strings && line.is_string();
    e.transcript_ends_with_result = !t.empty() && StartsWith(t.back(), "Command Result : ");
  }
  return e;
}

void ExpectSame(const std::optional<Envelope>& got, const std::optional<Envelope>& want,
                const std::string& text) {
  SCOPED_TRACE(text);
  ASSERT_EQ(got.has_value(), want.has_value());
  if (!got) return;
  EXPECT_EQ(got->has_ok, want->has_ok);
  EXPECT_EQ(got->ok, want->ok);
  EXPECT_EQ(got->has_id, want->has_id);
  EXPECT_EQ(got->id.dump(), want->id.dump());
  EXPECT_EQ(got->error_is_object, want->error_is_object);
  EXPECT_EQ(got->error_code_ckr, want->error_code_ckr);
  EXPECT_EQ(got->error_message_string, want->error_message_string);
  EXPECT_EQ(got->result_ckr, want->result_ckr);
  EXPECT_EQ(got->message_string, want->message_string);
  EXPECT_EQ(got->prompts_unsigned, want->prompts_unsigned);
  EXPECT_EQ(got->transcript_array, want->transcript_array);
  EXPECT_EQ(got->transcript_size, want->transcript_size);
  EXPECT_EQ(got->transcript_all_strings, want->transcript_all_strings);
  EXPECT_EQ(got->transcript_ends_with_result, want->transcript_ends_with_result);
}

// Up to `most` elements from `gen`.
template <typename T>
rc::Gen<std::vector<T>> UpTo(int most, rc::Gen<T> gen) {
  return rc::gen::mapcat(rc::gen::inRange(0, most + 1),
                         [gen](int n) { return rc::gen::container<std::vector<T>>(n, gen); });
}

// A JSON value of any kind, up to `depth` levels of containers, with the
// strings the envelope looks for among its leaves.
rc::Gen<Json> AnyValue(int depth) {
  const rc::Gen<Json> scalar = rc::gen::weightedOneOf<Json>({
      {2, rc::gen::just(Json())},
      {2, rc::gen::map(rc::gen::arbitrary<bool>(), [](bool b) { return Json(b); })},
      {2, rc::gen::map(rc::gen::arbitrary<int64_t>(), [](int64_t v) { return Json(v); })},
      {1, rc::gen::map(rc::gen::arbitrary<uint64_t>(), [](uint64_t v) { return Json(v); })},
      {1, rc::gen::map(rc::gen::arbitrary<double>(), [](double v) { return Json(v); })},
      {4, rc::gen::map(
              rc::gen::element<std::string>("CKR_OK", "CKR_", "ckr_ok", "",
                                            "Command Result : No error", "Command Result", "x"),
              [](std::string s) { return Json(s); })},
  });
  if (depth == 0) return scalar;
  const rc::Gen<Json> inner = rc::gen::lazy([depth] { return AnyValue(depth - 1); });
  const rc::Gen<Json> array =
      rc::gen::map(UpTo(3, inner), [](std::vector<Json> v) { return Json(std::move(v)); });
  const rc::Gen<Json> object = rc::gen::map(
      UpTo(3,
           rc::gen::pair(rc::gen::element<std::string>("code", "message", "id", "ok", "x"), inner)),
      [](std::vector<std::pair<std::string, Json>> kv) {
        Json o = Json::object();
        for (auto& [k, v] : kv) o[k] = std::move(v);
        return o;
      });
  return rc::gen::weightedOneOf<Json>({{6, scalar}, {2, array}, {2, object}});
}

// A response-like object's text; keys may repeat (the DOM keeps the last).
rc::Gen<std::string> ResponseText() {
  const auto member =
      rc::gen::pair(rc::gen::element<std::string>("ok", "id", "error", "result", "message",
                                                  "prompts", "transcript", "state", "capabilities"),
                    AnyValue(3));
  return rc::gen::map(UpTo(8, member),
                      [](const std::vector<std::pair<std::string, Json>>& members) {
                        std::string text = "{";
                        for (size_t i = 0; i < members.size(); ++i) {
                          if (i > 0) text += ",";
                          text += Json(members[i].first).dump() + ":" + members[i].second.dump();
                        }
                        return text + "}";
                      });
}

RC_GTEST_PROP(ResponseEnvelope, ReadsWhatTheDomShows, ()) {
  const std::string text = *ResponseText();
  ExpectSame(ReadEnvelope(text), FromDom(text), text);
}

RC_GTEST_PROP(ResponseEnvelope, ACutOrMangledResponseIsNoEnvelopeUnlessTheDomReadsOne, ()) {
  std::string text = *ResponseText();
  const size_t at = *rc::gen::inRange<size_t>(0, text.size() + 1);
  switch (*rc::gen::inRange(0, 3)) {
    case 0: text.resize(at); break;
    case 1: text.insert(at, *rc::gen::element<std::string>("}", "]", ",", "\"", "x", " ")); break;
    default: text.insert(at, *rc::gen::element<std::string>("\n", "{}", "1")); break;
  }
  ExpectSame(ReadEnvelope(text), FromDom(text), text);
}

TEST(ResponseEnvelope, TheProtocolsOwnShapesReadAsTheyShould) {
  const char* const kTexts[] = {
      R"({"id":1,"ok":true,"state":{"slots":[{"id":0,"objects":[{"id":"x"}]}]}})",
      R"({"error":{"code":"CKR_ARGUMENTS_BAD","message":"m"},"id":null,"ok":false})",
      R"({"id":{"a":[null,{"b":[]}]},"message":"","ok":true,"prompts":0,"result":"CKR_OK",)"
      R"("transcript":["a",["nested"],"Command Result : No Error"]})",
      R"({"id":[1,2],"id":"last","ok":true,"ok":1})",
      R"([{"id":1,"ok":true}])",
      R"("ok")",
      R"({"id":1,"ok":true} {})",
      "",
  };
  for (const char* text : kTexts) ExpectSame(ReadEnvelope(text), FromDom(text), text);
  const std::optional<Envelope> nested = ReadEnvelope(kTexts[2]);
  ASSERT_TRUE(nested.has_value());
  EXPECT_EQ(nested->id.dump(), R"({"a":[null,{"b":[]}]})");
  EXPECT_FALSE(nested->transcript_all_strings);
  EXPECT_EQ(nested->transcript_size, 3u);
  EXPECT_TRUE(nested->transcript_ends_with_result);
}

}  // namespace
}  // namespace hsmbackup::fuzz
