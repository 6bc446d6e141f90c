#include "host/config/toml_node.hpp"

#include <sstream>

namespace fanout::config {
namespace {

std::string streamed(const toml::node& node) {
  std::ostringstream out;
  node.visit([&](const auto& value) { out << value; });
  return out.str();
}

} // namespace

nlohmann::json to_json(const toml::node& node) {
  if (auto* s = node.as_string()) return s->get();
  if (auto* i = node.as_integer()) return i->get();
  if (auto* f = node.as_floating_point()) return f->get();
  if (auto* b = node.as_boolean()) return b->get();
  if (auto* a = node.as_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& element : *a) out.push_back(to_json(element));
    return out;
  }
  if (auto* t = node.as_table()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, value] : *t) out[std::string(key.str())] = to_json(value);
    return out;
  }
  return streamed(node); // dates and times
}

std::string shown(const toml::node& node) {
  if (auto* s = node.as_string()) return nlohmann::json(s->get()).dump();
  if (auto* a = node.as_array()) {
    std::string out = "[";
    for (size_t i = 0; i < a->size(); ++i) out += (i ? ", " : "") + shown(*a->get(i));
    return out + "]";
  }
  if (auto* t = node.as_table()) {
    std::string out = "{";
    bool first = true;
    for (const auto& [key, value] : *t) {
      out += (first ? " " : ", ") + std::string(key.str()) + " = " + shown(value);
      first = false;
    }
    return out + (first ? "}" : " }");
  }
  return streamed(node);
}

Position position_of(const toml::source_region& region, const std::string& file) {
  return Position{file, static_cast<int>(region.begin.line), static_cast<int>(region.begin.column)};
}

RawEntry raw_entry(const toml::key& key, const toml::node& node, const std::string& file, bool from_repo) {
  RawEntry entry;
  entry.key = std::string(key.str());
  entry.value = to_json(node);
  entry.shown = shown(node);
  entry.key_position = position_of(key.source(), file);
  entry.value_position = position_of(node.source(), file);
  if (entry.key_position.line == 0) entry.key_position = entry.value_position;
  entry.from_repo = from_repo;
  return entry;
}

} // namespace fanout::config
