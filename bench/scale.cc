// hsmbackup_scale: one `partition archive backup` of N objects, timed, with
// the process's memory before and at its peak. Run one process per size
// (bench/ratios does) so VmHWM is that backup's peak alone.
//
//   hsmbackup_scale <objects> [bytes=256] [kind=v0] [append=0]
//
// With append K > 0 the measured command is the second one: after a backup
// of <objects> objects, K new objects are added to the source and
// `-append -objects <their handles>` backs them up to the same partition;
// the figures are that command's, its peak reset first (/proc/self/clear_refs),
// so backup_peak_growth is what appending K to a backup of N costs.
//
// Prints one JSON object: objects, bytes, kind, seconds (wall), cpu_seconds
// (user + system, steadier on a shared machine), objects_per_second (wall),
// payload_bytes (objects moved x bytes), rss_before_backup (the source partition
// world, built in code), peak_rss (VmHWM after the backup), and
// backup_peak_growth = peak_rss - rss_before_backup (what the backup adds).
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "bench_world.h"

namespace {

// StatusBytes reads a "<key>: <n> kB" line of /proc/self/status, in bytes.
uint64_t StatusBytes(const std::string& key) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) == 0) {
      return std::strtoull(line.c_str() + key.size() + 1, nullptr, 10) * 1024;
    }
  }
  return 0;
}

// CpuSeconds is user + system time of this process so far: on a machine
// shared with other jobs it is the steadier of the two clocks.
double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace hsmbackup;
  if (argc < 2) {
    std::fprintf(stderr,
                 "usage: hsmbackup_scale <objects> [bytes=256] [pre77|v0|v1] [append=0]\n");
    return 2;
  }
  const size_t objects = std::strtoull(argv[1], nullptr, 10);
  const size_t bytes = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 256;
  const std::string kind_name = argc > 3 ? argv[3] : "v0";
  PartitionKind kind = PartitionKind::kV0;
  if (kind_name == "pre77") {
    kind = PartitionKind::kPre77;
  } else if (kind_name == "v1") {
    kind = PartitionKind::kV1;
  } else if (kind_name != "v0") {
    std::fprintf(stderr, "unknown kind %s\n", kind_name.c_str());
    return 2;
  }
  const size_t append = argc > 4 ? std::strtoull(argv[4], nullptr, 10) : 0;
  World world = bench::MakeWorld(kind, objects, bytes);
  Session session(&world);
  bench::DiscardSink sink;
  bench::RunOrDie(session, bench::LoginCoLine(), sink);
  std::string line = bench::BackupLine();
  if (append > 0) {
    bench::RunOrDie(session, line, sink);
    UserPartition& src = bench::UserOf(world);
    line += " -append -objects ";
    for (size_t i = 0; i < append; ++i) {
      const auto handle = static_cast<uint32_t>(100 + objects + i);
      src.objects.push_back(bench::MakeObject(handle, bytes));
      line += (i ? "," : "") + std::to_string(handle);
    }
    src.handles.next = static_cast<uint32_t>(100 + objects + append);
    std::ofstream("/proc/self/clear_refs") << "5";  // VmHWM from here on
  }
  const uint64_t rss_before = StatusBytes("VmRSS");
  const double cpu_start = CpuSeconds();
  const auto start = std::chrono::steady_clock::now();
  bench::RunOrDie(session, line, sink);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double cpu_seconds = CpuSeconds() - cpu_start;
  const uint64_t peak = StatusBytes("VmHWM");
  const BackupHsm& hsm = bench::HsmOf(world);
  if (hsm.partitions.size() != 1 || hsm.partitions[0].objects.size() != objects + append) {
    std::fprintf(stderr, "backup stored the wrong count\n");
    return 1;
  }
  std::printf(
      "{\"objects\": %zu, \"append\": %zu, \"bytes\": %zu, \"kind\": \"%s\", \"seconds\": %.6f, "
      "\"cpu_seconds\": %.6f, "
      "\"objects_per_second\": %.1f, \"payload_bytes\": %llu, \"rss_before_backup\": %llu, "
      "\"peak_rss\": %llu, \"backup_peak_growth\": %llu}\n",
      objects, append, bytes, kind_name.c_str(), seconds, cpu_seconds,
      static_cast<double>(append > 0 ? append : objects) / seconds,
      static_cast<unsigned long long>((append > 0 ? append : objects) * bytes),
      static_cast<unsigned long long>(rss_before), static_cast<unsigned long long>(peak),
      static_cast<unsigned long long>(peak - rss_before));
  return 0;
}
