#pragma once
// Reading one config file into raw sections (keys with positions, not yet validated), and
// merging the repo's file over the user's. Shape errors (unknown sections, a value where a
// table belongs, [trust] in a repo file) are reported here; key errors by the loader.

#include "host/config/config.hpp"
#include "host/config/diagnostic.hpp"

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace fanout::config {

/// One table as written: its header's position and its keys.
struct RawSection {
  Position position;
  std::vector<RawEntry> entries;
  bool present = false;

  /// The entry for `key`, or nullptr.
  const RawEntry* find(std::string_view key) const;
};

/// A whole file (or the merge of two).
struct RawConfig {
  std::map<std::string, RawSection> sections;        ///< by section name; [agent] holds its host keys
  std::map<std::string, RawSection> agent_providers; ///< [agent.<provider>] by provider name
  bool has_reviews = false;
  std::vector<RawSection> reviews;                   ///< [[review]] in order
  bool has_notify = false;
  std::vector<RawSection> notify;                    ///< [[notify]] in order
};

/// Parses TOML `text`; `file` is the name shown in messages, `from_repo` marks the repo's
/// fanout.toml (trust applies to its keys).
RawConfig read_config_text(std::string_view text, const std::string& file, bool from_repo, Diagnostics& errors);

/// read_config_text() on a file; a missing file is an empty config, an unreadable one an error.
RawConfig read_config_file(const std::filesystem::path& path, const std::string& file, bool from_repo,
                           Diagnostics& errors);

/// `over` merged onto `base` key by key. A plugin table whose selector names another plugin
/// replaces the base's table whole; [[review]] ([[notify]]) tables in `over` replace all of
/// the base's.
RawConfig merge(RawConfig base, const RawConfig& over);

} // namespace fanout::config
