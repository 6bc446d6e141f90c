// `fanout init`, `fanout config check|keys|trust`, `fanout issues`, `fanout issue show`,
// run as the built executable against a temp repo and a private user config.
#include "host/config/key_docs.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <nlohmann/json.hpp>

#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using Ran = fanout::test::Shell;

Ran shell(const std::string& command) { return fanout::test::sh(command); }

struct Repo {
  fanout::test::TempDir dir{"cfgcli"};
  fs::path base = dir.path();
  fs::path root = base / "repo";
  fs::path xdg = base / "xdg";

  Repo() {
    fs::create_directories(root);
    fs::create_directories(xdg / "fanout");
    REQUIRE(shell("git -C '" + root.string() + "' init -q -b main").rc == 0);
  }

  void write(const fs::path& relative, const std::string& text) const { fanout::test::write_text(root / relative, text); }
  std::string read(const fs::path& path) const { return fanout::test::read_text(path); }
  Ran fanout(const std::string& args) const {
    return shell("cd '" + root.string() + "' && XDG_CONFIG_HOME='" + xdg.string() + "' '" +
                 fanout::test::fanout_executable().string() + "' " + args);
  }
};

} // namespace

TEST_CASE("fanout init: writes a detected fanout.toml and refuses to overwrite it", "[cli][config]") {
  Repo repo;
  REQUIRE(shell("git -C '" + repo.root.string() + "' remote add origin https://github.com/acme/shop.git").rc == 0);
  repo.write("package-lock.json", "{}");
  auto ran = repo.fanout("init");
  REQUIRE(ran.rc == 0);
  CHECK(ran.out == "wrote " + (repo.root / "fanout.toml").string() +
                       "\n  tracker: github acme/shop (from remote \"origin\")\n  dependencies: package-lock.json\n"
                       "[workspace] install and setup run commands: allow them with \"fanout config trust\"\n");
  const std::string text = repo.read(repo.root / "fanout.toml");
  CHECK(text.find("repo = \"acme/shop\"") != std::string::npos);
  CHECK(text.find("install = [\"npm ci --prefer-offline\"]") != std::string::npos); // only when node_modules is not reused
  CHECK(text.find("\nsetup = ") == std::string::npos);

  auto again = repo.fanout("init");
  CHECK(again.rc == 1);
  CHECK(again.out == "fanout: error: \"" + (repo.root / "fanout.toml").string() +
                         "\" already exists (pass --force to overwrite it)\n");
  CHECK(repo.fanout("init --force").rc == 0);

  SECTION("config check reports the untrusted install, config trust allows it") {
    auto check = repo.fanout("config check");
    CHECK(check.rc == 2);
    CHECK(check.out.find("fanout.toml:") == 0);
    CHECK(check.out.find(": [workspace] install: runs commands") != std::string::npos);
    auto trust = repo.fanout("config trust");
    REQUIRE(trust.rc == 0);
    CHECK(trust.out == "trusted " + repo.root.string() + " in " + (repo.xdg / "fanout" / "config.toml").string() + "\n");
    CHECK(repo.read(repo.xdg / "fanout" / "config.toml") == "[trust]\nrepos = [\"" + repo.root.string() + "\"]\n");
    auto trusted = repo.fanout("config check");
    CHECK(trusted.rc == 0);
    CHECK(trusted.out.find("fanout.toml: ok\n") != std::string::npos);
  }
}

TEST_CASE("fanout config check: prints every error and exits 2", "[cli][config]") {
  Repo repo;
  repo.write("fanout.toml", "[run]\nparallel = \"five\"\nparalel = 3\n");
  auto ran = repo.fanout("config check");
  CHECK(ran.rc == 2);
  CHECK(ran.out == "fanout.toml:2:12: [run] parallel: expected a positive integer, got \"five\"\n"
                   "fanout.toml:3:1: [run] paralel: unknown key (did you mean \"parallel\"?)\n"
                   "2 errors\n");
}

TEST_CASE("fanout config check: checks plugin tables against the plugins", "[cli][config]") {
  Repo repo;
  const struct {
    const char* what;
    const char* toml;
    int rc;
    const char* out;
  } cases[] = {
      {"an unknown plugin", "[tracker]\nkind = \"locl\"\n", 2,
       "fanout.toml:2:1: [tracker]: unknown plugin \"locl\" (did you mean \"local\"?)\n1 error\n"},
      {"an unknown agent provider, at the value's position", "[agent]\nprovider = \"cluade-code\"\n", 2,
       "fanout.toml:2:12: [agent] provider: unknown plugin \"cluade-code\" (did you mean \"claude-code\"?)\n1 error\n"},
      {"a plugin of the wrong kind", "[database]\nbrancher = \"local\"\n", 2,
       "fanout.toml:2:1: [database]: plugin \"local\" is not a database brancher\n1 error\n"},
      {"an unknown plugin key", "[tracker]\nkind = \"local\"\nissue_dir = \"x\"\n", 2,
       "fanout.toml:3:1: [tracker] issue_dir: unknown key (did you mean \"issues_dir\"?)\n1 error\n"},
      {"a valid file", "[tracker]\nkind = \"local\"\nissues_dir = \"issues\"\n", 0, "fanout.toml: ok\n"},
  };
  for (const auto& c : cases) {
    INFO(c.what);
    repo.write("fanout.toml", c.toml);
    auto ran = repo.fanout("config check");
    CHECK(ran.rc == c.rc);
    CHECK(ran.out == c.out);
  }
}

TEST_CASE("fanout config keys --markdown: prints the reference kept in docs/config.md", "[cli][config]") {
  Repo repo;
  auto ran = repo.fanout("config keys --markdown");
  REQUIRE(ran.rc == 0);
  CHECK(ran.out == fanout::config::host_keys_markdown());
}

TEST_CASE("fanout issues and issue show: the local tracker", "[cli][issues]") {
  Repo repo;
  repo.write(".fanout/issues/add-health.md",
             "---\ntitle: Add a health endpoint\nstate: open\nlabels: [api, small]\n---\nGET /health returns 200.\n");
  repo.write(".fanout/issues/docs.md", "---\ntitle: Document config\nlabels: [docs]\n---\nEvery key.\n");
  repo.write(".fanout/issues/old.md", "---\ntitle: Old\nstate: closed\n---\n");

  const std::string open_issues = "add-health  open   Add a health endpoint  [api, small]\n"
                                  "docs        open   Document config  [docs]\n";
  auto text = repo.fanout("issues");
  REQUIRE(text.rc == 0);
  CHECK(text.out == open_issues);

  auto json = repo.fanout("issues --json --label api");
  REQUIRE(json.rc == 0);
  const auto parsed = nlohmann::json::parse(json.out);
  REQUIRE(parsed.size() == 1);
  CHECK(parsed[0] == nlohmann::json{{"key", "add-health"},
                                    {"title", "Add a health endpoint"},
                                    {"state", "open"},
                                    {"labels", {"api", "small"}},
                                    {"url", "file://" + (repo.root / ".fanout/issues/add-health.md").string()}});

  auto closed = repo.fanout("issues --json --state closed");
  REQUIRE(closed.rc == 0);
  CHECK(nlohmann::json::parse(closed.out)[0]["key"] == "old");

  auto show = repo.fanout("issue show add-health");
  REQUIRE(show.rc == 0);
  CHECK(show.out == "# Add a health endpoint\n\nIssue: add-health (open)\nURL: file://" +
                        (repo.root / ".fanout/issues/add-health.md").string() +
                        "\nLabels: api, small\n\nGET /health returns 200.\n");

  auto missing = repo.fanout("issue show nope");
  CHECK(missing.rc == 1);
  CHECK(missing.out == "fanout: error: issue \"nope\" not found in .fanout/issues\n");

  SECTION("an unknown tracker plugin is named before its keys, which cannot be checked") {
    repo.write("fanout.toml", "[tracker]\nkind = \"githubb\"\nrepo = \"acme/shop\"\n");
    auto bad = repo.fanout("issues");
    CHECK(bad.rc == 1);
    CHECK(bad.out == "fanout: error: fanout.toml:2:1: [tracker]: unknown plugin \"githubb\" (did you mean \"github\"?)\n");
  }
  SECTION("a malformed issue file is named, with its line, and skipped; the others are listed") {
    repo.write(".fanout/issues/bad.md", "---\ntitle Bad\n---\n");
    auto listed = repo.fanout("issues 2>/dev/null");
    CHECK(listed.rc == 0);
    CHECK(listed.out == open_issues);
    auto warned = repo.fanout("issues --json 2>&1 >/dev/null");
    CHECK(warned.out == "fanout: warning: [local] .fanout/issues/bad.md:2: front matter: expected \"key: value\", got "
                        "\"title Bad\" (skipped)\n");
    auto shown = repo.fanout("issue show bad");
    CHECK(shown.rc == 1);
    CHECK(shown.out == "fanout: error: .fanout/issues/bad.md:2: front matter: expected \"key: value\", got \"title Bad\"\n");
  }
}

TEST_CASE("config doc: docs/config.md holds the shipped plugins' keys exactly", "[cli][config][docs]") {
  Repo repo;
  // Only the build tree's plugins: no user or repo plugin dirs.
  auto ran = shell("cd '" + repo.root.string() + "' && XDG_DATA_HOME='" + repo.base.string() + "/data' XDG_CONFIG_HOME='" +
                   repo.xdg.string() + "' '" + fanout::test::fanout_executable().string() +
                   "' config keys --markdown --plugins");
  REQUIRE(ran.rc == 0);
  const std::string doc = repo.read(fanout::test::source_dir() / "docs" / "config.md");
  INFO("regenerate the part between the plugin markers with `fanout config keys --markdown --plugins`");
  CHECK(fanout::config::generated_part(doc, fanout::config::k_plugin_docs_begin, fanout::config::k_plugin_docs_end) ==
        "\n" + ran.out);
}

TEST_CASE("fanout config check: an untrusted repo's reviewer commands and outside paths are refused",
          "[cli][config][trust]") {
  Repo repo;
  repo.write("fanout.toml", "[[review]]\nplugin = \"command-review\"\nrun = [\"env > leak.txt\"]\nstart = \"sh x\"\n"
                            "probe = \"/\"\n\n[[review]]\nplugin = \"agent-review\"\nprompt = \"/etc/hostname\"\n");
  auto ran = repo.fanout("config check");
  CHECK(ran.rc == 2);
  const std::string trust = "run \"fanout config trust\" (adds \"" + repo.root.string() + "\" to [trust] repos in " +
                            (repo.xdg / "fanout" / "config.toml").string() + ") or set it there instead";
  const std::string commands =
      "runs commands or chooses binaries, paths or URLs that receive credentials, so fanout.toml may set it only in "
      "a trusted repo: " + trust;
  CHECK(ran.out == "fanout.toml:3:1: [[review]] run: " + commands + "\n" +
                       "fanout.toml:4:1: [[review]] start: " + commands + "\n" +
                       "fanout.toml:9:10: [[review]] prompt: \"/etc/hostname\" resolves to \"/etc/hostname\", outside "
                       "the repository; fanout.toml may name paths outside it only in a trusted repo: " + trust + "\n" +
                       "3 errors\n");
  CHECK_FALSE(fs::exists(repo.root / "leak.txt"));

  repo.fanout("config trust");
  auto trusted = repo.fanout("config check");
  CHECK(trusted.rc == 0);
  CHECK(trusted.out == "fanout.toml: ok\n");
}

TEST_CASE("fanout config check: a fanout.toml that is a symlink loop is an error, not a crash", "[cli][config]") {
  Repo repo;
  fs::create_symlink("fanout.toml", repo.root / "fanout.toml");
  auto ran = repo.fanout("config check");
  CHECK(ran.rc == 2);
  CHECK(ran.out == "fanout.toml: cannot read the file: too many levels of symbolic links\n1 error\n");
  auto sub = fs::path(repo.root / "sub");
  fs::create_directories(sub);
  auto from_below = fanout::test::sh("cd '" + sub.string() + "' && XDG_CONFIG_HOME='" + repo.xdg.string() + "' '" +
                                     fanout::test::fanout_executable().string() + "' issues");
  CHECK(from_below.rc == 2);
  CHECK(from_below.out == "fanout: error: fanout.toml: cannot read the file: too many levels of symbolic links\n");
}
