// plugins/support: reading wire JSON and config tables without throwing.

#include "plugins/support/json_access.hpp"

#include <catch2/catch.hpp>

using namespace fanout::support;
using nlohmann::json;

TEST_CASE("json access: present values of the right type are read", "[support][json]") {
  const json object = {
      {"name", "x"}, {"count", 42}, {"ratio", 2.9}, {"tags", {"a", 1, "b"}}, {"env", {{"A", "1"}, {"B", 2}}}};
  CHECK(string_at(object, "name") == "x");
  CHECK(int_at(object, "count") == 42);
  CHECK(int_at(object, "ratio") == 2);
  CHECK(strings_at(object, "tags") == std::vector<std::string>{"a", "b"});
  CHECK(string_map_at(object, "env") == std::map<std::string, std::string>{{"A", "1"}});
}

TEST_CASE("json access: missing keys, other types and non-objects read as empty", "[support][json]") {
  const json object = {{"name", 7}, {"count", "42"}, {"tags", "a"}, {"env", {"A"}}, {"none", nullptr}};
  for (const json& value : {object, json(nullptr), json::array({1, 2}), json("text"), json(3)}) {
    CHECK(string_at(value, "name").empty());
    CHECK(string_at(value, "none").empty());
    CHECK(string_at(value, "absent").empty());
    CHECK(int_at(value, "count") == 0);
    CHECK(strings_at(value, "tags").empty());
    CHECK(string_map_at(value, "env").empty());
  }
}

TEST_CASE("json access: string_or falls back for a missing, empty or non-string value", "[support][json]") {
  const json config = {{"site", "https://acme.example"}, {"empty", ""}, {"number", 1}};
  CHECK(string_or(config, "site", "d") == "https://acme.example");
  CHECK(string_or(config, "empty", "d") == "d");
  CHECK(string_or(config, "number", "d") == "d");
  CHECK(string_or(config, "absent", "d") == "d");
}
