// Properties of the blob format and sealing, checked with RapidCheck.
// Generator sizes stay small: this old RapidCheck snapshot is slow under
// UBSan, and the edge cases live in the short inputs anyway.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cstddef>
#include <map>
#include <string>

#include "crypto/crypto_test_util.h"
#include "hsmbackup/blob.h"
#include "hsmbackup/clone.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

rc::Gen<std::string> PrintableString(int max_len) {
  return rc::gen::resize(
      max_len, rc::gen::container<std::string>(rc::gen::inRange<char>(0x20, 0x7f)));
}

rc::Gen<Bytes> SomeBytes(int max_len) {
  return rc::gen::resize(max_len, rc::gen::arbitrary<Bytes>());
}

rc::Gen<Object> GenObject() {
  return rc::gen::exec([] {
    Object o;
    o.object_class = *ObjectClassFromWire(static_cast<uint8_t>(*rc::gen::inRange(0, 5)));
    Bytes ouid = *rc::gen::container<Bytes>(12, rc::gen::arbitrary<uint8_t>());
    std::copy(ouid.begin(), ouid.end(), o.ouid.bytes.begin());
    o.label = *PrintableString(static_cast<int>(kMaxObjectLabelLength));
    const auto attributes = *rc::gen::resize(
        8, rc::gen::container<std::map<std::string, std::string>>(
               rc::gen::nonEmpty(rc::gen::resize(
                   static_cast<int>(kMaxAttributeNameLength), rc::gen::string<std::string>())),
               rc::gen::resize(40, rc::gen::string<std::string>())));
    for (const auto& [name, value] : attributes) o.attributes.Set(name, value);
    o.value = Secret(*SomeBytes(100));
    return o;
  });
}

rc::Gen<CloneBlob> GenBlob() {
  return rc::gen::exec([] {
    CloneBlob b;
    b.kind = *BlobKindFromWire(static_cast<uint8_t>(*rc::gen::inRange(1, 4)));
    if (b.kind == BlobKind::kDomainObject) {
      b.source_kind = *rc::gen::element(PartitionKind::kPre77, PartitionKind::kV0);
    } else {
      b.source_kind = PartitionKind::kV1;
      Bytes id = *rc::gen::container<Bytes>(8, rc::gen::arbitrary<uint8_t>());
      std::copy(id.begin(), id.end(), b.key_id.begin());
    }
    if (b.kind != BlobKind::kSmk) {
      Bytes ouid = *rc::gen::container<Bytes>(12, rc::gen::arbitrary<uint8_t>());
      std::copy(ouid.begin(), ouid.end(), b.ouid.bytes.begin());
    }
    b.label = *PrintableString(static_cast<int>(kMaxObjectLabelLength));
    Bytes nonce = *rc::gen::container<Bytes>(kAeadNonceBytes, rc::gen::arbitrary<uint8_t>());
    std::copy(nonce.begin(), nonce.end(), b.nonce.begin());
    b.ciphertext = *SomeBytes(100);
    Bytes tag = *rc::gen::container<Bytes>(kAeadTagBytes, rc::gen::arbitrary<uint8_t>());
    std::copy(tag.begin(), tag.end(), b.tag.begin());
    return b;
  });
}

// Whatever ParseBlob accepts, it accepts in exactly one encoding.
void CheckCanonical(const Bytes& input) {
  auto parsed = ParseBlob(input);
  if (parsed.ok()) {
    RC_ASSERT(SerializeBlob(*parsed) == input);
  } else {
    RC_ASSERT(parsed.status().code() == Ckr::kDataInvalid);
  }
}

RC_GTEST_PROP(BlobProperty, RandomBytesFailOrReserializeIdentically, ()) {
  CheckCanonical(*SomeBytes(100));
}

// Random bytes almost never get past the magic, so also mutate real blobs:
// overwrite, insert or delete a few bytes anywhere.
RC_GTEST_PROP(BlobProperty, MutatedBlobsFailOrReserializeIdentically, ()) {
  Bytes wire = SerializeBlob(*GenBlob());
  const int edits = *rc::gen::inRange(1, 4);
  for (int i = 0; i < edits; ++i) {
    const size_t at = *rc::gen::inRange<size_t>(0, wire.size() + 1);
    switch (*rc::gen::inRange(0, 3)) {
      case 0:
        if (at < wire.size()) wire[at] = *rc::gen::arbitrary<uint8_t>();
        break;
      case 1:
        wire.insert(wire.begin() + static_cast<ptrdiff_t>(at), *rc::gen::arbitrary<uint8_t>());
        break;
      default:
        if (at < wire.size()) wire.erase(wire.begin() + static_cast<ptrdiff_t>(at));
        break;
    }
  }
  CheckCanonical(wire);
}

RC_GTEST_PROP(BlobProperty, ValidBlobsRoundTrip, ()) {
  const CloneBlob blob = *GenBlob();
  const Bytes wire = SerializeBlob(blob);
  auto parsed = ParseBlob(wire);
  RC_ASSERT(parsed.ok());
  RC_ASSERT(*parsed == blob);
  RC_ASSERT(BlobAad(blob) == Bytes(wire.begin(), wire.end() - 4 -
                                   static_cast<ptrdiff_t>(blob.ciphertext.size()) -
                                   static_cast<ptrdiff_t>(kAeadTagBytes)));
}

RC_GTEST_PROP(PayloadProperty, ObjectsRoundTripAndDecodeCanonically, ()) {
  const Object o = *GenObject();
  const Bytes payload = EncodePayload(o);
  Object back;
  RC_ASSERT(DecodePayload(payload, &back).ok());
  RC_ASSERT(back.object_class == o.object_class);
  RC_ASSERT(back.attributes == o.attributes);
  RC_ASSERT(back.value == o.value);
  RC_ASSERT(EncodePayload(back) == payload);
}

RC_GTEST_PROP(CloneProperty, RandomObjectsSurviveSealAndOpen, ()) {
  HSMB_CLAUSE("CLONE-VERIFY");
  Aes256Gcm domain_key = testing::MustDomainCipher("property-domain");
  Aes256Gcm smk_key = testing::MustCipher(Secret(std::string(32, 's')));
  Object o = *GenObject();
  o.handle = *rc::gen::arbitrary<uint32_t>();
  const bool v1 = *rc::gen::arbitrary<bool>();
  const PartitionKind source =
      v1 ? PartitionKind::kV1 : *rc::gen::element(PartitionKind::kPre77, PartitionKind::kV0);
  const SmkId id = v1 ? SmkId{1, 2, 3, 4, 5, 6, 7, 8} : SmkId{};
  Aes256Gcm& key = v1 ? smk_key : domain_key;
  testing::ScriptedRng rng(*rc::gen::container<Bytes>(kAeadNonceBytes,
                                                      rc::gen::arbitrary<uint8_t>()));

  auto sealed = SealObject(o, source, v1 ? BlobKind::kSmkObject : BlobKind::kDomainObject, id,
                           key, rng);
  RC_ASSERT(sealed.ok());
  auto parsed = ParseBlob(SerializeBlob(*sealed));
  RC_ASSERT(parsed.ok());
  auto opened = OpenObject(*parsed, key);
  RC_ASSERT(opened.ok());
  RC_ASSERT(opened->handle == 0u);
  o.handle = 0;
  RC_ASSERT(*opened == o);
  RC_ASSERT(ComputeFingerprint(*opened) == ComputeFingerprint(o));
  // And the other key never opens it.
  auto crossed = OpenObject(*parsed, v1 ? domain_key : smk_key);
  RC_ASSERT(!crossed.ok());
  RC_ASSERT(crossed.status().code() == Ckr::kCertificateInvalid);
}

}  // namespace
}  // namespace hsmbackup
