#include "host/config/key_table.hpp"
#include "host/config/value.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace std::chrono_literals;
using fanout::config::parse_duration;

TEST_CASE("durations: units, combinations and plain seconds", "[config]") {
  CHECK(parse_duration("90s") == std::optional(std::chrono::milliseconds(90s)));
  CHECK(parse_duration("45m") == std::optional(std::chrono::milliseconds(45min)));
  CHECK(parse_duration("2h") == std::optional(std::chrono::milliseconds(2h)));
  CHECK(parse_duration("1h30m") == std::optional(std::chrono::milliseconds(90min)));
  CHECK(parse_duration("500ms") == std::optional(500ms));
  CHECK(parse_duration("1d") == std::optional(std::chrono::milliseconds(24h)));
  CHECK(parse_duration("120") == std::optional(std::chrono::milliseconds(120s)));
  CHECK(parse_duration("0") == std::optional(0ms));
}

TEST_CASE("durations: malformed text is refused", "[config]") {
  for (const char* text : {"", "m", "5x", "5 m", "-5s", "1.5h", "h5", "45 minutes"}) {
    INFO(text);
    CHECK_FALSE(parse_duration(text).has_value());
  }
}

TEST_CASE("key table: every default parses and fits its type", "[config]") {
  for (const auto& key : fanout::config::host_keys()) {
    INFO(key.section << "." << key.key.name);
    CHECK_NOTHROW(fanout::config::default_json(key.key));
    CHECK(fanout::config::find_section(key.section) != nullptr);
    CHECK(std::string(key.key.doc).size() > 10);
  }
}

TEST_CASE("key table: keys are unique within a section", "[config]") {
  std::set<std::string> seen;
  for (const auto& key : fanout::config::host_keys())
    CHECK(seen.insert(std::string(key.section) + "." + key.key.name).second);
}

TEST_CASE("key table: a plugin's bad default is reported as its bug", "[config]") {
  const fanout::sdk::ConfigKey key{
      .name = "n", .type = fanout::sdk::ConfigType::positive_integer, .default_value = "\"many\"", .doc = "n"};
  CHECK_THROWS_WITH(fanout::config::default_json(key),
                    "config key \"n\" has a default that is not a positive integer: \"many\"");
}
