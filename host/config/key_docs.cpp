#include "host/config/key_docs.hpp"

#include "host/config/key_table.hpp"
#include "host/config/value.hpp"

#include <algorithm>

namespace fanout::config {
namespace {

std::string cell(const std::string& text) {
  std::string out;
  for (char c : text) out += c == '|' ? std::string("\\|") : std::string(1, c);
  return out;
}

std::string key_row(const sdk::ConfigKey& key) {
  const std::string def = key.default_value ? "`" + cell(key.default_value) + "`" : "none";
  return "| `" + std::string(key.name) + "` | " + type_name(key.type) + " | " + def + " | " +
         (key.trust == sdk::Trust::trusted_only ? "trusted" : "") + " | " + cell(key.doc) + " |\n";
}

constexpr const char* k_header = "| key | type | default | trust | description |\n| --- | --- | --- | --- | --- |\n";

} // namespace

std::string host_keys_markdown() {
  std::string out;
  for (const auto& section : sections()) {
    out += "\n### " + section_label(section) + "\n\n" + cell(section.doc) + ".\n\n" + k_header;
    for (const auto& key : host_keys())
      if (std::string_view(key.section) == section.name) out += key_row(key.key);
  }
  return out;
}

std::string plugin_keys_markdown(std::vector<PluginKeys> plugins) {
  std::sort(plugins.begin(), plugins.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  std::string out;
  for (const auto& plugin : plugins) {
    if (plugin.keys.empty()) continue;
    out += "\n### plugin `" + plugin.name + "` (" + plugin.kinds + ")\n\n" + k_header;
    for (const auto& key : plugin.keys) out += key_row(key);
  }
  return out;
}

std::string generated_part(const std::string& doc, const char* begin_marker, const char* end_marker) {
  const auto begin = doc.find(begin_marker);
  const auto end = doc.find(end_marker);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return "";
  const auto start = begin + std::string(begin_marker).size();
  return doc.substr(start, end - start);
}

} // namespace fanout::config
