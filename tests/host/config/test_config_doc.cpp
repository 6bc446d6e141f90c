#include "host/config/key_docs.hpp"
#include "host/config/key_table.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

namespace {

std::string read_doc() {
  std::ifstream in(fanout::test::source_dir() / "docs" / "config.md", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace

TEST_CASE("config doc: docs/config.md holds the key table's reference exactly", "[config][docs]") {
  const std::string doc = read_doc();
  REQUIRE_FALSE(doc.empty());
  INFO("regenerate the part between the markers with `fanout config keys --markdown`");
  CHECK(fanout::config::generated_part(doc) == "\n" + fanout::config::host_keys_markdown());
}

TEST_CASE("config doc: every host key appears in docs/config.md", "[config][docs]") {
  const std::string doc = read_doc();
  for (const auto& key : fanout::config::host_keys()) {
    const std::string row = "| `" + std::string(key.key.name) + "` |";
    INFO(key.section << " " << key.key.name);
    CHECK(doc.find(row) != std::string::npos);
  }
}
