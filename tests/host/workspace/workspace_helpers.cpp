#include "tests/host/workspace/workspace_helpers.hpp"

#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <random>
#include <sstream>

namespace fanout::test {
namespace fs = std::filesystem;

int test_port_base() { return 21000 + static_cast<int>(::getpid() % 100) * 100; }

TempRepo::TempRepo(const std::map<std::string, std::string>& files) { init_git_repo(root(), files); }

void TempRepo::write(const std::string& path, const std::string& content) const { write_text(root() / path, content); }

std::string TempRepo::git(const std::string& args) const {
  const auto result = sh("git " + args, root());
  INFO("git " << args << "\n" << result.out);
  REQUIRE(result.rc == 0);
  return result.out;
}

workspace::Settings TempRepo::settings() const {
  auto s = workspace::Settings::defaults(root());
  s.ports.base = test_port_base() - 10000;
  s.ports.span = 100;
  return s;
}

bool FakeBrancher::fails(const std::string& message, const std::string& name) const {
  return !message.empty() && (fail_only.empty() || fail_only.count(name));
}

sdk::Result<sdk::DatabaseBranch> FakeBrancher::create(const std::string& name, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  if (fails(fail_create, name)) return sdk::fail(sdk::FailureKind::error, fail_create);
  branches[name] = "postgres://app:s3cret@127.0.0.1:5432/" + name;
  return sdk::DatabaseBranch{name, branches[name]};
}

sdk::Result<void> FakeBrancher::remove(const std::string& name, const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  if (fails(fail_remove, name)) return sdk::fail(sdk::FailureKind::error, fail_remove);
  branches.erase(name);
  return {};
}

sdk::Result<std::vector<sdk::DatabaseBranch>> FakeBrancher::list(const sdk::CancelToken&) {
  std::lock_guard lock(m_mutex);
  if (!fail_list.empty()) return sdk::fail(sdk::FailureKind::error, fail_list);
  std::vector<sdk::DatabaseBranch> out;
  for (const auto& [name, url] : branches) out.push_back({name, url});
  return out;
}

workspace::WorkspaceManager with_brancher(workspace::Settings settings, FakeBrancher& brancher) {
  settings.brancher = "fake";
  return workspace::WorkspaceManager(std::move(settings), &brancher, nullptr);
}

void commit_file(const fs::path& path, const std::string& name) {
  const auto done = sh("echo " + name + " > " + name + " && git add " + name + " && git commit -q -m " + name, path);
  INFO(done.out);
  REQUIRE(done.rc == 0);
}

std::string random_bytes(size_t size, unsigned seed) {
  std::mt19937 gen(seed);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(gen() & 0xff);
  return out;
}

sdk::Issue issue(const std::string& key, const std::string& title) {
  sdk::Issue i;
  i.key = key;
  i.title = title;
  return i;
}

void write_cli_config(const TempRepo& repo, const std::string& extra, bool trusted) {
  repo.write("fanout.toml", "[ports]\nbase = " + std::to_string(test_port_base()) + "\nspan = 100\n" + extra);
  repo.write(".xdg/fanout/config.toml", trusted ? "[trust]\nrepos = [\"" + repo.root().string() + "\"]\n" : "");
  repo.write(".fanout/issues/7.md", "---\ntitle: Add the login page\n---\nBody.\n");
  repo.write(".fanout/issues/8.md", "---\ntitle: Fix the logout\n---\nBody.\n");
}

Shell fanout_cli(const TempRepo& repo, const std::string& args) {
  const fs::path bin = repo.root() / ".fake-bin";
  if (!fs::exists(bin)) {
    fs::create_directories(bin);
    for (const char* tool : {"claude", "codex"}) {
      std::ofstream(bin / tool) << "#!/bin/sh\nexit 0\n";
      fs::permissions(bin / tool, fs::perms::owner_all);
    }
    std::ofstream(repo.root() / ".git/info/exclude", std::ios::app) << "/.fake-bin/\n";
  }
  return sh("PATH='" + bin.string() + "':\"$PATH\" XDG_CONFIG_HOME='" + (repo.root() / ".xdg").string() + "' '" +
                fanout_executable().string() + "' " + args,
            repo.root());
}

std::string table_row(const std::string& output, const std::string& key) {
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    std::istringstream words(line);
    std::string word, row;
    if (!(words >> word) || word != key) continue;
    row = word;
    while (words >> word) row += " " + word;
    return row;
  }
  return "";
}

workspace::CopyStats copy_tree_ok(const fs::path& from, const fs::path& to, unsigned threads) {
  auto copied = workspace::copy_tree(from, to, threads);
  if (!copied.ok()) FAIL(copied.failure().message);
  return std::move(copied).value();
}

} // namespace fanout::test
