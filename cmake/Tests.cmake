# How a GoogleTest executable becomes ctest cases.
#
# HSMB_TEST_SHARDS = 0 (the default): one ctest case per TEST, found by
# gtest_discover_tests, so `ctest -R Suite.Name` runs one test and a failure
# names it.
#
# HSMB_TEST_SHARDS = N > 0: N cases per executable, `<target>.shard<i>of<N>`,
# each running the whole executable with GTEST_TOTAL_SHARDS=N and
# GTEST_SHARD_INDEX=i, so every TEST runs exactly once and in one of N
# processes. The sanitizer preset uses it: there a process start costs what a
# small test does (conformance_test reads every vector file before main,
# about 2.5 s under ASan at -O0), and one process per TEST spent most of the
# lane's time starting processes (issue 15). A failing shard's output names
# the failing TEST as GoogleTest prints it. Every executable also links
# gtest_shards.cc, so the processes its tests start do not inherit the shard.
set(HSMB_TEST_SHARDS 0 CACHE STRING
    "0: one ctest case per TEST; N: each test executable as N GoogleTest shards")

# hsmb_add_gtest(target label [COST c]) registers `target`'s tests, labelled
# `label`. COST (sharded only) is ctest's scheduling weight: with no timing
# history (a fresh clone), ctest starts the costliest cases first, so the
# largest executable's shards do not run alone at the end.
function(hsmb_add_gtest target label)
  cmake_parse_arguments(PARSE_ARGV 2 arg "" "COST" "")
  set(shards_cc ${PROJECT_SOURCE_DIR}/cmake/gtest_shards.cc)
  target_sources(${target} PRIVATE ${shards_cc})
  set_source_files_properties(${shards_cc} PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  if(HSMB_TEST_SHARDS GREATER 0)
    math(EXPR last "${HSMB_TEST_SHARDS} - 1")
    foreach(i RANGE ${last})
      set(name "${target}.shard${i}of${HSMB_TEST_SHARDS}")
      add_test(NAME ${name} COMMAND ${target} --gtest_brief=1)
      set_tests_properties(${name} PROPERTIES
        LABELS "${label}"
        ENVIRONMENT "GTEST_TOTAL_SHARDS=${HSMB_TEST_SHARDS};GTEST_SHARD_INDEX=${i}"
        TIMEOUT 1500)
      if(arg_COST)
        set_tests_properties(${name} PROPERTIES COST ${arg_COST})
      endif()
    endforeach()
  else()
    gtest_discover_tests(${target} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS "${label}")
  endif()
endfunction()
