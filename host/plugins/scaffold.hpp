#pragma once
// `fanout plugin new`: writes an out-of-tree plugin project that builds as-is against the
// installed SDK (find_package(fanout-sdk) + fanout_add_plugin).

#include <filesystem>
#include <string>
#include <vector>

namespace fanout::plugins {

/// The kinds `plugin new` can scaffold, as typed on the command line.
inline const std::vector<std::string> k_scaffold_kinds = {"reviewer", "agent", "tracker", "brancher", "notifier",
                                                           "runner"};

/// One file of a template: its path relative to the project and its text, with @NAME@
/// (the plugin name), @IDENT@ (the name as a C++ identifier) and @FILE@ (the source's
/// base name) still in place.
struct TemplateFile {
  const char* path;
  const char* text;
};

/// The files of `kind` (one of k_scaffold_kinds). Defined in scaffold_templates.cpp.
std::vector<TemplateFile> scaffold_template(const std::string& kind);

/// Writes the project for plugin `name` of `kind` into `dir` and returns the files written.
/// Throws UserError:
///   unknown plugin kind "revewer" (did you mean "reviewer"?)
///   invalid plugin name "My_Check": use lower-case letters, digits and dashes, starting with a letter
///   "DIR" already exists and is not empty
std::vector<std::filesystem::path> scaffold(const std::string& kind, const std::string& name,
                                            const std::filesystem::path& dir);

/// "my-check" -> "MyCheck".
std::string identifier_of(const std::string& name);

} // namespace fanout::plugins
