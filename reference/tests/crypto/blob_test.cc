// The clone blob's wire format: parsing, canonical form, payload, fingerprint.
#include "hsmbackup/blob.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/crypto_test_util.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using ::hsmbackup::testing::GoldenObject;
using ::hsmbackup::testing::Hex;
using ::hsmbackup::testing::HexArray;

// Offsets from BLOB-FORMAT.md.
constexpr size_t kVersionAt = 4, kKindAt = 5, kSourceAt = 6, kFlagsAt = 7;
constexpr size_t kKeyIdAt = 8, kLabelLenAt = 28, kLabelAt = 29;

Bytes GoldenBlob() { return Hex(testing::kGoldenObjectBlob); }

// CtLenAt is where the ciphertext length sits for a blob with this label.
size_t CtLenAt(size_t label_len) { return kLabelAt + label_len + kAeadNonceBytes; }

void ExpectInvalid(const Bytes& bytes, std::string_view message_part) {
  auto parsed = ParseBlob(bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), Ckr::kDataInvalid);
  EXPECT_NE(parsed.status().message().find(message_part), std::string::npos)
      << "message was: " << parsed.status().message();
}

TEST(ParseBlob, ReadsTheGoldenBlob) {
  auto blob = ParseBlob(GoldenBlob());
  ASSERT_TRUE(blob.ok()) << blob.status().ToString();
  EXPECT_EQ(blob->kind, BlobKind::kDomainObject);
  EXPECT_EQ(blob->source_kind, PartitionKind::kV0);
  EXPECT_EQ(blob->key_id, SmkId{});
  EXPECT_EQ(blob->ouid, GoldenObject().ouid);
  EXPECT_EQ(blob->label, "demo aes key");
  EXPECT_EQ(HexEncode(blob->nonce), testing::kGoldenObjectNonce);
  EXPECT_EQ(blob->ciphertext.size(), Hex(testing::kGoldenPayload).size());
  EXPECT_EQ(SerializeBlob(*blob), GoldenBlob());
  // The AAD is every byte before the ciphertext length.
  const Bytes wire = GoldenBlob();
  EXPECT_EQ(BlobAad(*blob), Bytes(wire.begin(), wire.begin() + CtLenAt(12)));
}

TEST(ParseBlob, RoundTripsEveryKind) {
  CloneBlob smk_object;
  smk_object.kind = BlobKind::kSmkObject;
  smk_object.source_kind = PartitionKind::kV1;
  smk_object.key_id = HexArray<8>("0102030405060708");
  smk_object.ouid.bytes[0] = 9;
  smk_object.label = std::string(kMaxObjectLabelLength, '~');
  smk_object.ciphertext = Bytes(300, 0xAB);
  smk_object.tag[3] = 3;
  CloneBlob smk;
  smk.kind = BlobKind::kSmk;
  smk.source_kind = PartitionKind::kV1;
  smk.key_id[7] = 1;
  smk.ciphertext = Bytes(32, 1);
  CloneBlob pre77;
  pre77.source_kind = PartitionKind::kPre77;
  for (const CloneBlob& b : {smk_object, smk, pre77}) {
    Bytes wire = SerializeBlob(b);
    auto parsed = ParseBlob(wire);
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    EXPECT_EQ(*parsed, b);
    EXPECT_EQ(SerializeBlob(*parsed), wire);
  }
}

TEST(ParseBlob, RejectsEveryTruncation) {
  const Bytes wire = GoldenBlob();
  for (size_t n = 0; n < wire.size(); ++n) {
    SCOPED_TRACE(n);
    auto parsed = ParseBlob(ByteSpan(wire).first(n));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().code(), Ckr::kDataInvalid);
    EXPECT_NE(parsed.status().message().find("truncated"), std::string::npos)
        << parsed.status().message();
  }
}

// The header is read as records (ParseBlobView), yet a blob cut anywhere
// is refused naming exactly the field it ends in, as field by field.
TEST(ParseBlob, NamesTheFieldEveryTruncationEndsIn) {
  const Bytes wire = GoldenBlob();
  const size_t label_len = wire[kLabelLenAt];
  const size_t ct_len = wire.size() - CtLenAt(label_len) - 4 - kAeadTagBytes;
  struct Field {
    size_t end;
    const char* name;
  };
  const Field fields[] = {{4, "magic"},
                          {kKindAt, "version"},
                          {kSourceAt, "kind"},
                          {kFlagsAt, "source kind"},
                          {kKeyIdAt, "flags"},
                          {kKeyIdAt + 8, "key id"},
                          {kLabelLenAt, "OUID"},
                          {kLabelAt, "label length"},
                          {kLabelAt + label_len, "label"},
                          {CtLenAt(label_len), "nonce"},
                          {CtLenAt(label_len) + 4, "ciphertext length"},
                          {CtLenAt(label_len) + 4 + ct_len, "ciphertext"},
                          {wire.size(), "tag"}};
  size_t field = 0;
  for (size_t n = 0; n < wire.size(); ++n) {
    while (n >= fields[field].end) ++field;
    SCOPED_TRACE(n);
    auto parsed = ParseBlobView(ByteSpan(wire).first(n));
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.status().message(),
              std::string("blob truncated in the ") + fields[field].name);
  }
}

// A short blob is checked field by field up to where it ends: a bad field
// it holds is named, not the truncation after it.
TEST(ParseBlob, ChecksTheFieldsAShortBlobHolds) {
  Bytes wire = GoldenBlob();
  wire[kVersionAt] = 9;
  ExpectInvalid(Bytes(wire.begin(), wire.begin() + kKindAt), "unknown blob version 9");
  wire = GoldenBlob();
  wire[kKindAt] = 7;
  ExpectInvalid(Bytes(wire.begin(), wire.begin() + kSourceAt), "unknown blob kind 7");
  wire = GoldenBlob();
  wire[kFlagsAt] = 1;
  ExpectInvalid(Bytes(wire.begin(), wire.begin() + kKeyIdAt), "non-zero flags");
  wire = GoldenBlob();
  wire[kKeyIdAt + 3] = 1;  // a domain-sealed object with a key id
  ExpectInvalid(Bytes(wire.begin(), wire.begin() + kKeyIdAt + 8), "key id must be zero");
  wire = GoldenBlob();
  wire[kLabelLenAt] = 200;
  ExpectInvalid(Bytes(wire.begin(), wire.begin() + kLabelAt), "label length 200 over");
  wire = GoldenBlob();
  wire[0] = 'X';
  ExpectInvalid(Bytes(wire.begin(), wire.begin() + 4), "bad magic");
}

TEST(ParseBlob, RejectsTrailingBytes) {
  Bytes wire = GoldenBlob();
  wire.push_back(0);
  ExpectInvalid(wire, "trailing bytes");
}

TEST(ParseBlob, RejectsBadMagic) {
  Bytes wire = GoldenBlob();
  wire[0] = 'X';
  ExpectInvalid(wire, "bad magic");
  ExpectInvalid(Hex("00000000"), "bad magic");
}

TEST(ParseBlob, RejectsUnknownVersion) {
  for (uint8_t v : {0, 2, 255}) {
    Bytes wire = GoldenBlob();
    wire[kVersionAt] = v;
    ExpectInvalid(wire, "unknown blob version " + std::to_string(v));
  }
}

TEST(ParseBlob, RejectsUnknownKindAndSourceKind) {
  for (uint8_t k : {0, 4, 200}) {
    Bytes wire = GoldenBlob();
    wire[kKindAt] = k;
    ExpectInvalid(wire, "unknown blob kind");
  }
  Bytes wire = GoldenBlob();
  wire[kSourceAt] = 3;
  ExpectInvalid(wire, "unknown source kind");
}

TEST(ParseBlob, RejectsKindsWithTheWrongSource) {
  Bytes v1_domain = GoldenBlob();
  v1_domain[kSourceAt] = 2;
  ExpectInvalid(v1_domain, "source kind V1 is not allowed");
  CloneBlob b;
  b.kind = BlobKind::kSmkObject;
  b.source_kind = PartitionKind::kV0;
  ExpectInvalid(SerializeBlob(b), "source kind V0 is not allowed");
  b.kind = BlobKind::kSmk;
  b.source_kind = PartitionKind::kPre77;
  ExpectInvalid(SerializeBlob(b), "source kind pre-7.7 is not allowed");
}

TEST(ParseBlob, RejectsNonZeroFlags) {
  for (uint8_t f : {1, 0x80}) {
    Bytes wire = GoldenBlob();
    wire[kFlagsAt] = f;
    ExpectInvalid(wire, "non-zero flags");
  }
}

TEST(ParseBlob, RejectsNonCanonicalKeyIdAndOuid) {
  Bytes wire = GoldenBlob();
  wire[kKeyIdAt + 7] = 1;
  ExpectInvalid(wire, "key id must be zero");
  CloneBlob smk;
  smk.kind = BlobKind::kSmk;
  smk.source_kind = PartitionKind::kV1;
  smk.ouid.bytes[11] = 1;
  ExpectInvalid(SerializeBlob(smk), "OUID must be zero");
}

TEST(ParseBlob, RejectsBadLabels) {
  CloneBlob b;
  b.label = std::string(kMaxObjectLabelLength + 1, 'a');
  ExpectInvalid(SerializeBlob(b), "label length 129 over the limit of 128");
  Bytes wire = GoldenBlob();
  wire[kLabelLenAt] = 255;
  ExpectInvalid(wire, "label length 255 over the limit");
  for (char bad : {'\x00', '\x1f', '\x7f', '\xc3'}) {
    Bytes w = GoldenBlob();
    w[kLabelAt + 2] = static_cast<uint8_t>(bad);
    ExpectInvalid(w, "label holds a byte outside printable ASCII");
  }
}

// The label check reads words, overlapping ones and picks (blob_codec.h):
// one byte out of range at any position of a label of any length is found.
TEST(ParseBlob, ChecksEveryLabelByteAtEveryLength) {
  for (size_t len = 0; len <= kMaxObjectLabelLength; ++len) {
    for (size_t at = 0; at < len; ++at) {
      for (int byte : {0x00, 0x1f, 0x20, 0x41, 0x7e, 0x7f, 0x80, 0x9f, 0xa0, 0xff}) {
        CloneBlob b;
        b.label = std::string(len, 'a');
        b.label[at] = static_cast<char>(byte);
        const bool printable = byte >= 0x20 && byte <= 0x7e;
        EXPECT_EQ(ParseBlob(SerializeBlob(b)).ok(), printable)
            << "length " << len << ", byte " << byte << " at " << at;
      }
    }
  }
}

TEST(ParseBlob, RejectsCiphertextLengthsOverTheLimitOrPastTheEnd) {
  const size_t at = CtLenAt(12);
  auto set_len = [&](uint32_t len) {
    Bytes w = GoldenBlob();
    for (int i = 0; i < 4; ++i) w[at + i] = static_cast<uint8_t>(len >> (24 - 8 * i));
    return w;
  };
  ExpectInvalid(set_len(kMaxBlobCiphertext + 1), "over the limit of 135431");
  ExpectInvalid(set_len(0xFFFFFFFF), "ciphertext length 4294967295 over the limit");
  ExpectInvalid(set_len(0x1000), "truncated in the ciphertext");
  // One more than is there: the tag is short by one byte.
  ExpectInvalid(set_len(0x47), "truncated in the tag");
  ExpectInvalid(set_len(0x45), "trailing bytes");
}

TEST(ParseBlob, AcceptsTheLargestCiphertext) {
  EXPECT_EQ(kMaxBlobCiphertext, 135431u);
  CloneBlob b;
  b.ciphertext = Bytes(kMaxBlobCiphertext, 0x42);
  auto parsed = ParseBlob(SerializeBlob(b));
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, b);
}

TEST(Payload, EncodesTheGoldenObject) {
  EXPECT_EQ(HexEncode(EncodePayload(GoldenObject())), testing::kGoldenPayload);
  Object decoded;
  decoded.handle = 99;
  ASSERT_TRUE(DecodePayload(Hex(testing::kGoldenPayload), &decoded).ok());
  Object expected = GoldenObject();
  EXPECT_EQ(decoded.object_class, expected.object_class);
  EXPECT_EQ(decoded.attributes, expected.attributes);
  EXPECT_EQ(decoded.value, expected.value);
  EXPECT_EQ(decoded.handle, 99u);  // only class, attributes and value are filled
  EXPECT_EQ(decoded.label, "");
}

// The wire values are BLOB-FORMAT.md's, and every byte either converts back
// to itself or is refused: no enum is cast from the wire.
TEST(WireEnums, ConvertOnlyTheDocumentedValues) {
  EXPECT_EQ(ToWire(ObjectClass::kData), 0);
  EXPECT_EQ(ToWire(ObjectClass::kSecretKey), 4);
  EXPECT_EQ(ToWire(PartitionKind::kPre77), 0);
  EXPECT_EQ(ToWire(PartitionKind::kV1), 2);
  EXPECT_EQ(ToWire(BlobKind::kDomainObject), 1);
  EXPECT_EQ(ToWire(BlobKind::kSmk), 3);
  int classes = 0, sources = 0, kinds = 0;
  for (int b = 0; b < 256; ++b) {
    const auto byte = static_cast<uint8_t>(b);
    if (auto c = ObjectClassFromWire(byte)) {
      ++classes;
      EXPECT_EQ(ToWire(*c), byte);
    }
    if (auto k = SourceKindFromWire(byte)) {
      ++sources;
      EXPECT_EQ(ToWire(*k), byte);
    }
    if (auto k = BlobKindFromWire(byte)) {
      ++kinds;
      EXPECT_EQ(ToWire(*k), byte);
    }
  }
  EXPECT_EQ(classes, 5);
  EXPECT_EQ(sources, 3);
  EXPECT_EQ(kinds, 3);
}

TEST(Payload, RoundTripsEveryClassAndEmptyFields) {
  for (int c = 0; c <= 4; ++c) {
    Object o;
    o.object_class = *ObjectClassFromWire(static_cast<uint8_t>(c));
    Object back;
    ASSERT_TRUE(DecodePayload(EncodePayload(o), &back).ok());
    EXPECT_EQ(back, o);
  }
}

// Payload bytes: class, count, then (u16 name, u16 value) pairs, u32 value.
Bytes PayloadWith(std::initializer_list<std::pair<std::string, std::string>> attrs) {
  Writer w;
  w.U8(4);
  w.U16(static_cast<uint16_t>(attrs.size()));
  for (const auto& [n, v] : attrs) {
    w.U16(static_cast<uint16_t>(n.size()));
    w.Raw(n);
    w.U16(static_cast<uint16_t>(v.size()));
    w.Raw(v);
  }
  w.U32(0);
  return w.Take();
}

TEST(Payload, RejectsNonCanonicalAttributes) {
  Object o;
  EXPECT_TRUE(DecodePayload(PayloadWith({{"a", "1"}, {"b", "2"}}), &o).ok());
  auto code_of = [](const Bytes& p) {
    Object out;
    Status s = DecodePayload(p, &out);
    EXPECT_EQ(out, Object{}) << "a failed decode must not touch the object";
    return s;
  };
  Status dup = code_of(PayloadWith({{"a", "1"}, {"a", "2"}}));
  EXPECT_EQ(dup.code(), Ckr::kDataInvalid);
  EXPECT_NE(dup.message().find("strictly increasing"), std::string::npos);
  EXPECT_EQ(code_of(PayloadWith({{"b", "1"}, {"a", "2"}})).code(), Ckr::kDataInvalid);
  // Bytes compare unsigned, as std::map orders its std::string keys.
  EXPECT_TRUE(DecodePayload(PayloadWith({{"z", ""}, {"\xc3", ""}}), &o).ok());
  EXPECT_EQ(code_of(PayloadWith({{"\xc3", ""}, {"z", ""}})).code(), Ckr::kDataInvalid);
  EXPECT_EQ(code_of(PayloadWith({{"", "x"}})).message(), "empty attribute name");
  EXPECT_EQ(code_of(PayloadWith({{std::string(65, 'n'), ""}})).code(), Ckr::kDataInvalid);
  EXPECT_EQ(code_of(PayloadWith({{"n", std::string(1025, 'v')}})).code(),
            Ckr::kDataInvalid);
}

TEST(Payload, RejectsBadClassCountsLengthsAndTrailingBytes) {
  Object o;
  Bytes good = EncodePayload(GoldenObject());
  for (size_t n = 0; n < good.size(); ++n) {
    EXPECT_EQ(DecodePayload(ByteSpan(good).first(n), &o).code(), Ckr::kDataInvalid) << n;
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(DecodePayload(trailing, &o).message(), "trailing bytes after the object value");
  Bytes bad_class = good;
  bad_class[0] = 5;
  EXPECT_EQ(DecodePayload(bad_class, &o).message(), "unknown object class 5");
  EXPECT_EQ(DecodePayload(Hex("040041"), &o).message(),
            "attribute count 65 over the limit of 64");
  EXPECT_EQ(DecodePayload(Hex("04000000010001"), &o).message(),
            "object value length 65537 over the limit of 65536");
}

TEST(Fingerprint, MatchesTheGoldenValueAndTracksContent) {
  Object o = GoldenObject();
  const Fingerprint fp = ComputeFingerprint(o);
  EXPECT_EQ(HexEncode(fp), testing::kGoldenFingerprint);

  Object moved = o;
  moved.handle = 12345;
  EXPECT_EQ(ComputeFingerprint(moved), fp) << "the handle is not content";
  Object other_ouid = o;
  other_ouid.ouid.bytes[0] ^= 1;
  EXPECT_EQ(ComputeFingerprint(other_ouid), fp) << "the OUID is identity, not content";

  Object attr = o;
  attr.attributes.Set("CKA_EXTRACTABLE", "true");
  EXPECT_NE(ComputeFingerprint(attr), fp);
  Object extra = o;
  extra.attributes.Set("CKA_SIGN", "");
  EXPECT_NE(ComputeFingerprint(extra), fp);
  Object label = o;
  label.label += "!";
  EXPECT_NE(ComputeFingerprint(label), fp);
  Object value = o;
  Bytes flipped(o.value.secret_bytes().begin(), o.value.secret_bytes().end());
  flipped[0] ^= 1;
  value.value = Secret(std::move(flipped));
  EXPECT_NE(ComputeFingerprint(value), fp);
  Object cls = o;
  cls.object_class = ObjectClass::kPrivateKey;
  EXPECT_NE(ComputeFingerprint(cls), fp);
}

TEST(DescribeBlob, ShowsTheHeaderAndNothingDecrypted) {
  HSMB_CLAUSE("CLONE-OPAQUE-V1");
  auto blob = ParseBlob(GoldenBlob());
  ASSERT_TRUE(blob.ok());
  std::string text = DescribeBlob(*blob);
  EXPECT_NE(text.find("format version 1"), std::string::npos) << text;
  EXPECT_NE(text.find("object (sealed under the domain key)"), std::string::npos);
  EXPECT_NE(text.find("V0"), std::string::npos);
  EXPECT_NE(text.find(blob->ouid.ToHex()), std::string::npos);
  EXPECT_NE(text.find("\"demo aes key\""), std::string::npos);
  EXPECT_NE(text.find(testing::kGoldenObjectNonce), std::string::npos);
  EXPECT_NE(text.find("70 bytes"), std::string::npos);
  EXPECT_EQ(text.find("Key id"), std::string::npos);
  EXPECT_EQ(text.find("CKK_AES"), std::string::npos);
  EXPECT_EQ(text.find("000102030405060708090a0b0c0d0e0f"), std::string::npos);
  EXPECT_EQ(text.find(HexEncode(blob->ciphertext)), std::string::npos);

  CloneBlob v1 = *blob;
  v1.kind = BlobKind::kSmkObject;
  v1.source_kind = PartitionKind::kV1;
  v1.key_id = HexArray<8>(testing::kGoldenSmkId);
  v1.label = "bad\"\n";
  std::string v1_text = DescribeBlob(v1);
  EXPECT_NE(v1_text.find("V1 object (sealed under SMK)"), std::string::npos) << v1_text;
  EXPECT_NE(v1_text.find(testing::kGoldenSmkId), std::string::npos);
  EXPECT_NE(v1_text.find("\"bad\\x22\\x0a\""), std::string::npos) << v1_text;
}

}  // namespace
}  // namespace hsmbackup
