#include "host/serve/token.hpp"
#include "host/serve/transcript_feed.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <set>

using namespace fanout::serve;
namespace fs = std::filesystem;

TEST_CASE("serve token: 64 hex digits, new every time, matched only whole", "[serve]") {
  std::set<std::string> seen;
  for (int i = 0; i < 20; ++i) {
    const auto token = random_token();
    CHECK(token.size() == 64);
    CHECK(token.find_first_not_of("0123456789abcdef") == std::string::npos);
    seen.insert(token);
  }
  CHECK(seen.size() == 20);
  const auto token = random_token();
  CHECK(token_matches(token, token));
  CHECK_FALSE(token_matches("", token));
  CHECK_FALSE(token_matches(token.substr(0, 63), token));
  CHECK_FALSE(token_matches(token + "a", token));
  std::string flipped = token;
  flipped[10] = flipped[10] == 'a' ? 'b' : 'a';
  CHECK_FALSE(token_matches(flipped, token));
  CHECK_FALSE(token_matches("", ""));
}

TEST_CASE("transcript feed: hands out each complete line once, and a half-written line only when it ends", "[serve]") {
  std::random_device device;
  const fs::path dir = fs::temp_directory_path() / ("fanout-feed-" + std::to_string(device()));
  fs::create_directories(dir);
  TranscriptFeed feed(dir);
  CHECK(feed.poll().empty());
  {
    std::ofstream out(dir / "build.jsonl");
    out << R"({"type":"start","model":"sonnet","prompt":"do it"})" << "\n"
        << R"({"type":"tool_use","tool":"Write","detail":"a.txt","raw":{"x":1}})" << "\n"
        << R"({"type":"usage","usage":{"output":3}})" << "\n"
        << "not json\n"
        << R"({"type":"text","text":"half)";
  }
  auto first = feed.poll();
  REQUIRE(first.size() == 1);
  CHECK(first[0]["transcript"] == "build");
  const auto& entries = first[0]["entries"];
  REQUIRE(entries.size() == 3); // usage lines are not shown
  CHECK(entries[0] == nlohmann::json{{"type", "start"}, {"model", "sonnet"}, {"prompt", "do it"}});
  CHECK(entries[1] == nlohmann::json{{"type", "tool_use"}, {"tool", "Write"}, {"detail", "a.txt"}});
  CHECK(entries[2] == nlohmann::json{{"type", "text"}, {"text", "not json"}});
  CHECK(feed.poll().empty());
  std::ofstream(dir / "build.jsonl", std::ios::app) << R"( done"})" << "\n";
  auto second = feed.poll();
  REQUIRE(second.size() == 1);
  CHECK(second[0]["entries"] == nlohmann::json::array({{{"type", "text"}, {"text", "half done"}}}));
  fs::remove_all(dir);
}
