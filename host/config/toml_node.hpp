#pragma once
// toml++ nodes as config values: JSON, the text shown in messages, source positions.
// Kept apart so only the config loader includes toml++.

#include "host/config/config.hpp"

#include <toml++/toml.h>

#include <nlohmann/json.hpp>

#include <string>

namespace fanout::config {

/// The node as JSON: tables -> objects, arrays -> arrays, dates and times -> strings.
nlohmann::json to_json(const toml::node& node);

/// The node as it reads in TOML, for messages: "five" quoted, [1, 2], { a = "b" }.
std::string shown(const toml::node& node);

/// The 1-based position of a source region's start in `file`.
Position position_of(const toml::source_region& region, const std::string& file);

/// A RawEntry for `key = node`.
RawEntry raw_entry(const toml::key& key, const toml::node& node, const std::string& file, bool from_repo);

} // namespace fanout::config
