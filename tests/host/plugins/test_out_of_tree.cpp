// The path a plugin author takes, end to end, against an installed fanout: install the
// build to a temp prefix, scaffold with `plugin new`, build with only the installed SDK
// (-DCMAKE_PREFIX_PATH=<prefix>), `plugin install` it, and see it loaded.
#include "host/plugins/plugin_host.hpp"
#include "host/plugins/registry.hpp"
#include "tests/host/plugins/fixtures_helpers.hpp"
#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>

using namespace fanout;
using namespace fanout::test;

namespace fs = std::filesystem;

namespace {

std::string q(const fs::path& path) { return shell_quote(path.string()); }

/// Runs `command`, failing the test case with its output when it does not exit 0.
std::string must_run(const std::string& command) {
  auto result = sh(command);
  INFO(command);
  INFO(result.out);
  REQUIRE(result.rc == 0);
  return result.out;
}

} // namespace

TEST_CASE("plugin sdk: an out-of-tree reviewer builds against the installed SDK and loads", "[plugins][sdk][slow]") {
  test::TempDir tmp;
  const fs::path prefix = tmp.path() / "prefix";
  const fs::path data = tmp.path() / "data";
  must_run("cmake --install " + q(test::binary_dir()) + " --prefix " + q(prefix) + " > /dev/null");
  const fs::path fanout = prefix / "bin" / "fanout";
  REQUIRE(fs::exists(fanout));
  const std::string env = "cd " + q(tmp.path()) + " && XDG_DATA_HOME=" + q(data) + " ";

  must_run(env + q(fanout) + " plugin new reviewer my-check --dir " + q(tmp.path() / "my-check"));
  // Only the prefix: no source tree, no build tree of fanout.
  must_run("cmake -S " + q(tmp.path() / "my-check") + " -B " + q(tmp.path() / "my-check" / "build") +
           " -DCMAKE_PREFIX_PATH=" + q(prefix) + " > /dev/null");
  must_run("cmake --build " + q(tmp.path() / "my-check" / "build") + " > /dev/null");
  const fs::path library = tmp.path() / "my-check" / "build" / "fanout-my-check.so";
  REQUIRE(fs::exists(library));

  const fs::path installed = data / "fanout" / "plugins" / "fanout-my-check.so";
  CHECK(must_run(env + q(fanout) + " plugin install " + q(library)) ==
        "installed \"my-check\" 0.1.0 to " + installed.string() + "\n");

  const auto list = nlohmann::json::parse(must_run(env + q(fanout) + " plugin list --json"));
  std::map<std::string, nlohmann::json> by_name;
  for (const auto& entry : list) by_name[entry["name"]] = entry;
  REQUIRE(by_name.count("my-check"));
  CHECK(by_name["my-check"]["status"] == "loaded");
  CHECK(by_name["my-check"]["path"] == installed.string());
  CHECK(by_name["my-check"]["kinds"] == nlohmann::json::array({"reviewer"}));
  // The shipped plugins come from the install's own plugin dir.
  REQUIRE(by_name.count("diff-rules"));
  CHECK(by_name["diff-rules"]["status"] == "loaded");
  CHECK(by_name["diff-rules"]["path"].get<std::string>().rfind((prefix / "lib").string(), 0) == 0);
}

TEST_CASE("plugin sdk: every kind `plugin new` makes builds and loads", "[plugins][sdk][slow]") {
  // One super-project over the six scaffolds: one configure, one parallel build.
  test::TempDir tmp;
  const fs::path prefix = tmp.path() / "prefix";
  must_run("cmake --install " + q(test::binary_dir()) + " --prefix " + q(prefix) + " > /dev/null");
  const fs::path fanout = prefix / "bin" / "fanout";
  std::ofstream top(tmp.path() / "CMakeLists.txt");
  top << "cmake_minimum_required(VERSION 3.20)\nproject(all_kinds LANGUAGES CXX)\n";
  for (const std::string kind : {"agent", "tracker", "brancher", "reviewer", "notifier", "runner"}) {
    must_run("cd " + q(tmp.path()) + " && " + q(fanout) + " plugin new " + kind + " my-" + kind);
    top << "add_subdirectory(my-" << kind << ")\n";
  }
  top.close();
  must_run("cmake -S " + q(tmp.path()) + " -B " + q(tmp.path() / "build") + " -DCMAKE_PREFIX_PATH=" + q(prefix) +
           " > /dev/null");
  must_run("cmake --build " + q(tmp.path() / "build") + " -j2 > /dev/null");

  plugins::Registry registry;
  std::vector<plugins::SearchDir> dirs;
  for (const std::string kind : {"agent", "tracker", "brancher", "reviewer", "notifier", "runner"})
    dirs.push_back({tmp.path() / "build" / ("my-" + kind), "test"});
  registry.discover(dirs);
  CHECK(registry.loaded_names() == std::vector<std::string>{"my-agent", "my-brancher", "my-notifier", "my-reviewer", "my-runner", "my-tracker"});
  for (const auto& record : registry.records()) CHECK(record.reason == "");

  // The notifier does what its comment says: it appends the notification to its file.
  plugins::PluginHost host({}, "my-notifier", {{"file", "notes.log"}}, tmp.path(), tmp.path() / "data");
  auto notifier = registry.create<sdk::Notifier>("my-notifier", host);
  REQUIRE(notifier.ok());
  sdk::Notification n;
  n.event = sdk::NotifyEvent::pr_ready;
  n.title = "fanout: 7 is ready to land";
  n.text = "every reviewer approved";
  REQUIRE((*notifier)->notify(n, sdk::CancelToken()).ok());
  std::ifstream log(tmp.path() / "notes.log");
  std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
  CHECK(text == "[pr_ready] fanout: 7 is ready to land\nevery reviewer approved\n\n");
}
