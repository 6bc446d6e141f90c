#include "host/config/trust_edit.hpp"

#include "host/util/error.hpp"

#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <sstream>

namespace fanout::config {
namespace fs = std::filesystem;
namespace {

std::string normal(const fs::path& path) {
  std::string text = path.lexically_normal().string();
  while (text.size() > 1 && text.back() == '/') text.pop_back();
  return text;
}

/// Byte offset of a 1-based line and column.
size_t offset_of(const std::string& text, size_t line, size_t column) {
  size_t offset = 0;
  for (size_t l = 1; l < line && offset < text.size(); ++l) {
    const auto newline = text.find('\n', offset);
    offset = newline == std::string::npos ? text.size() : newline + 1;
  }
  return std::min(offset + column - 1, text.size());
}

/// Offset of the ']' that closes the array opening at `open`, skipping strings and comments.
size_t closing_bracket(const std::string& text, size_t open) {
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"' || c == '\'') {
      for (++i; i < text.size() && text[i] != c; ++i)
        if (c == '"' && text[i] == '\\') ++i;
    } else if (c == '#') {
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '[') {
      ++depth;
    } else if (c == ']' && --depth == 0) {
      return i;
    }
  }
  return std::string::npos;
}

} // namespace

std::string add_trusted_repo(const std::string& text, const fs::path& repo, const std::string& shown) {
  const std::string literal = nlohmann::json(repo.string()).dump();
  toml::table root;
  try {
    root = toml::parse(text, shown);
  } catch (const toml::parse_error& e) {
    throw UserError(shown + ":" + std::to_string(e.source().begin.line) + ":" + std::to_string(e.source().begin.column) +
                        ": invalid TOML: " + std::string(e.description()),
                    ExitCode::usage);
  }
  const toml::node* trust = root.get("trust");
  if (!trust) {
    std::string out = text;
    if (!out.empty() && out.back() != '\n') out += "\n";
    return out + (out.empty() ? "" : "\n") + "[trust]\nrepos = [" + literal + "]\n";
  }
  const toml::table* table = trust->as_table();
  if (!table || table->is_inline())
    throw UserError(shown + ": [trust] is not a plain table; add " + literal + " to [trust] repos by hand", ExitCode::usage);
  const toml::node* repos = table->get("repos");
  if (!repos) {
    // Right after the [trust] header line.
    const size_t header = offset_of(text, table->source().begin.line, 1);
    const auto newline = text.find('\n', header);
    const size_t at = newline == std::string::npos ? text.size() : newline + 1;
    return text.substr(0, at) + (newline == std::string::npos ? "\n" : "") + "repos = [" + literal + "]\n" + text.substr(at);
  }
  const toml::array* array = repos->as_array();
  if (!array) throw UserError(shown + ": [trust] repos is not an array; fix it by hand", ExitCode::usage);
  for (const auto& element : *array)
    if (auto* s = element.as_string(); s && normal(s->get()) == normal(repo)) return text;
  const size_t open = offset_of(text, repos->source().begin.line, repos->source().begin.column);
  const size_t close = closing_bracket(text, open);
  if (open >= text.size() || text[open] != '[' || close == std::string::npos)
    throw UserError(shown + ": cannot edit [trust] repos; add " + literal + " by hand", ExitCode::usage);
  std::string before = text.substr(0, close);
  while (!before.empty() && (before.back() == ' ' || before.back() == '\n' || before.back() == '\t')) before.pop_back();
  const bool trailing_comma = !before.empty() && before.back() == ',';
  const std::string separator = array->empty() || trailing_comma ? (array->empty() ? "" : " ") : ", ";
  return before + separator + literal + text.substr(close);
}

bool trust_repo(const fs::path& user_config, const fs::path& repo) {
  std::string text;
  if (std::ifstream in(user_config, std::ios::binary); in) {
    std::ostringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  const std::string updated = add_trusted_repo(text, repo, user_config.string());
  if (updated == text) return false;
  std::error_code ec;
  fs::create_directories(user_config.parent_path(), ec);
  std::ofstream out(user_config, std::ios::binary | std::ios::trunc);
  if (!(out << updated)) throw UserError("cannot write " + user_config.string());
  return true;
}

} // namespace fanout::config
