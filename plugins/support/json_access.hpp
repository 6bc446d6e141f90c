#pragma once
// Reading fields of JSON that a service or a CLI sent, or of a plugin's config table, without
// throwing: a missing key, a null or a value of another type reads as the empty value. Wire
// JSON is untrusted input, so a plugin reads it through these instead of `at()`/`get()`,
// which throw on the first surprise.

#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::support {

/// The string at `key` of `object`, or "" when `object` is not an object or the value is
/// missing or not a string.
inline std::string string_at(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return {};
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

/// The number at `key` as an integer (a fraction is cut), or 0 when it is missing or not a number.
inline std::int64_t int_at(const nlohmann::json& object, std::string_view key) {
  if (!object.is_object()) return 0;
  auto it = object.find(key);
  return it != object.end() && it->is_number() ? it->get<std::int64_t>() : 0;
}

/// The strings of the array at `key`, in order; items that are not strings are skipped.
inline std::vector<std::string> strings_at(const nlohmann::json& object, std::string_view key) {
  std::vector<std::string> out;
  if (!object.is_object()) return out;
  if (auto it = object.find(key); it != object.end() && it->is_array())
    for (const auto& item : *it)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

/// The string entries of the table at `key` (a config `env`, say); entries that are not
/// strings are skipped.
inline std::map<std::string, std::string> string_map_at(const nlohmann::json& object, std::string_view key) {
  std::map<std::string, std::string> out;
  if (!object.is_object()) return out;
  if (auto it = object.find(key); it != object.end() && it->is_object())
    for (const auto& [name, value] : it->items())
      if (value.is_string()) out[name] = value.get<std::string>();
  return out;
}

/// The string at `key` when it is a non-empty string, else `fallback`: for config values
/// whose empty string means "the default".
inline std::string string_or(const nlohmann::json& object, std::string_view key, std::string fallback) {
  std::string value = string_at(object, key);
  return value.empty() ? fallback : value;
}

} // namespace fanout::support
