// The zero-copy clone path (bench/BENCHMARKS.md, issue 5) against the
// owning one it replaces on the hot path: SealObjectInto writes the same
// bytes as SerializeBlob(SealObject(...)), ParseBlobView accepts and rejects
// exactly what ParseBlob does, OpenObject on a view opens what OpenObject on
// a blob opens, and the in-place cipher calls match Seal and Open. The golden
// vectors of BLOB-FORMAT.md pin the format on both paths.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "crypto/crypto_test_util.h"
#include "hsmbackup/blob.h"
#include "hsmbackup/clone.h"
#include "hsmbackup/crypto.h"
#include "hsmbackup/transfer.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using ::hsmbackup::testing::GoldenObject;
using ::hsmbackup::testing::Hex;
using ::hsmbackup::testing::MustCipher;
using ::hsmbackup::testing::MustDomainCipher;
using ::hsmbackup::testing::ScriptedRng;

Secret TestSmk() { return Secret(ByteSpan(Hex(testing::kGoldenSmk))); }

// Objects on both sides of the on-stack payload limit in clone.cc, with and
// without attributes and label.
std::vector<Object> VariedObjects() {
  std::vector<Object> out;
  for (size_t size : {size_t{0}, size_t{1}, size_t{256}, size_t{2000}, size_t{2048}, size_t{4096},
                      kMaxObjectValueBytes}) {
    Object o = GoldenObject();
    o.value = Secret(Bytes(size, static_cast<uint8_t>(size * 7 + 3)));
    out.push_back(o);
    o.attributes.clear();
    o.label.clear();
    out.push_back(o);
  }
  return out;
}

bool AllZero(ByteSpan b) {
  return std::all_of(b.begin(), b.end(), [](uint8_t c) { return c == 0; });
}

TEST(SealObjectInto, WritesTheGoldenBlob) {
  HSMB_CLAUSE("CLONE-ONE-AT-A-TIME");
  Aes256Gcm key = MustDomainCipher(testing::kGoldenDomain);
  ScriptedRng rng(Hex(testing::kGoldenObjectNonce));
  Bytes wire(500, 0xEE);  // old contents, longer than the blob: all replaced
  ASSERT_TRUE(SealObjectInto(GoldenObject(), PartitionKind::kV0, BlobKind::kDomainObject, SmkId{},
                             key, rng, &wire)
                  .ok());
  EXPECT_EQ(HexEncode(wire), testing::kGoldenObjectBlob);
}

TEST(SealObjectInto, MatchesSerializeBlobOfSealObjectForEveryKindAndSize) {
  HSMB_CLAUSE("CLONE-ONE-AT-A-TIME");
  Aes256Gcm domain_key = MustDomainCipher("zero-copy-domain");
  Aes256Gcm smk_key = MustCipher(TestSmk());
  const SmkId smk_id = ComputeSmkId(TestSmk());
  Bytes wire;  // reused across every object, as the engine does
  for (const Object& o : VariedObjects()) {
    for (PartitionKind source : {PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1}) {
      const bool v1 = source == PartitionKind::kV1;
      const BlobKind kind = v1 ? BlobKind::kSmkObject : BlobKind::kDomainObject;
      const SmkId id = v1 ? smk_id : SmkId{};
      Aes256Gcm& key = v1 ? smk_key : domain_key;
      RngState a{7, 0}, b{7, 0};
      DeterministicRng rng_a(&a), rng_b(&b);
      auto blob = SealObject(o, source, kind, id, key, rng_a);
      ASSERT_TRUE(blob.ok()) << blob.status().ToString();
      ASSERT_TRUE(SealObjectInto(o, source, kind, id, key, rng_b, &wire).ok());
      EXPECT_EQ(wire, SerializeBlob(*blob)) << o.value.size() << " " << KindName(source);
      EXPECT_EQ(a, b) << "both must draw the same nonce bytes";
      EXPECT_EQ(wire.size(), BlobWireBytes(o.label.size(), PayloadBytes(o)));
    }
  }
}

TEST(SealObjectInto, RefusesWhatSealObjectRefusesAndLeavesTheWireEmpty) {
  Aes256Gcm key = MustDomainCipher("zero-copy-domain");
  RngState state;
  DeterministicRng rng(&state);
  Object too_big = GoldenObject();
  too_big.value = Secret(Bytes(kMaxObjectValueBytes + 1));
  Object bad_label = GoldenObject();
  bad_label.label = "tab\there";
  struct Case {
    const Object* object;
    PartitionKind source;
    BlobKind kind;
    SmkId id;
  };
  const Case cases[] = {
      {&too_big, PartitionKind::kV0, BlobKind::kDomainObject, SmkId{}},
      {&bad_label, PartitionKind::kV0, BlobKind::kDomainObject, SmkId{}},
      {&too_big, PartitionKind::kV1, BlobKind::kDomainObject, SmkId{}},
      {&too_big, PartitionKind::kV0, BlobKind::kSmkObject, SmkId{}},
      {&too_big, PartitionKind::kV1, BlobKind::kSmk, SmkId{}},
      {&bad_label, PartitionKind::kV0, BlobKind::kDomainObject, SmkId{1}},
  };
  for (const Case& c : cases) {
    Bytes wire(64, 0xAB);
    Status into = SealObjectInto(*c.object, c.source, c.kind, c.id, key, rng, &wire);
    Status owned = SealObject(*c.object, c.source, c.kind, c.id, key, rng).status();
    EXPECT_FALSE(into.ok());
    EXPECT_EQ(into, owned);
    EXPECT_TRUE(wire.empty());
  }
}

TEST(ParseBlobView, ReadsTheGoldenBlobInPlace) {
  const Bytes wire = Hex(testing::kGoldenObjectBlob);
  auto view = ParseBlobView(wire);
  ASSERT_TRUE(view.ok()) << view.status().ToString();
  auto owned = ParseBlob(wire);
  ASSERT_TRUE(owned.ok());
  EXPECT_EQ(ToCloneBlob(*view), *owned);
  EXPECT_EQ(Bytes(view->aad.begin(), view->aad.end()), BlobAad(*owned));
  // The ciphertext and label are views into the input, not copies.
  EXPECT_EQ(view->aad.data(), wire.data());
  EXPECT_EQ(view->ciphertext.data(), wire.data() + view->aad.size() + 4);
  EXPECT_EQ(view->ciphertext.size(), 70u);
  EXPECT_EQ(reinterpret_cast<const uint8_t*>(view->label.data()), wire.data() + 29);
  EXPECT_EQ(view->label, "demo aes key");
}

TEST(ParseBlobView, RejectsExactlyWhatParseBlobRejects) {
  const Bytes golden = Hex(testing::kGoldenObjectBlob);
  std::vector<Bytes> inputs;
  for (size_t n = 0; n < golden.size(); ++n)
    inputs.emplace_back(golden.begin(), golden.begin() + n);
  Bytes trailing = golden;
  trailing.push_back(0);
  inputs.push_back(trailing);
  for (size_t i = 0; i < golden.size(); ++i) {
    for (uint8_t bit = 1; bit != 0; bit = static_cast<uint8_t>(bit << 1)) {
      Bytes flipped = golden;
      flipped[i] ^= bit;
      inputs.push_back(flipped);
    }
  }
  inputs.push_back(Hex(testing::kGoldenSmkBlob));
  size_t rejected = 0;
  for (const Bytes& in : inputs) {
    auto view = ParseBlobView(in);
    auto owned = ParseBlob(in);
    ASSERT_EQ(view.ok(), owned.ok()) << HexEncode(in);
    if (owned.ok()) {
      EXPECT_EQ(ToCloneBlob(*view), *owned);
      EXPECT_EQ(Bytes(view->aad.begin(), view->aad.end()), BlobAad(*owned));
    } else {
      EXPECT_EQ(view.status(), owned.status());
      EXPECT_EQ(view.status().code(), Ckr::kDataInvalid);
      ++rejected;
    }
  }
  EXPECT_GT(rejected, golden.size());  // every truncation at least
}

// ParseBlobViewInto writes every field of a view it parses into: a view
// reused from a blob of another kind, label and size holds nothing of it.
TEST(ParseBlobViewInto, OverwritesEveryFieldOfAReusedView) {
  const Secret domain("zero-copy-domain");
  auto v0 = Sender::ForDomain(domain, PartitionKind::kV0);
  auto v1 = Sender::ForV1(domain, TestSmk());
  ASSERT_TRUE(v0.ok() && v1.ok());
  RngState state;
  DeterministicRng rng(&state);
  Object big = GoldenObject();
  big.label = std::string(100, 'L');
  big.value = Secret(ByteSpan(Bytes(700, 0x5a)));
  Bytes first, second;
  ASSERT_TRUE(v1->SendObject(big, rng, &first).ok());
  ASSERT_TRUE(v0->SendObject(GoldenObject(), rng, &second).ok());
  CloneBlobView reused;
  ASSERT_TRUE(ParseBlobViewInto(first, &reused).ok());
  ASSERT_TRUE(ParseBlobViewInto(second, &reused).ok());
  auto fresh = ParseBlobView(second);
  ASSERT_TRUE(fresh.ok());
  EXPECT_EQ(ToCloneBlob(reused), ToCloneBlob(*fresh));
  EXPECT_EQ(reused.aad.data(), fresh->aad.data());
  EXPECT_EQ(reused.aad.size(), fresh->aad.size());
  EXPECT_EQ(reused.ciphertext.data(), fresh->ciphertext.data());
  EXPECT_EQ(ParseBlobViewInto(ByteSpan(second).first(10), &reused),
            ParseBlobView(ByteSpan(second).first(10)).status());
}

TEST(OpenObjectView, OpensWhatOpenObjectOpens) {
  HSMB_CLAUSE("CLONE-VERIFY");
  Aes256Gcm key = MustDomainCipher("zero-copy-domain");
  RngState state;
  DeterministicRng rng(&state);
  for (const Object& o : VariedObjects()) {
    Bytes wire;
    ASSERT_TRUE(
        SealObjectInto(o, PartitionKind::kV0, BlobKind::kDomainObject, SmkId{}, key, rng, &wire)
            .ok());
    auto view = ParseBlobView(wire);
    ASSERT_TRUE(view.ok());
    auto from_view = OpenObject(*view, key);
    auto from_blob = OpenObject(ToCloneBlob(*view), key);
    ASSERT_TRUE(from_view.ok()) << from_view.status().ToString();
    ASSERT_TRUE(from_blob.ok());
    EXPECT_EQ(*from_view, *from_blob);
    Object expected = o;
    expected.handle = 0;
    EXPECT_EQ(*from_view, expected) << o.value.size();
  }
}

TEST(OpenObjectView, FailsExactlyLikeOpenObject) {
  HSMB_CLAUSE("CLONE-DISCARD");
  Aes256Gcm key = MustDomainCipher(testing::kGoldenDomain);
  Aes256Gcm wrong = MustDomainCipher("not-the-domain");
  const Bytes golden = Hex(testing::kGoldenObjectBlob);
  // A wrong key, every bit flip that still parses, an SMK blob, and an
  // authentic payload that does not decode.
  std::vector<Bytes> inputs;
  for (size_t i = 0; i < golden.size(); ++i) {
    Bytes flipped = golden;
    flipped[i] ^= 0x10;
    inputs.push_back(flipped);
  }
  inputs.push_back(Hex(testing::kGoldenSmkBlob));
  CloneBlob junk = *ParseBlob(golden);
  const Bytes junk_payload(3000, 0x5A);  // over the on-stack limit too
  ASSERT_TRUE(key.Seal(junk.nonce, BlobAad(junk), junk_payload, &junk.ciphertext, &junk.tag).ok());
  inputs.push_back(SerializeBlob(junk));
  size_t compared = 0;
  for (const Bytes& in : inputs) {
    auto view = ParseBlobView(in);
    if (!view.ok()) continue;
    for (Aes256Gcm* k : {&key, &wrong}) {
      auto from_view = OpenObject(*view, *k);
      auto from_blob = OpenObject(ToCloneBlob(*view), *k);
      EXPECT_EQ(from_view.ok(), from_blob.ok());
      EXPECT_EQ(from_view.status(), from_blob.status());
      EXPECT_FALSE(from_view.ok()) << HexEncode(in);
      ++compared;
    }
  }
  EXPECT_GT(compared, golden.size());
  auto junk_view = ParseBlobView(inputs.back());
  ASSERT_TRUE(junk_view.ok());
  EXPECT_EQ(OpenObject(*junk_view, key).status().code(), Ckr::kDataInvalid);
  EXPECT_EQ(OpenObject(*junk_view, wrong).status().code(), Ckr::kCertificateInvalid);
}

TEST(Aes256GcmInPlace, SealInPlaceMatchesSealAndOpenIntoMatchesOpen) {
  Aes256Gcm key = MustCipher(TestSmk());
  const Nonce nonce = testing::HexArray<12>(testing::kGoldenSmkNonce);
  const Bytes aad = Hex("0102030405");
  for (size_t n : {size_t{0}, size_t{1}, size_t{15}, size_t{16}, size_t{17}, size_t{1000}}) {
    Bytes plaintext(n);
    for (size_t i = 0; i < n; ++i) plaintext[i] = static_cast<uint8_t>(i * 13 + 1);
    Bytes ciphertext;
    Tag tag{}, tag_in_place{};
    ASSERT_TRUE(key.Seal(nonce, aad, plaintext, &ciphertext, &tag).ok());
    Bytes data = plaintext;
    ASSERT_TRUE(key.SealInPlace(nonce, aad, data, &tag_in_place).ok());
    EXPECT_EQ(data, ciphertext) << n;
    EXPECT_EQ(tag_in_place, tag) << n;

    Bytes opened(n, 0xCC);
    ASSERT_TRUE(key.OpenInto(nonce, aad, ciphertext, tag, opened).ok());
    EXPECT_EQ(opened, plaintext) << n;
  }
}

TEST(Aes256GcmInPlace, OpenIntoWipesItsOutputOnEveryFailure) {
  HSMB_CLAUSE("CLONE-DISCARD");
  Aes256Gcm key = MustCipher(TestSmk());
  const Nonce nonce{};
  const Bytes plaintext(100, 0x42);
  Bytes ciphertext;
  Tag tag{};
  ASSERT_TRUE(key.Seal(nonce, {}, plaintext, &ciphertext, &tag).ok());
  Tag bad_tag = tag;
  bad_tag[0] ^= 1;
  Bytes out(ciphertext.size(), 0x77);
  Status s = key.OpenInto(nonce, {}, ciphertext, bad_tag, out);
  EXPECT_EQ(s.code(), Ckr::kCertificateInvalid);
  EXPECT_EQ(s.message(), "blob failed authentication");
  EXPECT_TRUE(AllZero(out)) << "unauthenticated plaintext left behind";
  // A buffer of the wrong length is refused before anything is written.
  Bytes short_out(ciphertext.size() - 1, 0x77);
  EXPECT_EQ(key.OpenInto(nonce, {}, ciphertext, tag, short_out).code(), Ckr::kCertificateInvalid);
  EXPECT_EQ(short_out, Bytes(ciphertext.size() - 1, 0x77));
}

// ReceivePaths: a V0 and a V1 sender of one domain, the backup HSM's
// receiver and a V1 user partition's (which holds the SMK).
class ReceivePaths : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(v0_.ok() && v1_.ok() && backup_.ok() && v1_user_.ok());
    ASSERT_TRUE(v1_user_->WithSmk(TestSmk()).ok());
  }

  const Secret domain_{"zero-copy-domain"};
  StatusOr<Sender> v0_ = Sender::ForDomain(domain_, PartitionKind::kV0);
  StatusOr<Sender> v1_ = Sender::ForV1(domain_, TestSmk());
  StatusOr<Receiver> backup_ = Receiver::ForDomain(domain_);
  StatusOr<Receiver> v1_user_ = Receiver::ForDomain(domain_);
  RngState state_;
  DeterministicRng rng_{&state_};
};

TEST_F(ReceivePaths, ViewAgreesWithReceiveObjectOnEveryPath) {
  HSMB_CLAUSE("CLONE-OPAQUE-V1");
  Bytes wire;
  for (Sender* sender : {&*v0_, &*v1_}) {
    for (const Object& o : VariedObjects()) {
      ASSERT_TRUE(sender->SendObject(o, rng_, &wire).ok());
      for (Receiver* receiver : {&*backup_, &*v1_user_}) {
        auto view = receiver->ReceiveObjectView(wire);
        auto owned = receiver->ReceiveObject(wire);
        ASSERT_TRUE(view.ok()) << view.status().ToString();
        ASSERT_TRUE(owned.ok());
        EXPECT_EQ(ToCloneBlob(view->blob), owned->blob);
        EXPECT_EQ(view->object, owned->object);
        const bool opaque = sender == &*v1_ && receiver == &*backup_;
        EXPECT_EQ(view->object.has_value(), !opaque);
      }
    }
  }
  // Failures: an SMK blob where an object belongs, and a V1 object under an
  // SMK the receiver does not hold.
  auto smk_wire = v1_->SendSmk(rng_);
  ASSERT_TRUE(smk_wire.ok());
  EXPECT_EQ(backup_->ReceiveObjectView(*smk_wire).status(),
            backup_->ReceiveObject(*smk_wire).status());
  EXPECT_EQ(backup_->ReceiveObjectView(*smk_wire).status().code(), Ckr::kDataInvalid);
  auto other = Receiver::ForDomain(domain_);
  ASSERT_TRUE(other.ok());
  ASSERT_TRUE(other->WithSmk(Secret(ByteSpan(Bytes(32, 0x11)))).ok());
  ASSERT_TRUE(v1_->SendObject(GoldenObject(), rng_, &wire).ok());
  EXPECT_EQ(other->ReceiveObjectView(wire).status().code(), Ckr::kSmkIdNotFound);
  EXPECT_EQ(other->ReceiveObjectView(wire).status(), other->ReceiveObject(wire).status());
}

// ReceiveObjectInto decodes into the caller's object: the same results as
// ReceiveObjectView, and on any failure (or an opaque V1 blob) the object
// is left exactly as it was.
TEST_F(ReceivePaths, IntoAgreesWithViewAndTouchesNothingElse) {
  HSMB_CLAUSE("CLONE-DISCARD");
  Bytes wire;
  Object sentinel = GoldenObject();
  sentinel.label = "untouched";
  for (Sender* sender : {&*v0_, &*v1_}) {
    for (const Object& o : VariedObjects()) {
      ASSERT_TRUE(sender->SendObject(o, rng_, &wire).ok());
      for (Receiver* receiver : {&*backup_, &*v1_user_}) {
        auto view = receiver->ReceiveObjectView(wire);
        ASSERT_TRUE(view.ok()) << view.status().ToString();
        Object into = sentinel;
        CloneBlobView blob;
        bool opened = true;
        ASSERT_TRUE(receiver->ReceiveObjectInto(wire, &blob, &into, &opened).ok());
        EXPECT_EQ(ToCloneBlob(blob), ToCloneBlob(view->blob));
        EXPECT_EQ(opened, view->object.has_value());
        Object expected = opened ? *view->object : sentinel;
        expected.handle = sentinel.handle;  // not in the blob: left as it was
        EXPECT_EQ(into, expected);
        // A flipped ciphertext byte, or a cut blob: refused as the view
        // refuses it, and the object is not touched.
        for (Bytes bad : {wire, Bytes(wire.begin(), wire.end() - 1)}) {
          if (bad.size() == wire.size()) bad[bad.size() - kAeadTagBytes - 1] ^= 1;
          const StatusOr<ReceivedView> refused = receiver->ReceiveObjectView(bad);
          Object untouched = sentinel;
          const Status s = receiver->ReceiveObjectInto(bad, &blob, &untouched, &opened);
          EXPECT_EQ(s, refused.status());
          EXPECT_EQ(untouched, sentinel);
          if (!s.ok()) {
            EXPECT_FALSE(opened);
          }
        }
      }
    }
  }
}

// ForDomainKey / ForV1Key (a backup derives its domain key once for both
// sides) seal and open exactly as ForDomain / ForV1 do with the domain.
TEST_F(ReceivePaths, SidesBuiltFromTheDerivedKeyAgreeWithThoseBuiltFromTheDomain) {
  auto key = DeriveDomainKey(domain_);
  ASSERT_TRUE(key.ok());
  auto v0_key = Sender::ForDomainKey(*key, PartitionKind::kV0);
  auto v1_key = Sender::ForV1Key(*key, TestSmk());
  auto backup_key = Receiver::ForDomainKey(*key);
  ASSERT_TRUE(v0_key.ok() && v1_key.ok() && backup_key.ok());
  const std::vector<std::pair<Sender*, Sender*>> pairs = {{&*v0_, &*v0_key}, {&*v1_, &*v1_key}};
  for (const auto& [by_domain, by_key] : pairs) {
    for (const Object& o : VariedObjects()) {
      RngState a, b;
      DeterministicRng rng_a(&a), rng_b(&b);
      Bytes from_domain, from_key;
      ASSERT_TRUE(by_domain->SendObject(o, rng_a, &from_domain).ok());
      ASSERT_TRUE(by_key->SendObject(o, rng_b, &from_key).ok());
      EXPECT_EQ(from_key, from_domain);
      auto got = backup_key->ReceiveObject(from_domain);
      auto want = backup_->ReceiveObject(from_domain);
      ASSERT_TRUE(got.ok() && want.ok());
      EXPECT_EQ(got->blob, want->blob);
      EXPECT_EQ(got->object, want->object);
    }
  }
  // A key derived from another domain opens none of them.
  auto other_key = DeriveDomainKey(Secret("another-domain"));
  ASSERT_TRUE(other_key.ok());
  auto other = Receiver::ForDomainKey(*other_key);
  ASSERT_TRUE(other.ok());
  Bytes wire;
  ASSERT_TRUE(v0_->SendObject(GoldenObject(), rng_, &wire).ok());
  EXPECT_FALSE(other->ReceiveObject(wire).ok());
}

}  // namespace
}  // namespace hsmbackup
