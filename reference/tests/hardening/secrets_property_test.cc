// No secret in any output (OUT-NO-SECRETS, PROTOCOL.md "The state never
// contains a password, a domain string, a key"): random secrets go into a
// world, a random mix of good and bad commands (with -debug) runs through
// the target protocol, and every response line is scanned for every secret
// (passwords, domains, the SMK raw and in hex) and the wrong passwords typed.
//
// Scanned: every transcript line, every command's error message, every
// `observe` state, and error responses (bad requests, a world that does not
// load because of a bad secret field). Not scanned: the world file that a
// save writes, which holds the secrets by design (WORLD-FORMAT.md), and the
// `load` request itself, which is input. engine/backup_secrets_test.cc has
// the fixed stories; this one varies the secrets and the order.
//
// No object value freed unwiped: objects' secret material is a Secret, so
// replacing a backup's objects (-append -replace, -replace), zeroizing a
// device and a FULL-REVERT (whose snapshot copies every object) free it
// only after wiping it. A FreedMemoryProbe watches every block this thread
// frees for the values the property generated.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstring>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "hsmbackup/protocol.h"
#include "hsmbackup/world_io.h"
#include "support/test_support.h"
#include "support/worlds.h"

namespace hsmbackup {
namespace {

// FreedMemoryProbe: while one is armed on this thread, every block freed
// through sized operator delete (how std::allocator frees: vectors,
// strings) is scanned for its needles before it goes back to the heap.
// Test-only, and the only global state in these tests: operator delete has
// no other way to find it.
class FreedMemoryProbe {
 public:
  explicit FreedMemoryProbe(std::vector<Bytes> needles) : needles_(std::move(needles)) {
    current_ = this;
  }
  FreedMemoryProbe(const FreedMemoryProbe&) = delete;
  FreedMemoryProbe& operator=(const FreedMemoryProbe&) = delete;
  ~FreedMemoryProbe() { current_ = nullptr; }

  // hits is how many freed blocks held a needle; first_hit is one of them, in hex.
  size_t hits() const { return hits_; }
  const std::string& first_hit() const { return first_hit_; }

  static void OnFree(const void* p, size_t n) {
    FreedMemoryProbe* probe = current_;
    if (probe == nullptr || p == nullptr) return;
    current_ = nullptr;  // what the scan itself frees is not scanned
    probe->Scan(static_cast<const uint8_t*>(p), n);
    current_ = probe;
  }

 private:
  void Scan(const uint8_t* p, size_t n) {
    for (const Bytes& needle : needles_) {
      if (n < needle.size()) continue;
      if (std::search(p, p + n, needle.begin(), needle.end()) != p + n) {
        if (hits_++ == 0) first_hit_ = HexEncode(needle);
        return;
      }
    }
  }

  static thread_local FreedMemoryProbe* current_;
  std::vector<Bytes> needles_;
  size_t hits_ = 0;
  std::string first_hit_;
};

thread_local FreedMemoryProbe* FreedMemoryProbe::current_ = nullptr;

}  // namespace
}  // namespace hsmbackup

// Replaces only the sized form, and hands the block to the unsized one, so
// the allocator underneath (glibc's, or ASan's in the asan lane) is unchanged.
// Replacing one form alone is allowed; GCC's warning asks for both only
// because a program usually means to replace the allocator.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wsized-deallocation"
void operator delete(void* p, std::size_t n) noexcept {
  hsmbackup::FreedMemoryProbe::OnFree(p, n);
  ::operator delete(p);
}
#pragma GCC diagnostic pop

namespace hsmbackup {
namespace {

using namespace hsmbackup::testing;  // NOLINT(build/namespaces)
using Json = nlohmann::json;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// GenSecret: 8-20 characters that lunacm takes unquoted. The first is not
// a hex digit, so no fingerprint or OUID in the output can contain one by
// chance.
rc::Gen<std::string> GenSecret() {
  return rc::gen::apply(
      [](char first, std::string rest) { return first + rest; },
      rc::gen::elementOf(std::string("GHJKMNPQRSTVWXYZghjkmnpqrstvwxyz")),
      rc::gen::mapcat(rc::gen::inRange<size_t>(7, 20), [](size_t n) {
        return rc::gen::container<std::string>(
            n, rc::gen::elementOf(std::string(
                   "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#%+-_=@")));
      }));
}

struct Secrets {
  std::string co, cu, po, domain, dflt, so, bk;
  std::string bad_co, bad_so, bad_bk, bad_domain;
  Bytes smk;

  std::vector<std::string> Needles() const {
    std::vector<std::string> out;
    for (const std::string* s : {&co, &cu, &po, &domain, &dflt, &so, &bk, &bad_co, &bad_so,
                                 &bad_bk, &bad_domain}) {
      out.push_back(Lower(*s));
    }
    if (!smk.empty()) {
      out.push_back(Lower(HexEncode(smk)));
      out.push_back(Lower(HexEncode(ByteSpan(smk).first(8))));
      out.push_back(Lower(std::string(smk.begin(), smk.end())));
    }
    return out;
  }
};

World SecretWorld(const Secrets& s, PartitionKind kind) {
  UserPartition u = MakeUser(kind, 3);
  u.co_password = Secret(s.co);
  u.cu_password = Secret(s.cu);
  u.po_password = Secret(s.po);
  u.domain = Secret(s.domain);
  if (u.smk) u.smk = Secret(ByteSpan(s.smk));
  BackupHsm h = MakeBackupHsm();
  h.so_password = Secret(s.so);
  World w = MakeWorld(std::move(u), std::move(h));
  w.default_domain = Secret(s.dflt);
  return w;
}

std::string Backup(const std::string& part, const std::string& domain, const std::string& pw,
                   const std::string& so, const std::string& extra) {
  return "partition archive backup -slot 2" + (part.empty() ? "" : " -partition " + part) +
         (domain.empty() ? "" : " -domain " + domain) + " -password " + pw + " -sopassword " +
         so + " " + extra;
}

// Commands: good and bad, each with -debug where the command takes it.
std::vector<std::string> Commands(const Secrets& s) {
  return {
      "role login -name co -password " + s.bad_co,
      "role login -name co -password " + s.co,
      "role login -name cu -password " + s.cu,
      "role login -name po -password " + s.po,
      "role logout",
      Backup("bk", s.domain, s.bk, s.so, "-debug"),
      Backup("bk", s.domain, s.bk, s.so, "-append -debug"),
      Backup("bk", s.domain, s.bk, s.so, "-replace -force -debug"),
      Backup("bk2", s.bad_domain, s.bk, s.so, "-debug"),
      Backup("bk3", s.domain, s.bk, s.bad_so, "-debug"),
      Backup("bk", s.domain, s.bad_bk, s.so, "-append -debug"),
      Backup("bk4", "", s.bk, s.so, "-defaultdomain -debug"),
      Backup("", s.domain, s.bk, s.so, "-smkonly -debug"),
      "partition archive list -slot 2 -sopassword " + s.so,
      "partition archive list -slot 2 -sopassword " + s.bad_so,
      "partition archive contents -slot 2 -partition bk -password " + s.bk,
      "partition archive contents -slot 2 -partition bk -password " + s.bad_bk,
      "partition archive restore -slot 2 -partition bk -password " + s.bk + " -debug",
      "partition archive restore -slot 2 -partition bk -password " + s.bad_bk + " -debug",
      "partition archive delete -slot 2 -partition bk -sopassword " + s.so + " -force",
      "partition archive delete -slot 2 -partition bk -sopassword " + s.bad_so + " -force",
      "partition archive backup -slot 2 -password " + s.bk + " -sopassword",  // malformed
  };
}

// Leak returns the first needle found in `text`, or "".
std::string Leak(const std::string& text, const std::vector<std::string>& needles) {
  const std::string lower = Lower(text);
  for (const std::string& n : needles) {
    if (lower.find(n) != std::string::npos) return n;
  }
  return "";
}

RC_GTEST_PROP(SecretsProperty, NoSecretInAnyProtocolResponse, ()) {
  HSMB_CLAUSE("OUT-NO-SECRETS");
  Secrets s;
  s.co = *GenSecret();
  s.cu = *GenSecret();
  s.po = *GenSecret();
  s.domain = *GenSecret();
  s.dflt = *GenSecret();
  s.so = *GenSecret();
  s.bk = *GenSecret();
  s.bad_co = *GenSecret();
  s.bad_so = *GenSecret();
  s.bad_bk = *GenSecret();
  s.bad_domain = *GenSecret();
  const PartitionKind kind =
      *rc::gen::element(PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1);
  if (kind == PartitionKind::kV1) {
    s.smk = *rc::gen::container<Bytes>(32, rc::gen::arbitrary<uint8_t>());
  }
  const std::vector<std::string> needles = s.Needles();
  // Two generated secrets that contain each other would make a hit ambiguous.
  for (size_t i = 0; i < needles.size(); ++i) {
    for (size_t j = 0; j < needles.size(); ++j) {
      RC_PRE(i == j || needles[i].find(needles[j]) == std::string::npos);
    }
  }

  const World world = SecretWorld(s, kind);
  const Json world_json = Json::parse(WorldToJson(world));
  ProtocolServer server;
  int id = 0;
  std::vector<std::string> responses;
  auto send = [&](Json request) {
    request["id"] = ++id;
    responses.push_back(server.Handle(request.dump()));
    return Json::parse(responses.back());
  };

  // A world that does not load because a secret field is bad.
  Json bad = world_json;
  bad["client"]["default_domain"] = 42;
  RC_ASSERT(!send({{"op", "load"}, {"world", bad}})["ok"].get<bool>());
  if (kind == PartitionKind::kV1) {
    Json bad_smk = world_json;
    bad_smk["slots"][0]["user_partition"]["smk"] = HexEncode(s.smk) + "zz";
    RC_ASSERT(!send({{"op", "load"}, {"world", bad_smk}})["ok"].get<bool>());
  }
  RC_ASSERT(send({{"op", "load"}, {"world", world_json}})["ok"].get<bool>());

  const std::vector<std::string> commands = Commands(s);
  const auto n = *rc::gen::inRange<size_t>(1, 16);
  const auto picks = *rc::gen::container<std::vector<size_t>>(
      n, rc::gen::inRange<size_t>(0, commands.size()));
  // The CO login first in most runs, so the backups get past AUTH-CO.
  std::vector<std::string> lines;
  if (*rc::gen::inRange(0, 4) != 0) lines.push_back(commands[1]);
  for (size_t p : picks) lines.push_back(commands[p]);
  for (const std::string& line : lines) {
    const Json answers = Json::array({*rc::gen::element<std::string>("proceed", "quit")});
    const Json r = send({{"op", "execute"}, {"line", line}, {"answers", answers}});
    RC_ASSERT(r["ok"].get<bool>());
    send({{"op", "observe"}});
  }
  // Malformed requests: their error responses must not echo secrets either.
  send({{"op", "execute"}, {"line", 7}});
  send({{"op", "execute"}, {"line", commands[1]}, {"answers", s.co}});
  send({{"op", "no-such-op"}, {"password", s.co}});

  for (const std::string& response : responses) {
    const std::string leak = Leak(response, needles);
    RC_ASSERT(leak.empty());
  }
}

// The probe itself: a plain buffer freed with a needle in it is seen; the
// same bytes in a Secret are not (it wiped them), so a zero count in the
// property below means something.
TEST(FreedMemoryProbe, SeesAnUnwipedBufferAndNotASecret) {
  const Bytes needle = {0x5e, 0xc4, 0xe7, 0x01, 0x02, 0x03, 0x04, 0x05,
                        0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d};
  std::vector<Bytes> needles = {needle};  // the list's own copy is freed here, unwatched
  FreedMemoryProbe probe(std::move(needles));
  { Bytes plain = needle; }
  EXPECT_EQ(probe.hits(), 1u);
  { Secret secret{ByteSpan(needle)}; }
  {
    Object object;
    object.value = Secret(ByteSpan(needle));
    Object copy = object;
  }
  EXPECT_EQ(probe.hits(), 1u) << "a Secret or an Object was freed with its value in it";
}

// Values generates `n` random object values of 16..64 bytes. Their bytes
// span the whole range at every size and do not shrink: a low-entropy value
// (RapidCheck's small sizes give mostly zeros) would match unrelated freed
// memory, and a shrunk counterexample of zeros would point at nothing.
rc::Gen<std::vector<Bytes>> Values(size_t n) {
  return rc::gen::noShrink(rc::gen::resize(
      100, rc::gen::container<std::vector<Bytes>>(
               n, rc::gen::mapcat(rc::gen::inRange<size_t>(16, 65), [](size_t size) {
                 return rc::gen::container<Bytes>(size, rc::gen::arbitrary<uint8_t>());
               }))));
}

void SetValues(UserPartition& user, const std::vector<Bytes>& values) {
  for (size_t i = 0; i < user.objects.size(); ++i) {
    user.objects[i].value = Secret(ByteSpan(values[i]));
  }
}

RC_GTEST_PROP(SecretsProperty, NoObjectValueIsFreedUnwiped, ()) {
  HSMB_CLAUSE("FULL-REVERT", "OPT-APPEND-REPLACE");
  const PartitionKind kind =
      *rc::gen::element(PartitionKind::kPre77, PartitionKind::kV0, PartitionKind::kV1);
  const auto n = *rc::gen::inRange<size_t>(2, 5);
  // Three generations of values: backed up, replaced object by object
  // (-append -replace), then replaced whole (-replace).
  const std::vector<Bytes> first = *Values(n), second = *Values(n), third = *Values(n);
  std::vector<Bytes> needles;
  for (const auto* gen : {&first, &second, &third}) {
    for (const Bytes& v : *gen) needles.emplace_back(v.begin(), v.begin() + 16);
  }
  for (size_t i = 0; i < needles.size(); ++i) {
    for (size_t j = 0; j < i; ++j) RC_PRE(needles[i] != needles[j]);
  }
  const std::string wrong = "not-the-" + std::string(kSoPassword);

  size_t hits = 0;
  std::string first_hit;
  {
    FreedMemoryProbe probe(needles);
    {
      UserPartition user = MakeUser(kind, n);
      SetValues(user, first);
      BackupHsm hsm = MakeBackupHsm();
      World world = MakeWorld(std::move(user), std::move(hsm));
      Runner r(&world);
      r.LoginCo();
      RC_ASSERT(r.Do(BackupLine()).code() == Ckr::kOk);
      SetValues(UserAt(world), second);
      RC_ASSERT(r.Do(BackupLine("-append -replace -force")).code() == Ckr::kOk);
      SetValues(UserAt(world), third);
      RC_ASSERT(r.Do(BackupLine("-replace -force")).code() == Ckr::kOk);
      // FULL-REVERT: the second object fills a new partition; the snapshot
      // and the objects already cloned are dropped.
      world.faults.push_back(PartitionFullFault(2));
      BackupArgs full;
      full.partition = "bk2";
      RC_ASSERT(r.Do(BackupLineFrom(full)).code() == Ckr::kContainerObjectStorageFull);
      world.faults.clear();
      // Zeroize: three wrong SO passwords clear the backup HSM; ten wrong
      // PO passwords clear the source partition.
      for (int i = 0; i < 3; ++i) r.Do("partition archive list -slot 2 -sopassword " + wrong);
      RC_ASSERT(HsmAt(world).zeroized);
      RC_ASSERT(r.Do("role logout").code() == Ckr::kOk);
      for (int i = 0; i < 10; ++i) r.Do("role login -name po -password " + wrong);
      RC_ASSERT(UserAt(world).zeroized);
    }
    hits = probe.hits();
    first_hit = probe.first_hit();
  }
  RC_ASSERT(hits == 0u);
  RC_ASSERT(first_hit.empty());
}

}  // namespace
}  // namespace hsmbackup
