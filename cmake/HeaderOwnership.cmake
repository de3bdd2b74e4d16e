# Header ownership: each public header of reference/include/hsmbackup/
# belongs to exactly one component library (its FILE_SET HEADERS), and a
# component's headers and sources include only headers of itself and of the
# components it links. hsmb_header_ownership_check writes what each
# component owns and may reach into a manifest at configure time; a build
# step runs CheckHeaderOwnership.cmake over it whenever a header or source
# changes, before any component compiles, and fails the build on a breach.

# _hsmb_reach sets `out` to `component` and every hsmbackup component it
# links, directly or not.
function(_hsmb_reach component out)
  set(reach ${component})
  set(todo ${component})
  while(todo)
    list(POP_FRONT todo c)
    get_target_property(links hsmbackup_${c} LINK_LIBRARIES)
    foreach(l IN LISTS links)
      if(l MATCHES "^hsmbackup::(.+)$" AND NOT CMAKE_MATCH_1 IN_LIST reach)
        list(APPEND reach ${CMAKE_MATCH_1})
        list(APPEND todo ${CMAKE_MATCH_1})
      endif()
    endforeach()
  endwhile()
  set(${out} ${reach} PARENT_SCOPE)
endfunction()

function(hsmb_header_ownership_check)
  set(manifest "${CMAKE_CURRENT_BINARY_DIR}/header_ownership_manifest.cmake")
  file(GLOB all_headers CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/include/hsmbackup/*.h")
  set(text "set(HSMB_COMPONENTS ${ARGN})\nset(HSMB_ALL_HEADERS")
  foreach(h IN LISTS all_headers)
    get_filename_component(n "${h}" NAME)
    string(APPEND text " ${n}")
  endforeach()
  string(APPEND text ")\n")
  set(scanned ${all_headers})
  foreach(c IN LISTS ARGN)
    get_target_property(headers hsmbackup_${c} HEADER_SET)
    get_target_property(sources hsmbackup_${c} SOURCES)
    set(names "")
    set(files "")
    foreach(f IN LISTS headers sources)
      if(NOT IS_ABSOLUTE "${f}")
        set(f "${CMAKE_CURRENT_SOURCE_DIR}/${f}")
      endif()
      list(APPEND files "${f}")
    endforeach()
    foreach(h IN LISTS headers)
      get_filename_component(n "${h}" NAME)
      list(APPEND names ${n})
    endforeach()
    # A component's private headers (src/<component>/*.h) are scanned too.
    file(GLOB private CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/src/${c}/*.h")
    list(APPEND files ${private})
    list(APPEND scanned ${files})
    _hsmb_reach(${c} reach)
    string(APPEND text "set(HSMB_${c}_HEADERS ${names})\nset(HSMB_${c}_REACH ${reach})\n"
           "set(HSMB_${c}_FILES \"${files}\")\n")
  endforeach()
  file(WRITE "${manifest}" "${text}")
  list(REMOVE_DUPLICATES scanned)
  set(stamp "${CMAKE_CURRENT_BINARY_DIR}/header_ownership.stamp")
  add_custom_command(
    OUTPUT "${stamp}"
    COMMAND ${CMAKE_COMMAND} -DMANIFEST=${manifest} -DSTAMP=${stamp}
            -P "${PROJECT_SOURCE_DIR}/cmake/CheckHeaderOwnership.cmake"
    DEPENDS "${manifest}" "${PROJECT_SOURCE_DIR}/cmake/CheckHeaderOwnership.cmake" ${scanned}
    COMMENT "Checking which component owns each public header"
    VERBATIM)
  add_custom_target(hsmbackup_header_ownership DEPENDS "${stamp}")
  foreach(c IN LISTS ARGN)
    add_dependencies(hsmbackup_${c} hsmbackup_header_ownership)
  endforeach()
endfunction()
