#include "host/config/value.hpp"

#include "host/config/path_rule.hpp"
#include "host/config/toml_node.hpp"
#include "host/util/suggest.hpp"

#include <cctype>
#include <cmath>
#include <stdexcept>

namespace fanout::config {
namespace {

using sdk::ConfigType;

bool all_strings(const nlohmann::json& array) {
  for (const auto& element : array)
    if (!element.is_string()) return false;
  return true;
}

std::optional<nlohmann::json> convert_value(const nlohmann::json& value, ConfigType type) {
  switch (type) {
  case ConfigType::string:
  case ConfigType::path:
    if (value.is_string()) return value;
    break;
  case ConfigType::integer:
    if (value.is_number_integer()) return value;
    break;
  case ConfigType::positive_integer:
    if (value.is_number_integer() && value.get<long long>() > 0) return value;
    break;
  case ConfigType::boolean:
    if (value.is_boolean()) return value;
    break;
  case ConfigType::number:
    // nan and inf parse as TOML floats but are no setting: a NaN budget compares false
    // against everything and so would mean "no limit".
    if (value.is_number() && std::isfinite(value.get<double>())) return nlohmann::json(value.get<double>());
    break;
  case ConfigType::string_array:
  case ConfigType::path_array:
    if (value.is_array() && all_strings(value)) return value;
    break;
  case ConfigType::duration:
    if (value.is_number_integer() && value.get<long long>() >= 0) return value.get<long long>() * 1000;
    if (value.is_string())
      if (auto ms = parse_duration(value.get<std::string>())) return static_cast<long long>(ms->count());
    break;
  case ConfigType::string_map:
    if (value.is_object()) {
      bool strings = true;
      for (const auto& [k, v] : value.items()) strings = strings && v.is_string();
      if (strings) return value;
    }
    break;
  }
  return std::nullopt;
}

/// How to trust the repo, the same words for every refusal.
std::string how_to_trust(const Trust& trust) {
  return "run \"fanout config trust\" (adds \"" + trust.repo_root.string() + "\" to [trust] repos in " +
         trust.user_config.string() + ") or set it there instead";
}

std::string trust_message(const Trust& trust) {
  return "runs commands or chooses binaries, paths or URLs that receive credentials, so fanout.toml may set it "
         "only in a trusted repo: " +
         how_to_trust(trust);
}

bool is_path(ConfigType type) { return type == ConfigType::path || type == ConfigType::path_array; }

/// The path rule (host/config/path_rule.hpp) for one converted value: every path in it.
void check_paths(const nlohmann::json& value, const std::string& where, const Position& position,
                 const std::string& prefix, const Trust& trust, Diagnostics& errors) {
  std::vector<std::string> paths;
  if (value.is_string()) paths.push_back(value.get<std::string>());
  else for (const auto& element : value) paths.push_back(element.get<std::string>());
  for (const auto& path : paths)
    if (auto escape = path_escape(path, trust.repo_root))
      errors.push_back({position, where,
                        prefix + *escape + "; fanout.toml may name paths outside it only in a trusted repo: " +
                            how_to_trust(trust)});
}

} // namespace

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  bool digits_only = true;
  for (char c : text) digits_only = digits_only && std::isdigit(static_cast<unsigned char>(c));
  if (digits_only) {
    if (text.size() > 12) return std::nullopt;
    return std::chrono::seconds(std::stoll(std::string(text)));
  }
  long long total = 0;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == start || i - start > 12) return std::nullopt;
    const long long amount = std::stoll(std::string(text.substr(start, i - start)));
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    long long scale = 0;
    if (unit == "ms") scale = 1;
    else if (unit == "s") scale = 1000;
    else if (unit == "m") scale = 60'000;
    else if (unit == "h") scale = 3'600'000;
    else if (unit == "d") scale = 86'400'000;
    else return std::nullopt;
    total += amount * scale;
  }
  return std::chrono::milliseconds(total);
}

std::string expected_text(ConfigType type) {
  switch (type) {
  case ConfigType::string: return "a string";
  case ConfigType::integer: return "an integer";
  case ConfigType::positive_integer: return "a positive integer";
  case ConfigType::boolean: return "true or false";
  case ConfigType::number: return "a number";
  case ConfigType::string_array: return "an array of strings";
  case ConfigType::duration: return "a duration like \"90s\", \"45m\", \"2h\" or integer seconds";
  case ConfigType::string_map: return "a table of strings";
  case ConfigType::path: return "a string";
  case ConfigType::path_array: return "an array of strings";
  }
  return "a value";
}

std::string type_name(ConfigType type) {
  switch (type) {
  case ConfigType::string: return "string";
  case ConfigType::integer: return "integer";
  case ConfigType::positive_integer: return "positive integer";
  case ConfigType::boolean: return "boolean";
  case ConfigType::number: return "number";
  case ConfigType::string_array: return "array of strings";
  case ConfigType::duration: return "duration";
  case ConfigType::string_map: return "table of strings";
  case ConfigType::path: return "path";
  case ConfigType::path_array: return "array of paths";
  }
  return "value";
}

std::optional<nlohmann::json> convert(const RawEntry& entry, ConfigType type, const std::string& where,
                                      Diagnostics& errors) {
  if (auto converted = convert_value(entry.value, type)) return converted;
  errors.push_back({entry.value_position, where, "expected " + expected_text(type) + ", got " + entry.shown});
  return std::nullopt;
}

nlohmann::json default_json(const sdk::ConfigKey& key) {
  if (!key.default_value) return nullptr;
  const std::string literal = key.default_value;
  try {
    auto table = toml::parse("v = " + literal);
    auto converted = convert_value(to_json(*table.get("v")), key.type);
    if (converted) return *converted;
  } catch (const toml::parse_error&) {
  }
  throw std::logic_error("config key \"" + std::string(key.name) + "\" has a default that is not " +
                         expected_text(key.type) + ": " + literal);
}

nlohmann::json validate_entries(const std::string& section, const std::vector<RawEntry>& entries,
                                std::span<const sdk::ConfigKey> keys, const Trust& trust, Diagnostics& errors,
                                const std::vector<std::string>& also_known) {
  std::vector<std::string> names = also_known;
  for (const auto& key : keys) names.emplace_back(key.name);

  nlohmann::json out = nlohmann::json::object();
  for (const auto& entry : entries) {
    const std::string where = section + " " + entry.key;
    const sdk::ConfigKey* spec = nullptr;
    for (const auto& key : keys)
      if (entry.key == key.name) spec = &key;
    if (!spec) {
      errors.push_back({entry.key_position, where, "unknown key" + util::did_you_mean(entry.key, names)});
      continue;
    }
    if (spec->trust == sdk::Trust::trusted_only && entry.from_repo && !trust.trusted) {
      errors.push_back({entry.key_position, where, trust_message(trust)});
      continue;
    }
    auto value = convert(entry, spec->type, where, errors);
    if (!value) continue;
    if (is_path(spec->type) && entry.from_repo && !trust.trusted) {
      const size_t before = errors.size();
      check_paths(*value, where, entry.value_position, "", trust, errors);
      if (errors.size() != before) continue; // refused: the default stands (and is checked below)
    }
    out[entry.key] = std::move(*value);
  }
  for (const auto& key : keys) {
    if (out.contains(key.name)) continue; // unset, or wrong: the default stands
    auto value = default_json(key);
    if (value.is_null()) continue;
    // A default is the repo's too when a symlink it commits moves it (".fanout/worktrees" -> $HOME).
    if (is_path(key.type) && !trust.trusted && !trust.repo_root.empty())
      check_paths(value, section + " " + key.name, Position{"fanout.toml", 0, 0}, "the default ", trust, errors);
    out[key.name] = std::move(value);
  }
  return out;
}

} // namespace fanout::config
