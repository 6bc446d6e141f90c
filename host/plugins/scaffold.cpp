#include "host/plugins/scaffold.hpp"

#include "host/util/error.hpp"
#include "host/util/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>

namespace fanout::plugins {

namespace fs = std::filesystem;

namespace {

bool valid_name(const std::string& name) {
  if (name.empty() || name.size() > 48 || !std::islower(static_cast<unsigned char>(name.front()))) return false;
  if (name.back() == '-') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '-';
  });
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

} // namespace

std::string identifier_of(const std::string& name) {
  std::string out;
  bool upper = true;
  for (char c : name) {
    if (c == '-') {
      upper = true;
      continue;
    }
    out += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return out;
}

std::vector<fs::path> scaffold(const std::string& kind, const std::string& name, const fs::path& dir) {
  if (std::find(k_scaffold_kinds.begin(), k_scaffold_kinds.end(), kind) == k_scaffold_kinds.end())
    throw UserError("unknown plugin kind \"" + kind + "\"" + util::did_you_mean(kind, k_scaffold_kinds) +
                        " (choose one of: reviewer, agent, tracker, brancher, notifier, runner)",
                    ExitCode::usage);
  if (!valid_name(name))
    throw UserError("invalid plugin name \"" + name +
                        "\": use lower-case letters, digits and dashes, starting with a letter",
                    ExitCode::usage);
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
    throw UserError("\"" + dir.string() + "\" already exists and is not empty");

  const std::string file = replace_all(name, "-", "_");
  std::vector<fs::path> written;
  for (const auto& tmpl : scaffold_template(kind)) {
    const fs::path path = dir / replace_all(tmpl.path, "@FILE@", file);
    std::string text = replace_all(tmpl.text, "@NAME@", name);
    text = replace_all(text, "@IDENT@", identifier_of(name));
    text = replace_all(text, "@FILE@", file);
    fs::create_directories(path.parent_path(), ec);
    std::ofstream out(path, std::ios::binary);
    out << text;
    if (!out) throw UserError("cannot write \"" + path.string() + "\"");
    written.push_back(path);
  }
  return written;
}

} // namespace fanout::plugins
