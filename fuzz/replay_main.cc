// A main() for the fuzz targets without libFuzzer (GCC builds): runs
// LLVMFuzzerTestOneInput on every file named, or every file under every
// directory named, in sorted order. A target that defines
// LLVMFuzzerCustomMutator also gets, for each input, a few mutants from it
// (with the deterministic LLVMFuzzerMutate below), so the mutator and the
// invariants behind it run in every normal build.
//
// Usage: <target>_replay [--mutants=N] PATH...
// Exit status: 0 if every input ran (a violated invariant aborts), 2 if a
// path cannot be read or no input was found.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);
extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));
extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) __attribute__((weak));

namespace {
uint64_t g_mutate_state = 0x9e3779b97f4a7c15ULL;

uint64_t Next() {  // SplitMix64
  uint64_t z = (g_mutate_state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
}  // namespace

// LLVMFuzzerMutate stands in for libFuzzer's: flip a bit, change a byte,
// insert or erase one, deterministically.
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size) {
  if (max_size == 0) return 0;
  size = std::min(size, max_size);
  const uint64_t r = Next();
  if (size == 0) {
    data[0] = static_cast<uint8_t>(r >> 8);
    return 1;
  }
  const size_t at = static_cast<size_t>((r >> 8) % size);
  switch (r % 4) {
    case 0:
      data[at] ^= static_cast<uint8_t>(1u << ((r >> 40) % 8));
      return size;
    case 1:
      data[at] = static_cast<uint8_t>(r >> 48);
      return size;
    case 2:
      if (size < max_size) {
        std::memmove(data + at + 1, data + at, size - at);
        data[at] = static_cast<uint8_t>(r >> 48);
        return size + 1;
      }
      return size;
    default:
      if (size > 1) {
        std::memmove(data + at, data + at + 1, size - at - 1);
        return size - 1;
      }
      return size;
  }
}

namespace {

bool ReadFile(const std::filesystem::path& path, std::vector<uint8_t>* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  out->assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return !in.bad();
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  int mutants = 8;
  std::vector<std::filesystem::path> files;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--mutants=", 0) == 0) {
      mutants = std::stoi(arg.substr(10));
      continue;
    }
    std::error_code ec;
    if (std::filesystem::is_directory(arg, ec)) {
      for (const auto& entry : std::filesystem::recursive_directory_iterator(arg)) {
        if (entry.is_regular_file()) files.push_back(entry.path());
      }
    } else if (std::filesystem::is_regular_file(arg, ec)) {
      files.emplace_back(arg);
    } else {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], arg.c_str());
      return 2;
    }
  }
  std::sort(files.begin(), files.end());
  if (files.empty()) {
    std::fprintf(stderr, "%s: no inputs (usage: %s [--mutants=N] PATH...)\n", argv[0], argv[0]);
    return 2;
  }
  size_t runs = 0;
  for (const auto& path : files) {
    std::vector<uint8_t> data;
    if (!ReadFile(path, &data)) {
      std::fprintf(stderr, "%s: cannot read %s\n", argv[0], path.c_str());
      return 2;
    }
    // A copy of exactly the input's size, so ASan sees any over-read.
    std::vector<uint8_t> exact(data);
    LLVMFuzzerTestOneInput(exact.empty() ? nullptr : exact.data(), exact.size());
    ++runs;
    if (LLVMFuzzerCustomMutator == nullptr) continue;
    for (int m = 0; m < mutants; ++m) {
      std::vector<uint8_t> buf(data);
      const size_t max_size = std::max<size_t>(data.size() * 2, 4096);
      buf.resize(max_size);
      const size_t n = LLVMFuzzerCustomMutator(buf.data(), data.size(), max_size,
                                               static_cast<unsigned>(runs * 131 + m));
      buf.resize(n);
      buf.shrink_to_fit();
      LLVMFuzzerTestOneInput(buf.empty() ? nullptr : buf.data(), buf.size());
      ++runs;
    }
  }
  std::printf("%s: %zu inputs from %zu files, no invariant violated\n", argv[0], runs,
              files.size());
  return 0;
}
