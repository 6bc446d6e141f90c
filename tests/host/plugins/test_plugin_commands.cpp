// `fanout plugin list|install|new` through the built executable.
#include "tests/host/plugins/fixtures_helpers.hpp"
#include "tests/support/paths.hpp"

#include <fanout/sdk/version.hpp>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <map>
#include <sstream>

using namespace fanout;
using namespace fanout::test;

namespace fs = std::filesystem;

namespace {

/// Runs the built fanout in `cwd` with XDG_DATA_HOME=<data>.
Shell fanout_in(const fs::path& cwd, const fs::path& data, const std::string& args) {
  return sh("cd " + shell_quote(cwd.string()) + " && XDG_DATA_HOME=" + shell_quote(data.string()) + " " +
           shell_quote(test::fanout_executable().string()) + " " + args);
}

} // namespace

TEST_CASE("plugin install: a good plugin is copied into the user dir and then listed as loaded", "[plugins][cli]") {
  TempDir cwd, data;
  auto out = fanout_in(cwd.path(), data.path(), "plugin install " + shell_quote(fixture_library("good").string()));
  const fs::path dest = data.path() / "fanout" / "plugins" / "fanout-fixture-good.so";
  CHECK(out.rc == 0);
  CHECK(out.out == "installed \"fixture-good\" 1.2.3 to " + dest.string() + "\n");
  CHECK(fs::exists(dest));

  auto again = fanout_in(cwd.path(), data.path(), "plugin install " + shell_quote(fixture_library("good").string()));
  CHECK(again.out == "installed \"fixture-good\" 1.2.3 to " + dest.string() + " (replacing the previous copy)\n");

  auto list = fanout_in(cwd.path(), data.path(), "plugin list --json");
  REQUIRE(list.rc == 0);
  const auto json = nlohmann::json::parse(list.out);
  REQUIRE(json.is_array());
  bool found = false;
  for (const auto& entry : json) {
    // Exactly these keys, for scripts.
    std::vector<std::string> keys;
    for (const auto& item : entry.items()) keys.push_back(item.key());
    CHECK(keys == std::vector<std::string>{"kinds", "name", "path", "reason", "status", "version"});
    if (entry["name"] == "fixture-good") {
      found = true;
      CHECK(entry["path"] == dest.string());
      CHECK(entry["status"] == "loaded");
      CHECK(entry["version"] == "1.2.3");
      CHECK(entry["kinds"] == nlohmann::json::array({"reviewer"}));
      CHECK(entry["reason"] == "");
    }
  }
  CHECK(found);
}

TEST_CASE("plugin install: a refused plugin is not copied", "[plugins][cli]") {
  TempDir cwd, data;
  const auto bad = fixture_library("toolchain");
  auto out = fanout_in(cwd.path(), data.path(), "plugin install " + shell_quote(bad.string()));
  CHECK(out.rc == 1);
  CHECK(out.out == "fanout: error: cannot install \"" + bad.string() +
                       "\": built with toolchain \"clang-14/cxxabi-1002/cxx11/json-3.11\" but fanout uses \"" +
                       sdk::k_toolchain + "\": rebuild the plugin with the same compiler\n");
  CHECK_FALSE(fs::exists(data.path() / "fanout"));

  auto missing = fanout_in(cwd.path(), data.path(), "plugin install nowhere.so");
  CHECK(missing.rc == 1);
  CHECK(missing.out == "fanout: error: \"nowhere.so\" does not exist\n");
}

TEST_CASE("plugin list: rejected and shadowed plugins show their reasons", "[plugins][cli]") {
  TempDir cwd, data;
  const fs::path user = data.path() / "fanout" / "plugins";
  fs::create_directories(user);
  fs::copy_file(fixture_library("abi-major"), user / "fanout-fixture-abi-major.so");
  fs::copy_file(fixture_library("good"), user / "fanout-fixture-good.so");
  // The repo's plugin dir comes before the user dir: its copy wins.
  fs::create_directories(cwd.path() / ".git");
  fs::create_directories(cwd.path() / ".fanout" / "plugins");
  fs::copy_file(fixture_library("good"), cwd.path() / ".fanout" / "plugins" / "fanout-fixture-good.so");
  auto list = fanout_in(cwd.path(), data.path(), "plugin list");
  REQUIRE(list.rc == 0);
  // Rows are "NAME VERSION KINDS STATUS PATH", each refusal reason indented on the next line.
  std::map<std::string, std::string> row_of_path, reason_of_path;
  std::istringstream in(list.out);
  std::string last_path;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("  ", 0) == 0) {
      reason_of_path[last_path] = line.substr(2);
      continue;
    }
    std::istringstream words(line);
    std::string name, version, kinds, status, path;
    words >> name >> version >> kinds >> status >> path;
    row_of_path[path] = name + " " + version + " " + kinds + " " + status;
    last_path = path;
  }
  const std::string repo_copy = (cwd.path() / ".fanout" / "plugins" / "fanout-fixture-good.so").string();
  const std::string user_copy = (user / "fanout-fixture-good.so").string();
  const std::string refused = (user / "fanout-fixture-abi-major.so").string();
  CHECK(row_of_path[repo_copy] == "fixture-good 1.2.3 reviewer loaded");
  CHECK(reason_of_path.count(repo_copy) == 0);
  CHECK(row_of_path[user_copy] == "fixture-good 1.2.3 reviewer shadowed");
  CHECK(reason_of_path[user_copy] == "shadowed by " + repo_copy);
  CHECK(row_of_path[refused] == "fixture-abi-major - - rejected");
  CHECK(reason_of_path[refused].rfind("plugin abi " + std::to_string(sdk::k_abi_major + 1) + ".", 0) == 0);
  CHECK(row_of_path.count("PATH") == 1); // the header
}

TEST_CASE("plugin new: bad kinds, names and directories are refused", "[plugins][cli]") {
  TempDir cwd, data;
  SECTION("a mistyped kind") {
    auto out = fanout_in(cwd.path(), data.path(), "plugin new revewer x");
    CHECK(out.rc == 2);
    CHECK(out.out == "fanout: error: unknown plugin kind \"revewer\" (did you mean \"reviewer\"?) (choose one of: "
                     "reviewer, agent, tracker, brancher, notifier, runner)\n");
  }
  SECTION("an invalid name") {
    auto out = fanout_in(cwd.path(), data.path(), "plugin new reviewer My_Check");
    CHECK(out.rc == 2);
    CHECK(out.out == "fanout: error: invalid plugin name \"My_Check\": use lower-case letters, digits and dashes, "
                     "starting with a letter\n");
  }
  SECTION("a directory in use") {
    fs::create_directories(cwd.path() / "busy");
    std::ofstream(cwd.path() / "busy" / "file") << "x";
    auto out = fanout_in(cwd.path(), data.path(), "plugin new reviewer my-check --dir busy");
    CHECK(out.rc == 1);
    CHECK(out.out == "fanout: error: \"busy\" already exists and is not empty\n");
  }
  SECTION("a good one writes three files") {
    auto out = fanout_in(cwd.path(), data.path(), "plugin new tracker my-issues");
    CHECK(out.rc == 0);
    CHECK(fs::exists(cwd.path() / "my-issues" / "CMakeLists.txt"));
    CHECK(fs::exists(cwd.path() / "my-issues" / "my_issues.cpp"));
    CHECK(fs::exists(cwd.path() / "my-issues" / "README.md"));
  }
}

TEST_CASE("plugin: a mistyped subcommand gets a suggestion", "[plugins][cli]") {
  TempDir cwd, data;
  auto out = fanout_in(cwd.path(), data.path(), "plugin lsit");
  CHECK(out.rc == 2);
  CHECK_THAT(out.out, Catch::StartsWith("fanout: error: unknown command \"lsit\" for \"plugin\" (did you mean \"list\"?)"));
}
