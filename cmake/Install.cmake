# Install rules and the CMake package (issue 13). `cmake --install` puts:
#   bin/                     hsmbackup, hsmbackup-conformance          (Runtime)
#   share/hsmbackup/         clauses.json, report.schema.json, fixtures/
#                            {vectors,worlds,regressions}: the data the
#                            conformance runner finds beside itself    (Runtime)
#   share/doc/hsmbackup/     README, CHANGELOG, RELIABILITY, and in the
#                            source tree's folders the protocol, reports,
#                            vectors, fixed-world targets, coverage, world
#                            and blob formats, fuzzing                  (Runtime)
#   include/hsmbackup/       each component's public headers           (Development)
#   lib/                     the component libraries                   (Development)
#   lib/cmake/hsmbackup/     hsmbackupConfig.cmake, its version file and
#                            the exported targets hsmbackup::reference and
#                            hsmbackup::<component>                     (Development)
#                            hsmbackup::hsmbackup and
#                            hsmbackup::hsmbackup-conformance           (Runtime)
# Nothing installed names the source or build tree (hsmb_target_defaults maps
# those paths away; the runner finds its data relative to itself).
include(CMakePackageConfigHelpers)

set(HSMB_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/hsmbackup")
set(HSMB_INSTALL_DATADIR "${CMAKE_INSTALL_DATADIR}/hsmbackup")

install(TARGETS hsmbackup_core hsmbackup_crypto hsmbackup_world hsmbackup_command
                hsmbackup_engine hsmbackup_protocol hsmbackup_reference
        EXPORT hsmbackupTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT Development
        FILE_SET HEADERS DESTINATION ${CMAKE_INSTALL_INCLUDEDIR} COMPONENT Development)
set(_hsmb_tools hsmbackup)
if(TARGET hsmbackup-conformance)
  list(APPEND _hsmb_tools hsmbackup-conformance)
endif()
# The tools have an export set of their own, installed with them, so the
# libraries' package works without them and they can be found without it.
install(TARGETS ${_hsmb_tools} EXPORT hsmbackupToolTargets
        RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT Runtime)
install(EXPORT hsmbackupToolTargets NAMESPACE hsmbackup:: DESTINATION ${HSMB_INSTALL_CMAKEDIR}
        COMPONENT Runtime)

install(FILES conformance/clauses.json conformance/report.schema.json
        DESTINATION ${HSMB_INSTALL_DATADIR} COMPONENT Runtime)
install(DIRECTORY fixtures/vectors fixtures/worlds DESTINATION ${HSMB_INSTALL_DATADIR}/fixtures
        COMPONENT Runtime FILES_MATCHING PATTERN "*.json")
install(DIRECTORY fixtures/regressions DESTINATION ${HSMB_INSTALL_DATADIR}/fixtures
        COMPONENT Runtime)
# The documents keep their places in the source tree, so the links between
# them work where they are installed (Package.RelocatedInstall follows them).
install(FILES README.md CHANGELOG.md RELIABILITY.md DESTINATION ${CMAKE_INSTALL_DOCDIR}
        COMPONENT Runtime)
install(FILES conformance/PROTOCOL.md conformance/REPORTS.md conformance/VECTORS.md
              conformance/FIXED-WORLD.md conformance/COVERAGE.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/conformance COMPONENT Runtime)
# An adapter that forks, which PROTOCOL.md ("fork") points vendors to.
install(PROGRAMS conformance/tests/fork_target.py
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/conformance/tests COMPONENT Runtime)
install(FILES reference/WORLD-FORMAT.md reference/BLOB-FORMAT.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/reference COMPONENT Runtime)
install(FILES fuzz/FUZZING.md DESTINATION ${CMAKE_INSTALL_DOCDIR}/fuzz COMPONENT Runtime)

install(EXPORT hsmbackupTargets NAMESPACE hsmbackup:: DESTINATION ${HSMB_INSTALL_CMAKEDIR}
        COMPONENT Development)
configure_package_config_file(cmake/hsmbackupConfig.cmake.in
                              "${PROJECT_BINARY_DIR}/hsmbackupConfig.cmake"
                              INSTALL_DESTINATION ${HSMB_INSTALL_CMAKEDIR}
                              PATH_VARS HSMB_INSTALL_DATADIR)
# 0.x: a minor version may break what the one before it offered.
write_basic_package_version_file("${PROJECT_BINARY_DIR}/hsmbackupConfigVersion.cmake"
                                 COMPATIBILITY SameMinorVersion)
install(FILES "${PROJECT_BINARY_DIR}/hsmbackupConfig.cmake"
              "${PROJECT_BINARY_DIR}/hsmbackupConfigVersion.cmake"
        DESTINATION ${HSMB_INSTALL_CMAKEDIR} COMPONENT Development)
