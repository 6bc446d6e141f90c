// plugins/support: what every shipped agent provider does around its CLI.

#include "plugins/support/cli_session.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace fanout;
using namespace std::chrono_literals;

TEST_CASE("cli session: the config's env goes over the session's, and is the whole environment",
          "[support][cli]") {
  sdk::SessionRequest request;
  request.workdir = "/work/tree";
  request.timeout = 90s;
  request.env = {{"PATH", "/usr/bin"}, {"HOME", "/home/a"}};
  const nlohmann::json config = {{"env", {{"HOME", "/home/b"}, {"EXTRA", "1"}, {"NOT_TEXT", 3}}}};
  auto spec = support::session_process(request, config);
  CHECK(spec.env ==
        std::map<std::string, std::string>{{"PATH", "/usr/bin"}, {"HOME", "/home/b"}, {"EXTRA", "1"}});
  CHECK(spec.replace_env);
  CHECK(spec.workdir == "/work/tree");
  CHECK(spec.timeout == 90s);
  CHECK(spec.argv.empty());
}

TEST_CASE("cli session: the session's model wins over the config's", "[support][cli]") {
  sdk::SessionRequest request;
  CHECK(support::session_model(request, nlohmann::json::object()).empty());
  CHECK(support::session_model(request, {{"model", "sonnet"}}) == "sonnet");
  request.model = "opus";
  CHECK(support::session_model(request, {{"model", "sonnet"}}) == "opus");
}

TEST_CASE("cli session: a session file holds its content and is removed when it ends", "[support][cli]") {
  test::TempDir dir("support");
  std::filesystem::path path;
  {
    auto file =
        support::SessionFile::write(dir.path() / "data", "prompt", ".md", "the prompt text", "the prompt");
    REQUIRE(file.ok());
    path = file->path();
    CHECK(path.parent_path() == dir.path() / "data");
    CHECK(path.filename().string().rfind("prompt-", 0) == 0);
    CHECK(path.extension() == ".md");
    CHECK(test::read_text(path) == "the prompt text");
    auto other = support::SessionFile::write(dir.path() / "data", "prompt", ".md", "", "the prompt");
    REQUIRE(other.ok());
    CHECK(other->path() != path);
  }
  CHECK_FALSE(std::filesystem::exists(path));
  CHECK(std::filesystem::is_empty(dir.path() / "data"));
}

TEST_CASE("cli session: a session file that cannot be written says where", "[support][cli]") {
  test::TempDir dir("support");
  test::write_text(dir / "blocker", "a file where the folder should be");
  auto file =
      support::SessionFile::write(dir.path() / "blocker", "schema", ".json", "{}", "the output schema");
  REQUIRE_FALSE(file.ok());
  const std::string expected =
      "cannot write the output schema to \"" + (dir.path() / "blocker").string() + "/schema-";
  CHECK(file.failure().message.rfind(expected, 0) == 0);
}

TEST_CASE("cli session: the stderr tail keeps the last lines, without the final newline", "[support][cli]") {
  support::StderrTail tail;
  CHECK(tail.text().empty());
  tail.add("first");
  tail.add("Error: Missing environment variable: OPENAI_API_KEY");
  CHECK(tail.text() == "first\nError: Missing environment variable: OPENAI_API_KEY");
  for (int i = 0; i < 1000; ++i)
    tail.add("noise line " + std::to_string(i));
  tail.add("last");
  CHECK(tail.text().size() <= 4096);
  CHECK(tail.text().find("first") == std::string::npos);
  const std::string end = "\nnoise line 999\nlast";
  CHECK(tail.text().compare(tail.text().size() - end.size(), end.size(), end) == 0);
}
