#pragma once
// Typed values: checking one raw entry against a ConfigType and converting it to the JSON a
// consumer sees. Shared by host keys and plugin keys, so both report the same messages.

#include "host/config/config.hpp"
#include "host/config/diagnostic.hpp"

#include <fanout/sdk/config_key.hpp>

#include <nlohmann/json.hpp>

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace fanout::config {

/// "90s", "45m", "2h", "1h30m", "500ms", "3d" or plain digits (seconds). nullopt otherwise.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

/// What a type looks like in "expected ..." messages: "a positive integer".
std::string expected_text(sdk::ConfigType type);

/// Lower-case type name for docs: "positive integer", "duration".
std::string type_name(sdk::ConfigType type);

/// `entry` converted for `type` (durations to milliseconds), or nullopt after appending
/// "<where>: expected <type>, got <value>" to `errors`.
std::optional<nlohmann::json> convert(const RawEntry& entry, sdk::ConfigType type, const std::string& where,
                                      Diagnostics& errors);

/// A ConfigKey's default (a TOML literal) converted like a value; null when it has none.
/// Throws std::logic_error for a literal that does not parse or fit the type (a plugin bug).
nlohmann::json default_json(const sdk::ConfigKey& key);

/// Checks `entries` against `keys`: unknown keys (suggesting from `keys` and
/// `also_known`), types, and trusted_only keys from an untrusted repo. `section` is the
/// label used in messages ("[run]"). Returns an object of every declared key that has a
/// value or a default.
nlohmann::json validate_entries(const std::string& section, const std::vector<RawEntry>& entries,
                                std::span<const sdk::ConfigKey> keys, const Trust& trust,
                                Diagnostics& errors, const std::vector<std::string>& also_known = {});

} // namespace fanout::config
