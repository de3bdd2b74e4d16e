// hsmbackup_bench: per-object clone throughput as ratios to the raw crypto
// floor (../shared/DESIGN.md, "Benchmarks"). bench/ratios runs it and prints the table;
// BENCHMARKS.md says what each name measures and records the results.
//
//   clone/<kind>/<bytes>    `partition archive backup` of kObjects objects
//                           through Session (the real engine path), per object
//   floor/<kind>/<bytes>    the same bytes with no engine: raw OpenSSL EVP
//                           AES-256-GCM seal + open (pre77, v0) or seal (v1)
//                           with prefetched, pre-keyed contexts, plus one
//                           hash-map insert of the object (or sealed blob)
//   restore/<kind>/<bytes>  `partition archive restore` of the same backup
//   list/<objects>, contents/<objects>   on a backup of that many objects
//   parse/<kind>/<bytes>    ParseBlob alone (bytes/s are wire bytes)
//   parseview/<kind>/<bytes>  ParseBlobView alone (the clone path's parser)
#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "bench_world.h"
#include "hsmbackup/blob.h"
#include "hsmbackup/transfer.h"
#include <malloc.h>

namespace hsmbackup::bench {
namespace {

constexpr PartitionKind kKinds[] = {PartitionKind::kPre77, PartitionKind::kV0,
                                    PartitionKind::kV1};
constexpr size_t kSizes[] = {64, 256, 1024, 4096, 65536};

// Objects per timed command: enough that per-command costs (parsing, logins,
// key derivation) are small beside the per-object path being measured.
size_t ObjectsFor(size_t size) { return size >= 65536 ? 100 : 1000; }

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "bench: %s\n", what);
  std::abort();
}

void Count(benchmark::State& state, size_t objects, size_t size) {
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * objects));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * objects * size));
}

// Empties the backup HSM (outside the timed region) so every iteration makes
// the same new backup partition.
void ResetBackupHsm(World& world) {
  BackupHsm& hsm = HsmOf(world);
  hsm.partitions.clear();
  hsm.handles = HandleAllocator{};
  hsm.handles.next = 1;
  world.rng = RngState{};
}

// TimedCommand and FloorObjects are the timed work, kept out of line so
// that `valgrind --tool=callgrind --toggle-collect='*TimedCommand*'` (or
// '*FloorObjects*') counts exactly it: instructions per object are the
// load-independent view of the same ratio (BENCHMARKS.md).
[[gnu::noinline]] Result TimedCommand(Session& session, const std::string& line,
                                      TranscriptSink& sink, Prompter& prompter) {
  return session.Execute(line, sink, prompter);
}

void BM_Clone(benchmark::State& state, PartitionKind kind, size_t size) {
  const size_t n = ObjectsFor(size);
  World world = MakeWorld(kind, n, size);
  Session session(&world);
  DiscardSink sink;
  AnswerProceed prompter;
  RunOrDie(session, LoginCoLine(), sink);
  const std::string line = BackupLine();
  RunOrDie(session, line, sink);  // warm-up: OpenSSL's first fetches, the allocator
  for (auto _ : state) {
    state.PauseTiming();
    ResetBackupHsm(world);
    state.ResumeTiming();
    Result r = TimedCommand(session, line, sink, prompter);
    if (!r.status.ok()) {
      state.SkipWithError(r.status.ToString().c_str());
      break;
    }
  }
  if (HsmOf(world).partitions.empty() || HsmOf(world).partitions[0].objects.size() != n) {
    state.SkipWithError("backup did not store every object");
  }
  Count(state, n, size);
}

// --- The floor: raw EVP, no project code on the timed path. ---

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct CipherFree {
  void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
};

// RawGcm is one prefetched AES-256-GCM cipher with its key schedule set
// once; each call sets only the IV, as a tuned caller of OpenSSL would.
class RawGcm {
 public:
  explicit RawGcm(const uint8_t key[32])
      : cipher_(EVP_CIPHER_fetch(nullptr, "AES-256-GCM", nullptr)), ctx_(EVP_CIPHER_CTX_new()) {
    if (!cipher_ || !ctx_ ||
        EVP_EncryptInit_ex(ctx_.get(), cipher_.get(), nullptr, key, nullptr) != 1) {
      Die("EVP AES-256-GCM unavailable");
    }
  }
  void Seal(const uint8_t* iv, ByteSpan aad, ByteSpan pt, uint8_t* ct, uint8_t* tag) {
    int len = 0;
    uint8_t fin[16];
    EVP_CIPHER_CTX* c = ctx_.get();
    if (EVP_EncryptInit_ex(c, nullptr, nullptr, nullptr, iv) != 1 ||
        EVP_EncryptUpdate(c, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(c, ct, &len, pt.data(), static_cast<int>(pt.size())) != 1 ||
        EVP_EncryptFinal_ex(c, fin, &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) != 1) {
      Die("seal failed");
    }
  }
  void Open(const uint8_t* iv, ByteSpan aad, ByteSpan ct, const uint8_t* tag, uint8_t* pt) {
    int len = 0;
    uint8_t fin[16];
    EVP_CIPHER_CTX* c = ctx_.get();
    if (EVP_DecryptInit_ex(c, nullptr, nullptr, nullptr, iv) != 1 ||
        EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, const_cast<uint8_t*>(tag)) != 1 ||
        EVP_DecryptUpdate(c, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1 ||
        EVP_DecryptUpdate(c, pt, &len, ct.data(), static_cast<int>(ct.size())) != 1 ||
        EVP_DecryptFinal_ex(c, fin, &len) != 1) {
      Die("open failed");
    }
  }

 private:
  std::unique_ptr<EVP_CIPHER, CipherFree> cipher_;
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx_;
};

struct OuidHash {
  size_t operator()(const Ouid& o) const {
    uint64_t a = 0, b = 0;
    std::memcpy(&a, o.bytes.data(), 8);
    std::memcpy(&b, o.bytes.data() + 8, 4);
    return a * 0x9E3779B97F4A7C15ULL ^ b;
  }
};

using Store = std::unordered_map<Ouid, Bytes, OuidHash>;

// FloorObjects is one iteration of the floor: every object sealed at the
// source, then opened at the target and the object stored (pre77, v0), or
// the sealed bytes stored (v1).
[[gnu::noinline]] void FloorObjects(bool v1, const std::vector<Ouid>& ouids,
                                    const std::vector<Bytes>& payloads,
                                    const std::vector<Bytes>& aads, RawGcm& source,
                                    RawGcm& target, Bytes& ct, Bytes& pt, uint64_t& counter,
                                    Store& store) {
  uint8_t iv[12] = {};
  for (size_t i = 0; i < payloads.size(); ++i) {
    ++counter;
    std::memcpy(iv, &counter, sizeof(counter));
    const Bytes& p = payloads[i];
    source.Seal(iv, aads[i], p, ct.data(), ct.data() + p.size());
    if (v1) {  // the backup HSM keeps the sealed bytes as they came
      store.emplace(ouids[i], Bytes(ct.begin(), ct.begin() + p.size() + 16));
    } else {  // the target opens, verifies, and keeps the object
      target.Open(iv, aads[i], ByteSpan(ct.data(), p.size()), ct.data() + p.size(), pt.data());
      store.emplace(ouids[i], Bytes(pt.begin(), pt.begin() + p.size()));
    }
  }
}

void BM_Floor(benchmark::State& state, PartitionKind kind, size_t size) {
  const size_t n = ObjectsFor(size);
  const bool v1 = kind == PartitionKind::kV1;
  // The bytes the engine seals: the same payload encoding and header AAD.
  std::vector<Ouid> ouids(n);
  std::vector<Bytes> payloads(n), aads(n);
  for (size_t i = 0; i < n; ++i) {
    Object o = MakeObject(static_cast<uint32_t>(100 + i), size);
    ouids[i] = o.ouid;
    payloads[i] = EncodePayload(o);
    CloneBlob header;
    header.kind = v1 ? BlobKind::kSmkObject : BlobKind::kDomainObject;
    header.source_kind = kind;
    header.ouid = o.ouid;
    header.label = o.label;
    aads[i] = BlobAad(header);
  }
  uint8_t key[32];
  for (int i = 0; i < 32; ++i) key[i] = static_cast<uint8_t>(i * 7 + 1);
  RawGcm source(key), target(key);
  Bytes ct(payloads[0].size() + 16), pt(payloads[0].size());
  uint64_t counter = 0;
  Store store;
  store.reserve(n);
  for (auto _ : state) {
    state.PauseTiming();
    store.clear();
    store.reserve(n);
    state.ResumeTiming();
    FloorObjects(v1, ouids, payloads, aads, source, target, ct, pt, counter, store);
    benchmark::DoNotOptimize(store);
  }
  if (store.size() != n) state.SkipWithError("floor stored the wrong count");
  Count(state, n, size);
}

void BM_Restore(benchmark::State& state, PartitionKind kind, size_t size) {
  const size_t n = ObjectsFor(size);
  World world = MakeWorld(kind, n, size);
  Session session(&world);
  DiscardSink sink;
  AnswerProceed prompter;
  RunOrDie(session, LoginCoLine(), sink);
  RunOrDie(session, BackupLine(), sink);
  const std::string line = RestoreLine();
  UserPartition& user = UserOf(world);
  for (auto _ : state) {
    state.PauseTiming();
    user.objects.clear();
    user.handles = HandleAllocator{};
    user.handles.next = 100;
    state.ResumeTiming();
    Result r = session.Execute(line, sink, prompter);
    if (!r.status.ok()) {
      state.SkipWithError(r.status.ToString().c_str());
      break;
    }
  }
  if (user.objects.size() != n) state.SkipWithError("restore did not restore every object");
  Count(state, n, size);
}

// One world with a large backup, built once and shared by list and contents
// (neither changes it), so repetitions do not rebuild it.
struct BigBackup {
  World world;
  std::unique_ptr<Session> session;
};

BigBackup& BigBackupOf(size_t objects) {
  static std::unordered_map<size_t, std::unique_ptr<BigBackup>> cache;
  auto& slot = cache[objects];
  if (!slot) {
    slot = std::make_unique<BigBackup>();
    slot->world = MakeWorld(PartitionKind::kV0, objects, 256);
    slot->session = std::make_unique<Session>(&slot->world);
    DiscardSink sink;
    RunOrDie(*slot->session, LoginCoLine(), sink);
    RunOrDie(*slot->session, BackupLine(), sink);
  }
  return *slot;
}

void BM_Admin(benchmark::State& state, bool contents, size_t objects) {
  BigBackup& big = BigBackupOf(objects);
  const std::string line = contents ? ContentsLine() : ListLine();
  DiscardSink sink;
  AnswerProceed prompter;
  for (auto _ : state) {
    Result r = big.session->Execute(line, sink, prompter);
    if (!r.status.ok()) {
      state.SkipWithError(r.status.ToString().c_str());
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * objects));
  state.counters["transcript_bytes_per_iter"] =
      static_cast<double>(sink.bytes) / static_cast<double>(std::max<int64_t>(1, state.iterations()));
}

// BM_Parse times ParseBlob (owning: copies label and ciphertext) or, with
// `view`, ParseBlobView (what the clone path uses: no copy).
void BM_Parse(benchmark::State& state, PartitionKind kind, size_t size, bool view) {
  const Secret domain(kDomain);
  StatusOr<Sender> sender =
      kind == PartitionKind::kV1
          ? Sender::ForV1(domain, Secret(ByteSpan(Bytes(32, 0xA5))))
          : Sender::ForDomain(domain, kind);
  if (!sender.ok()) Die("sender");
  RngState rng_state;
  DeterministicRng rng(&rng_state);
  StatusOr<Bytes> wire = sender->SendObject(MakeObject(100, size), rng);
  if (!wire.ok()) Die("send");
  for (auto _ : state) {
    bool ok = false;
    if (view) {
      StatusOr<CloneBlobView> blob = ParseBlobView(*wire);
      benchmark::DoNotOptimize(blob);
      ok = blob.ok();
    } else {
      StatusOr<CloneBlob> blob = ParseBlob(*wire);
      benchmark::DoNotOptimize(blob);
      ok = blob.ok();
    }
    if (!ok) {
      state.SkipWithError("parse failed");
      break;
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * wire->size()));
}

void RegisterAll() {
  for (PartitionKind kind : kKinds) {
    const std::string k = KindLabel(kind);
    for (size_t size : kSizes) {
      const std::string s = std::to_string(size);
      benchmark::RegisterBenchmark(("clone/" + k + "/" + s).c_str(), BM_Clone, kind, size)
          ->UseRealTime()->Unit(benchmark::kMicrosecond);
      benchmark::RegisterBenchmark(("floor/" + k + "/" + s).c_str(), BM_Floor, kind, size)
          ->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
    for (size_t size : {size_t{256}, size_t{4096}}) {
      const std::string s = std::to_string(size);
      benchmark::RegisterBenchmark(("restore/" + k + "/" + s).c_str(), BM_Restore, kind, size)
          ->UseRealTime()->Unit(benchmark::kMicrosecond);
    }
    for (size_t size : kSizes) {
      const std::string s = std::to_string(size);
      benchmark::RegisterBenchmark(("parse/" + k + "/" + s).c_str(), BM_Parse, kind, size,
                                   false)
          ->UseRealTime();
      benchmark::RegisterBenchmark(("parseview/" + k + "/" + s).c_str(), BM_Parse, kind, size,
                                   true)
          ->UseRealTime();
    }
  }
  for (size_t objects : {size_t{10000}, size_t{100000}}) {
    const std::string o = std::to_string(objects);
    benchmark::RegisterBenchmark(("list/" + o).c_str(), BM_Admin, false, objects)
        ->UseRealTime()->Unit(benchmark::kMicrosecond);
    benchmark::RegisterBenchmark(("contents/" + o).c_str(), BM_Admin, true, objects)
        ->UseRealTime()->Unit(benchmark::kMillisecond);
  }
}

}  // namespace
}  // namespace hsmbackup::bench

int main(int argc, char** argv) {
  // Between iterations the untimed reset frees what the timed command
  // stored (the clone's backup partition, the restore's objects), and glibc
  // handed those pages back to the kernel (a heap trim, an munmap), so the
  // next timed command faulted them in again: 52 page faults per 1,000
  // 256-byte objects, 1,127 per 1,000 of 4 KiB, that the floor, whose store
  // keeps its memory (clear + reserve), never paid. Freed memory now stays in
  // the process, so every timed iteration starts from a warm heap, as the
  // floor's does (best-of ratios moved by less than their noise).
  mallopt(M_TRIM_THRESHOLD, 1 << 30);
  mallopt(M_MMAP_THRESHOLD, 32 << 20);
  hsmbackup::bench::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
