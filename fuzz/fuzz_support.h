// Shared by the fuzz targets, the replay main and the corpus generator: the
// fixed fuzzing keys and the invariant check.
//
// The keys are constants on purpose: the clone_open corpus is sealed under
// them, and the custom mutator re-seals mutated plaintext under them, so the
// fuzzer reaches the code behind authentication. They protect nothing.
#ifndef HSMBACKUP_FUZZ_FUZZ_SUPPORT_H_
#define HSMBACKUP_FUZZ_FUZZ_SUPPORT_H_

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace hsmbackup::fuzz {

// kFuzzDomain is the cloning domain every clone_open input is sealed under.
inline constexpr std::string_view kFuzzDomain = "hsmbackup-fuzzing-domain";
// kFuzzSmk is the 32-byte SMK of the fuzzing V1 partition.
inline constexpr std::string_view kFuzzSmk = "hsmbackup-fuzzing-smk-32-bytes!!";
static_assert(kFuzzSmk.size() == 32);

[[noreturn]] inline void InvariantFailed(const char* file, int line, const char* what) {
  std::fprintf(stderr, "%s:%d: fuzz invariant violated: %s\n", file, line, what);
  std::abort();
}

}  // namespace hsmbackup::fuzz

// FUZZ_CHECK aborts (a crash libFuzzer records) when an invariant fails.
#define FUZZ_CHECK(cond)                                                 \
  do {                                                                   \
    if (!(cond)) ::hsmbackup::fuzz::InvariantFailed(__FILE__, __LINE__, #cond); \
  } while (0)

#endif  // HSMBACKUP_FUZZ_FUZZ_SUPPORT_H_
