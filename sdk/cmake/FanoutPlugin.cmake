# fanout_add_plugin(NAME SOURCES src...)
# Builds a fanout plugin: a MODULE library named fanout-<NAME>.so with hidden visibility,
# linked against the SDK only. In the fanout tree it lands in the build's plugin folder
# and installs to lib/fanout/plugins; out of tree it lands in the build folder.
function(fanout_add_plugin name)
  cmake_parse_arguments(ARG "" "" "SOURCES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "fanout_add_plugin(${name}): SOURCES is required")
  endif()
  set(target fanout_plugin_${name})
  string(REPLACE "-" "_" target ${target})
  add_library(${target} MODULE ${ARG_SOURCES})
  target_link_libraries(${target} PRIVATE fanout::sdk)
  target_compile_features(${target} PRIVATE cxx_std_20)
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME fanout-${name}
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  # GCC marks a library that defines an STB_GNU_UNIQUE symbol (static locals of inline
  # std templates, e.g. std::to_string's digit table) as never unloadable; without them the
  # host can unload plugins in reverse load order (docs/plugin-abi.md).
  target_compile_options(${target} PRIVATE $<$<CXX_COMPILER_ID:GNU>:-fno-gnu-unique>)
  if(DEFINED FANOUT_PLUGIN_OUTPUT_DIR)
    set_property(GLOBAL APPEND PROPERTY FANOUT_PLUGIN_TARGETS ${target})
    if(FANOUT_PCH)
      target_precompile_headers(${target} PRIVATE ${PROJECT_SOURCE_DIR}/cmake/pch/common.hpp)
    endif()
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${FANOUT_PLUGIN_OUTPUT_DIR})
    install(TARGETS ${target} LIBRARY DESTINATION ${FANOUT_PLUGIN_INSTALL_DIR})
  endif()
  if(TARGET fanout_warnings)
    target_link_libraries(${target} PRIVATE fanout_warnings)
  endif()
  set(FANOUT_LAST_PLUGIN_TARGET ${target} PARENT_SCOPE)
endfunction()
