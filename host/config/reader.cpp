#include "host/config/reader.hpp"

#include "host/config/key_table.hpp"
#include "host/config/toml_node.hpp"
#include "host/util/suggest.hpp"

#include <algorithm>
#include <cctype>
#include <fstream>
#include <sstream>

namespace fanout::config {
namespace {

/// toml++ tables iterate in key order; entries and messages should follow the file.
void sort_by_position(std::vector<RawEntry>& entries) {
  std::stable_sort(entries.begin(), entries.end(), [](const RawEntry& a, const RawEntry& b) {
    return std::pair(a.key_position.line, a.key_position.column) < std::pair(b.key_position.line, b.key_position.column);
  });
}

std::string lower_first(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

RawSection read_table(const toml::table& table, const std::string& file, bool from_repo) {
  RawSection section;
  section.present = true;
  section.position = position_of(table.source(), file);
  for (const auto& [key, node] : table) section.entries.push_back(raw_entry(key, node, file, from_repo));
  sort_by_position(section.entries);
  return section;
}

/// A key outside any section: say which section it belongs to when the key table knows.
void report_top_level_key(const toml::key& key, const std::string& file, Diagnostics& errors) {
  const std::string name(key.str());
  for (const auto& host_key : host_keys()) {
    if (name == host_key.key.name) {
      const auto* section = find_section(host_key.section);
      errors.push_back({position_of(key.source(), file), name,
                        "unknown top-level key (it belongs in " + section_label(*section) + ")"});
      return;
    }
  }
  errors.push_back({position_of(key.source(), file), name, "unknown top-level key" + util::did_you_mean(name, section_names())});
}

void read_section(const SectionSpec& spec, const toml::key& key, const toml::node& node, const std::string& file,
                  bool from_repo, RawConfig& out, Diagnostics& errors) {
  const Position where = position_of(key.source(), file);
  if (spec.kind == SectionKind::user_only && from_repo) {
    errors.push_back({where, section_label(spec), "read only from the user config, not from a repo's fanout.toml"});
    return;
  }
  if (spec.kind == SectionKind::plugin_array) {
    const auto* array = node.as_array();
    const bool reviews = std::string_view(spec.name) == "review";
    if (!array || !array->is_array_of_tables()) {
      errors.push_back({where, section_label(spec), "expected [[" + std::string(spec.name) + "]] tables, one per " +
                                                        (reviews ? "reviewer" : "notifier")});
      return;
    }
    (reviews ? out.has_reviews : out.has_notify) = true;
    for (const auto& element : *array)
      (reviews ? out.reviews : out.notify).push_back(read_table(*element.as_table(), file, from_repo));
    return;
  }
  const auto* table = node.as_table();
  if (!table) {
    errors.push_back({where, section_label(spec), "expected a table, got " + shown(node)});
    return;
  }
  RawSection section;
  section.present = true;
  section.position = position_of(table->source(), file);
  if (section.position.line == 0) section.position = where;
  for (const auto& [sub_key, sub_node] : *table) {
    const auto* sub_table = sub_node.as_table();
    if (spec.kind == SectionKind::agent && sub_table && sub_key.str() != "models") {
      RawSection provider = read_table(*sub_table, file, from_repo);
      if (provider.position.line == 0) provider.position = position_of(sub_key.source(), file);
      out.agent_providers[std::string(sub_key.str())] = std::move(provider);
      continue;
    }
    section.entries.push_back(raw_entry(sub_key, sub_node, file, from_repo));
  }
  sort_by_position(section.entries);
  out.sections[spec.name] = std::move(section);
}

} // namespace

const RawEntry* RawSection::find(std::string_view key) const {
  for (const auto& entry : entries)
    if (entry.key == key) return &entry;
  return nullptr;
}

RawConfig read_config_text(std::string_view text, const std::string& file, bool from_repo, Diagnostics& errors) {
  RawConfig out;
  toml::table root;
  try {
    root = toml::parse(text, file);
  } catch (const toml::parse_error& e) {
    errors.push_back({position_of(e.source(), file), "", "invalid TOML: " + lower_first(std::string(e.description()))});
    return out;
  }
  for (const auto& [key, node] : root) {
    const std::string name(key.str());
    const SectionSpec* spec = find_section(name);
    if (spec) {
      read_section(*spec, key, node, file, from_repo, out, errors);
    } else if (node.is_table() || node.is_array_of_tables()) {
      errors.push_back({position_of(key.source(), file), "[" + name + "]",
                        "unknown section" + util::did_you_mean(name, section_names())});
    } else {
      report_top_level_key(key, file, errors);
    }
  }
  return out;
}

RawConfig read_config_file(const std::filesystem::path& path, const std::string& file, bool from_repo,
                           Diagnostics& errors) {
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::symlink_status(path, ec))) return {};
  // A symlink loop, a dangling symlink or a folder: said, never thrown, never ignored.
  const auto status = std::filesystem::status(path, ec);
  if (ec) {
    errors.push_back({Position{file, 0, 0}, "", "cannot read the file: " + lower_first(ec.message())});
    return {};
  }
  if (std::filesystem::is_directory(status)) {
    errors.push_back({Position{file, 0, 0}, "", "cannot read the file: it is a directory"});
    return {};
  }
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  if (!in || !(text << in.rdbuf())) {
    if (std::filesystem::file_size(path, ec) == 0 && !ec) return {};
    errors.push_back({Position{file, 0, 0}, "", "cannot read the file"});
    return {};
  }
  return read_config_text(text.str(), file, from_repo, errors);
}

namespace {

void merge_section(RawSection& base, const RawSection& over, const char* selector) {
  if (!over.present) return;
  if (selector) {
    const RawEntry* mine = base.find(selector);
    const RawEntry* theirs = over.find(selector);
    if (mine && theirs && mine->value != theirs->value) base.entries.clear();
  }
  for (const auto& entry : over.entries) {
    bool replaced = false;
    for (auto& existing : base.entries) {
      if (existing.key == entry.key) {
        existing = entry;
        replaced = true;
      }
    }
    if (!replaced) base.entries.push_back(entry);
  }
  base.present = true;
  base.position = over.position;
}

} // namespace

RawConfig merge(RawConfig base, const RawConfig& over) {
  for (const auto& [name, section] : over.sections) {
    const SectionSpec* spec = find_section(name);
    merge_section(base.sections[name], section, spec ? spec->selector : nullptr);
  }
  for (const auto& [name, section] : over.agent_providers) merge_section(base.agent_providers[name], section, nullptr);
  if (over.has_reviews) {
    base.has_reviews = true;
    base.reviews = over.reviews;
  }
  if (over.has_notify) {
    base.has_notify = true;
    base.notify = over.notify;
  }
  return base;
}

} // namespace fanout::config
