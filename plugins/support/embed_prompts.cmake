# fanout_embed_prompts(<target> <name>...)
# Compiles config/prompts/<name>.md into <target> as a generated header
# "builtin_prompts.hpp" defining fanout::support::builtin_prompt(name). Reviewer plugins
# embed their default prompts so they work from any install layout and out of tree; a repo
# still overrides them with .fanout/prompts/<name>.md.
function(fanout_embed_prompts target)
  set(out_dir ${CMAKE_CURRENT_BINARY_DIR}/generated)
  set(header ${out_dir}/builtin_prompts.hpp)
  set(body "#pragma once\n// Generated from config/prompts by embed_prompts.cmake. Do not edit.\n")
  string(APPEND body "#include <string_view>\nnamespace fanout::support {\n")
  string(APPEND body "/// The shipped prompt called `name`, or \"\" when none is built in.\n")
  string(APPEND body "inline std::string_view builtin_prompt(std::string_view name) {\n")
  set(names "")
  foreach(name IN LISTS ARGN)
    set(file ${PROJECT_SOURCE_DIR}/config/prompts/${name}.md)
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${file})
    file(READ ${file} text)
    string(APPEND body "  if (name == \"${name}\") return R\"fanout_prompt(${text})fanout_prompt\";\n")
    list(APPEND names "\"${name}\"")
  endforeach()
  list(JOIN names ", " joined)
  string(APPEND body "  return {};\n}\n/// The names of the built-in prompts, for messages.\n")
  string(APPEND body "inline constexpr std::string_view k_builtin_prompt_names = R\"(${joined})\";\n}\n")
  # Written only when changed, so a reconfigure does not rebuild the plugin.
  file(WRITE ${header}.tmp "${body}")
  file(COPY_FILE ${header}.tmp ${header} ONLY_IF_DIFFERENT)
  target_include_directories(${target} PRIVATE ${out_dir})
endfunction()
