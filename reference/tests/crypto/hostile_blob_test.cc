// Hostile clone blobs: every single-bit flip, every truncation and every
// extension of a valid blob of each kind is rejected by the Receiver with a
// documented code, never accepted (CLONE-VERIFY: the target verifies what it
// receives; CLONE-DISCARD: what does not verify is not kept).
//
// The receivers are the ones that can check each kind: a domain object
// (pre-7.7, V0) and the SMK are verified under the domain key by any target;
// a V1 object only by a receiver that holds the SMK (a V1 user partition).
// A backup HSM stores V1 objects opaque without opening them
// (CLONE-OPAQUE-V1), so it cannot notice a flipped ciphertext bit; that is
// the design, not a gap this file tests.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cstddef>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "crypto/crypto_test_util.h"
#include "hsmbackup/blob.h"
#include "hsmbackup/clone.h"
#include "hsmbackup/transfer.h"
#include "support/test_support.h"

namespace hsmbackup {
namespace {

using ::hsmbackup::testing::GoldenObject;

enum class Path { kPre77Object, kV0Object, kV1Object, kSmk };

constexpr Path kAllPaths[] = {Path::kPre77Object, Path::kV0Object, Path::kV1Object, Path::kSmk};

// Byte offsets of the key id in every blob (BLOB-FORMAT.md): after magic,
// version, kind, source kind and flags.
constexpr size_t kKeyIdBegin = 8;
constexpr size_t kKeyIdEnd = kKeyIdBegin + 8;

const char* PathName(Path p) {
  switch (p) {
    case Path::kPre77Object: return "pre-7.7 domain object";
    case Path::kV0Object: return "V0 domain object";
    case Path::kV1Object: return "V1 SMK-sealed object";
    case Path::kSmk: return "SMK";
  }
  return "?";
}

Secret Domain() { return Secret(std::string_view("hostile-blob-domain")); }
Secret Smk() { return Secret(std::string_view("hostile-blob-smk-0123456789abcde")); }

// ValidBlob seals the golden object (or the SMK) the way the source does.
Bytes ValidBlob(Path path) {
  RngState state{42, 0};
  DeterministicRng rng(&state);
  auto sender = path == Path::kPre77Object ? Sender::ForDomain(Domain(), PartitionKind::kPre77)
                : path == Path::kV0Object  ? Sender::ForDomain(Domain(), PartitionKind::kV0)
                                           : Sender::ForV1(Domain(), Smk());
  EXPECT_TRUE(sender.ok()) << sender.status().ToString();
  auto wire = path == Path::kSmk ? sender->SendSmk(rng) : sender->SendObject(GoldenObject(), rng);
  EXPECT_TRUE(wire.ok()) << wire.status().ToString();
  return std::move(wire).value();
}

// Target is the receiving side for one path.
class Target {
 public:
  explicit Target(Path path) : path_(path) {
    auto r = Receiver::ForDomain(Domain());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    receiver_.emplace(std::move(r).value());
    if (path == Path::kV1Object) {
      EXPECT_TRUE(receiver_->WithSmk(Smk()).ok());
    }
  }

  Status Receive(ByteSpan wire) {
    if (path_ == Path::kSmk) return receiver_->ReceiveSmk(wire).status();
    return receiver_->ReceiveObject(wire).status();
  }

  // Rejected says why `status` is not a documented rejection of a blob
  // whose byte `changed` (if any) was altered; empty when it is one.
  std::string Rejected(const Status& status, std::optional<size_t> changed) const {
    if (status.ok()) return "accepted";
    const Ckr code = status.code();
    if (code == Ckr::kDataInvalid || code == Ckr::kCertificateInvalid) return "";
    // A V1 object whose key id no longer names the receiver's SMK.
    if (path_ == Path::kV1Object && code == Ckr::kSmkIdNotFound && changed &&
        *changed >= kKeyIdBegin && *changed < kKeyIdEnd) {
      return "";
    }
    return "undocumented code " + status.ToString();
  }

 private:
  Path path_;
  std::optional<Receiver> receiver_;
};

// Failures collects the first few problems so that a regression prints a
// readable list, not thousands of lines.
class Failures {
 public:
  void Add(const std::string& what) {
    if (what.empty()) return;
    if (++count_ <= 10) out_ << "  " << what << "\n";
  }
  bool empty() const { return count_ == 0; }
  std::string str() const { return out_.str() + "  (" + std::to_string(count_) + " in all)"; }

 private:
  size_t count_ = 0;
  std::ostringstream out_;
};

TEST(HostileBlob, EveryValidBlobIsAcceptedUnchanged) {
  HSMB_CLAUSE("CLONE-VERIFY", "CLONE-DISCARD");
  for (Path path : kAllPaths) {
    Target target(path);
    const Status s = target.Receive(ValidBlob(path));
    EXPECT_TRUE(s.ok()) << PathName(path) << ": " << s.ToString();
  }
}

TEST(HostileBlob, EverySingleBitFlipIsRejected) {
  HSMB_CLAUSE("CLONE-VERIFY", "CLONE-DISCARD");
  for (Path path : kAllPaths) {
    const Bytes valid = ValidBlob(path);
    Target target(path);
    Failures failures;
    for (size_t i = 0; i < valid.size(); ++i) {
      for (int bit = 0; bit < 8; ++bit) {
        Bytes wire = valid;
        wire[i] ^= static_cast<uint8_t>(1u << bit);
        const std::string why = target.Rejected(target.Receive(wire), i);
        if (!why.empty()) {
          failures.Add("byte " + std::to_string(i) + " bit " + std::to_string(bit) + ": " + why);
        }
      }
    }
    EXPECT_TRUE(failures.empty()) << PathName(path) << " (" << valid.size()
                                  << " bytes), flips not rejected:\n" << failures.str();
  }
}

TEST(HostileBlob, EveryTruncationIsRejected) {
  HSMB_CLAUSE("CLONE-VERIFY", "CLONE-DISCARD");
  for (Path path : kAllPaths) {
    const Bytes valid = ValidBlob(path);
    Target target(path);
    Failures failures;
    for (size_t len = 0; len < valid.size(); ++len) {
      const ByteSpan wire(valid.data(), len);
      const std::string why = target.Rejected(target.Receive(wire), std::nullopt);
      if (!why.empty()) failures.Add("first " + std::to_string(len) + " bytes: " + why);
    }
    EXPECT_TRUE(failures.empty()) << PathName(path) << ", truncations not rejected:\n"
                                  << failures.str();
  }
}

TEST(HostileBlob, EveryExtensionIsRejected) {
  HSMB_CLAUSE("CLONE-VERIFY", "CLONE-DISCARD");
  for (Path path : kAllPaths) {
    const Bytes valid = ValidBlob(path);
    Target target(path);
    Failures failures;
    // Appended bytes: zeros, 0xff, and the blob itself (two blobs glued).
    for (size_t extra = 1; extra <= 64; ++extra) {
      for (uint8_t fill : {uint8_t{0x00}, uint8_t{0xff}}) {
        Bytes wire = valid;
        wire.insert(wire.end(), extra, fill);
        failures.Add(target.Rejected(target.Receive(wire), std::nullopt).empty()
                         ? ""
                         : "appended " + std::to_string(extra) + " bytes");
      }
    }
    Bytes twice = valid;
    twice.insert(twice.end(), valid.begin(), valid.end());
    failures.Add(target.Rejected(target.Receive(twice), std::nullopt).empty() ? ""
                                                                              : "blob twice");
    // One byte inserted at every position (a length field then disagrees
    // with what follows, or the authenticated bytes change).
    for (size_t at = 0; at <= valid.size(); ++at) {
      Bytes wire = valid;
      wire.insert(wire.begin() + static_cast<std::ptrdiff_t>(at), uint8_t{0});
      const std::string why = target.Rejected(target.Receive(wire), at);
      if (!why.empty()) failures.Add("0x00 inserted at " + std::to_string(at) + ": " + why);
    }
    EXPECT_TRUE(failures.empty()) << PathName(path) << ", extensions not rejected:\n"
                                  << failures.str();
  }
}

// Random tails and random multi-byte corruption, beyond the exhaustive cases.
RC_GTEST_PROP(HostileBlob, RandomCorruptionIsRejected, ()) {
  HSMB_CLAUSE("CLONE-VERIFY", "CLONE-DISCARD");
  const Path path = *rc::gen::elementOf(std::vector<Path>(std::begin(kAllPaths),
                                                          std::end(kAllPaths)));
  const Bytes valid = ValidBlob(path);
  Bytes wire = valid;
  const auto edits = *rc::gen::inRange<size_t>(1, 8);
  for (size_t e = 0; e < edits; ++e) {
    const auto at = *rc::gen::inRange<size_t>(0, wire.size());
    wire[at] ^= *rc::gen::inRange<uint8_t>(1, 255);
  }
  const Bytes tail = *rc::gen::resize(32, rc::gen::arbitrary<Bytes>());
  wire.insert(wire.end(), tail.begin(), tail.end());
  RC_PRE(wire != valid);
  Target target(path);
  const Status s = target.Receive(wire);
  RC_ASSERT(!s.ok());
  const bool smk_id = path == Path::kV1Object && s.code() == Ckr::kSmkIdNotFound;
  RC_ASSERT(s.code() == Ckr::kDataInvalid || s.code() == Ckr::kCertificateInvalid || smk_id);
}

}  // namespace
}  // namespace hsmbackup
