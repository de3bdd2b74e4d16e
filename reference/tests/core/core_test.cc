#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <span>
#include <string_view>
#include <utility>

#include "hsmbackup/bytes.h"
#include "hsmbackup/env.h"
#include "hsmbackup/secret.h"
#include "hsmbackup/status.h"
#include "hsmbackup/version.h"

namespace hsmbackup {
namespace {

TEST(Status, FormatsCodeWithName) {
  EXPECT_EQ(FormatCkr(Ckr::kOperationNotAllowed), "0x80000030 (CKR_OPERATION_NOT_ALLOWED)");
  EXPECT_EQ(FormatCkr(Ckr::kCertificateInvalid), "0x8000F001 (CKR_CERTIFICATE_INVALID)");
  EXPECT_EQ(CkrFromName("CKR_PIN_INCORRECT"), Ckr::kPinIncorrect);
  EXPECT_FALSE(CkrFromName("CKR_NOPE").has_value());
}

TEST(Status, StatusOrFromOkStatusIsAnError) {
  StatusOr<int> v = OkStatus();
  EXPECT_FALSE(v.ok());
}

TEST(Cursor, RejectsLengthPastEnd) {
  const uint8_t data[] = {0x00, 0x05, 'a', 'b'};
  Cursor c(data);
  Cursor sub(ByteSpan{});
  EXPECT_FALSE(c.ReadU16Prefixed(&sub));
  EXPECT_EQ(c.remaining(), 4u);  // nothing consumed on failure
  uint16_t v = 0;
  ASSERT_TRUE(c.ReadU16(&v));
  EXPECT_EQ(v, 5);
}

TEST(Writer, FixedModeWritesIntoTheSpanAndNeverPastIt) {
  uint8_t buf[7] = {};
  Writer w{std::span<uint8_t>(buf)};
  w.U8(0x01);
  w.U16(0x0203);
  w.U32(0x04050607);
  EXPECT_TRUE(w.ok());
  EXPECT_TRUE(w.full());
  EXPECT_EQ(HexEncode(ByteSpan(buf)), "01020304050607");
  EXPECT_TRUE(w.bytes().empty()) << "a fixed Writer owns no buffer";
}

TEST(Writer, FixedModeOverflowWritesNothingAndSticks) {
  uint8_t buf[4] = {0xee, 0xee, 0xee, 0xee};
  Writer w{std::span<uint8_t>(buf)};
  w.U16(0x0102);
  w.U32(0x03040506);  // does not fit: nothing of it is written
  EXPECT_FALSE(w.ok());
  EXPECT_FALSE(w.full());
  EXPECT_EQ(w.size(), 2u);
  w.U8(0x07);  // would fit, but the Writer has failed
  EXPECT_EQ(w.size(), 2u);
  EXPECT_EQ(HexEncode(ByteSpan(buf)), "0102eeee");
}

TEST(Cursor, ReadAtMostTakesWhatIsThereAndNeverFails) {
  const uint8_t data[] = {1, 2, 3, 4, 5};
  Cursor c(data);
  ByteSpan a = c.ReadAtMost(3);
  EXPECT_EQ(HexEncode(a), "010203");
  EXPECT_EQ(c.remaining(), 2u);
  ByteSpan b = c.ReadAtMost(4);  // asks past the end: gets the rest
  EXPECT_EQ(HexEncode(b), "0405");
  EXPECT_TRUE(c.empty());
  EXPECT_TRUE(c.ReadAtMost(1).empty());
  Cursor exact(data);
  EXPECT_EQ(exact.ReadAtMost(5).size(), 5u);
  EXPECT_TRUE(exact.empty());
}

TEST(Writer, ReserveTakesARecordWithOneCheck) {
  uint8_t buf[6] = {0xee, 0xee, 0xee, 0xee, 0xee, 0xee};
  Writer w{std::span<uint8_t>(buf)};
  std::span<uint8_t> r = w.Reserve(4);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r.data(), buf);
  StoreU32(r.data(), 0x01020304);
  EXPECT_EQ(w.size(), 4u);
  r = w.Reserve(2);  // exactly the room left
  ASSERT_EQ(r.size(), 2u);
  StoreU16(r.data(), 0x0506);
  EXPECT_TRUE(w.full());
  EXPECT_TRUE(w.Reserve(0).empty());
  EXPECT_TRUE(w.ok()) << "an empty record fits";
  EXPECT_EQ(HexEncode(ByteSpan(buf)), "010203040506");
  EXPECT_EQ(LoadU32(buf), 0x01020304u);  // the mirror reads it back
  EXPECT_EQ(LoadU32(buf + 2), 0x03040506u);
  EXPECT_EQ(LoadU16(buf + 4), 0x0506u);
}

TEST(Writer, ReserveThatDoesNotFitWritesNothingAndSticks) {
  uint8_t buf[5] = {0xee, 0xee, 0xee, 0xee, 0xee};
  Writer w{std::span<uint8_t>(buf)};
  w.U16(0x0102);
  EXPECT_TRUE(w.Reserve(4).empty());  // 3 bytes left
  EXPECT_FALSE(w.ok());
  EXPECT_EQ(w.size(), 2u);
  EXPECT_TRUE(w.Reserve(1).empty()) << "would fit, but the Writer has failed";
  EXPECT_EQ(w.size(), 2u);
  EXPECT_EQ(HexEncode(ByteSpan(buf)), "0102eeeeee");
}

TEST(Writer, ReserveInGrowingModeAppendsZeros) {
  Writer w;
  w.U8(9);
  std::span<uint8_t> r = w.Reserve(3);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_EQ(HexEncode(w.bytes()), "09000000");
  StoreU16(r.data() + 1, 0xabcd);
  EXPECT_EQ(HexEncode(w.bytes()), "0900abcd");
}

TEST(Writer, GrowingModeMirrorsCursor) {
  Writer w;
  w.U8(7);
  w.U16(0x1234);
  w.U64(0x0102030405060708);
  w.Raw(std::string_view("ab"));
  EXPECT_TRUE(w.ok());
  EXPECT_FALSE(w.full()) << "full() is for fixed Writers";
  Cursor c(w.bytes());
  uint8_t a = 0;
  uint16_t b = 0;
  uint64_t d = 0;
  ByteSpan rest;
  ASSERT_TRUE(c.ReadU8(&a) && c.ReadU16(&b) && c.ReadU64(&d) && c.ReadBytes(2, &rest));
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(a, 7);
  EXPECT_EQ(b, 0x1234);
  EXPECT_EQ(d, 0x0102030405060708u);
  EXPECT_EQ(AsStringView(rest), "ab");
}

TEST(Secret, AdoptsABufferAndWipeOnExitClearsOne) {
  Bytes raw = {1, 2, 3};
  const uint8_t* data = raw.data();
  Secret s(std::move(raw));
  EXPECT_EQ(s.secret_bytes().data(), data) << "adopted, not copied";
  EXPECT_TRUE(raw.empty());  // NOLINT(bugprone-use-after-move): documented state
  Bytes scratch = {9, 9};
  { WipeOnExit guard(&scratch); }
  EXPECT_TRUE(scratch.empty());
  uint8_t key[4] = {1, 2, 3, 4};
  { WipeOnExit guard{std::span<uint8_t>(key)}; }
  EXPECT_EQ(HexEncode(ByteSpan(key)), "00000000");
}

// WipeBytes writes 64 and 16 bytes at a time, then the rest as one 16-byte
// block ending at the end (or byte by byte under 16): every length and alignment
// around those steps zeroes exactly its span and nothing next to it.
TEST(Secret, WipeBytesZeroesExactlyItsSpan) {
  for (size_t offset = 0; offset < 17; ++offset) {
    for (size_t length = 0; length <= 200; ++length) {
      uint8_t buffer[240];
      std::fill(std::begin(buffer), std::end(buffer), 0xAA);
      WipeBytes(std::span<uint8_t>(buffer + offset, length));
      for (size_t i = 0; i < sizeof(buffer); ++i) {
        const bool inside = i >= offset && i < offset + length;
        ASSERT_EQ(buffer[i], inside ? 0 : 0xAA)
            << "byte " << i << ", offset " << offset << ", length " << length;
      }
    }
  }
}

TEST(Secret, AssignReplacesTheBytesInPlace) {
  Secret s(std::string_view("abcdef"));
  const uint8_t two[] = {'x', 'y'};
  s.Assign(two);
  EXPECT_EQ(s, Secret(std::string_view("xy")));
  const std::string longer(300, 'z');
  s.Assign(AsBytes(longer));
  EXPECT_EQ(s, Secret(std::string_view(longer)));
  s.Assign(ByteSpan{});
  EXPECT_TRUE(s.empty());
}

TEST(Hex, RoundTripsAndRejectsBadInput) {
  Bytes b;
  ASSERT_TRUE(HexDecode("00ffA0", &b));
  EXPECT_EQ(HexEncode(b), "00ffa0");
  EXPECT_FALSE(HexDecode("abc", &b));
  EXPECT_FALSE(HexDecode("zz", &b));
}

TEST(Secret, ComparesByValue) {
  EXPECT_EQ(Secret("abc"), Secret("abc"));
  EXPECT_FALSE(Secret("abc") == Secret("abd"));
  EXPECT_FALSE(Secret("abc") == Secret("abcd"));
  Secret moved_from("x");
  Secret to = std::move(moved_from);
  EXPECT_EQ(to.Reveal(), "x");
}

TEST(Version, ParsesAndOrders) {
  ASSERT_TRUE(Version::Parse("7.7.1").has_value());
  EXPECT_LT(*Version::Parse("7.7.0"), *Version::Parse("7.7.1"));
  EXPECT_LT(*Version::Parse("6.28.0"), *Version::Parse("7.0"));
  EXPECT_LT(*Version::Parse("10.2.9"), *Version::Parse("10.3.0"));
  EXPECT_FALSE(Version::Parse("7").has_value());
  EXPECT_FALSE(Version::Parse("7.x.1").has_value());
  EXPECT_FALSE(Version::Parse("7.7.1.2").has_value());
}

TEST(Env, DeterministicRngResumesFromSavedState) {
  RngState a{42, 0};
  DeterministicRng r1(&a);
  uint8_t first[20], second[20];
  r1.Fill(first);
  RngState saved = a;
  r1.Fill(second);
  DeterministicRng r2(&saved);
  uint8_t again[20];
  r2.Fill(again);
  EXPECT_EQ(0, memcmp(second, again, sizeof(again)));
  EXPECT_NE(0, memcmp(first, second, sizeof(first)));
}

// Each output word gives its bytes low byte first; a fill takes whole words
// and drops what is left of the last one (the stream the golden blobs pin).
TEST(Env, DeterministicRngFillsWordByWordLowByteFirst) {
  const std::string_view words = "956eeb2f2632d7bd03f166b233e3ef28";  // seed 42, words 1-2
  for (size_t n = 0; n <= 16; ++n) {
    RngState state{42, 0};
    DeterministicRng rng(&state);
    uint8_t out[16] = {};
    rng.Fill(std::span<uint8_t>(out, n));
    EXPECT_EQ(HexEncode(ByteSpan(out, n)), words.substr(0, 2 * n)) << n;
    EXPECT_EQ(state.counter, (n + 7) / 8) << n;
  }
}

TEST(Env, HandleAllocatorUsesQueueThenCountsAndSkipsUsed) {
  HandleAllocator alloc{{14, 18}, 20};
  auto used = [](uint32_t h) { return h == 18 || h == 21; };
  EXPECT_EQ(*AllocateHandle(alloc, used), 14u);
  EXPECT_EQ(*AllocateHandle(alloc, used), 20u);
  EXPECT_EQ(*AllocateHandle(alloc, used), 22u);
}

TEST(Env, Iso8601RoundTripsAndRejectsImpossibleDates) {
  auto t = ParseIso8601("2019-03-09T16:52:47Z");
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(FormatUtc(*t, "%Y:%m:%d-%H:%M:%S"), "2019:03:09-16:52:47");
  EXPECT_FALSE(ParseIso8601("2019-02-30T00:00:00Z").has_value());
  EXPECT_FALSE(ParseIso8601("2019-03-09 16:52:47").has_value());
}

}  // namespace
}  // namespace hsmbackup
