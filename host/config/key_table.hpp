#pragma once
// The key table: every host key of fanout.toml with its type, default, doc and trust
// policy (ccache style). Loading, `fanout config keys` and docs/config.md all read it.

#include <fanout/sdk/config_key.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::config {

/// How a top-level section is shaped.
enum class SectionKind {
  plain,        ///< host keys only: [run], [ports]
  plugin,       ///< selects a plugin with `selector`; other keys belong to it: [tracker]
  plugin_array, ///< an array of plugin tables: [[review]]
  agent,        ///< [agent] host keys plus one [agent.<provider>] plugin table per provider
  user_only,    ///< read only from the user config: [trust]
};

struct SectionSpec {
  const char* name;     ///< "run"
  SectionKind kind;
  const char* selector; ///< the key naming the plugin ("kind"), nullptr when none
  const char* doc;      ///< one line for docs/config.md
};

/// A host key: its section and its description in the SDK's ConfigKey shape (default as a
/// TOML literal, nullptr when there is none).
struct HostKey {
  const char* section;
  sdk::ConfigKey key;
};

/// Every section, in documentation order.
std::span<const SectionSpec> sections();

/// Every host key, grouped by section in documentation order.
std::span<const HostKey> host_keys();

/// The section named `name`, or nullptr.
const SectionSpec* find_section(std::string_view name);

/// The host keys of one section.
std::vector<sdk::ConfigKey> keys_of(std::string_view section);

/// Section names, for "did you mean".
std::vector<std::string> section_names();

/// How a section is written in messages: "[run]", "[[review]]".
std::string section_label(const SectionSpec& section);

} // namespace fanout::config
