// FakeGithubServer backed by a real repository: what GitHub computes from git (a pull's head
// commit, whether it merges, "update branch"), computed by git.

#include "tests/support/fake_github_server.hpp"
#include "tests/support/shell.hpp"

namespace fanout::test {

namespace {

std::string quoted(const std::string& text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string first_line(const std::string& text) {
  return text.substr(0, text.find('\n'));
}

} // namespace

void FakeGithubServer::use_git_remote(const std::filesystem::path& bare_repo, bool require_up_to_date) {
  std::lock_guard lock(m_mutex);
  m_git_remote = bare_repo;
  m_require_up_to_date = require_up_to_date;
}

void FakeGithubServer::refresh_from_git() {
  if (m_git_remote.empty()) return;
  for (auto& [number, pull] : m_pulls) {
    if (pull.state != "open" || m_pinned_heads.count(number)) continue;
    const std::string head = quoted("refs/heads/" + pull.head);
    const std::string base = quoted("refs/heads/" + pull.base);
    Shell sha = sh("git rev-parse --verify -q " + head, m_git_remote);
    if (sha.rc != 0) continue; // not pushed yet: keep what the fake had
    pull.head_sha = first_line(sha.out);
    Shell merged = sh("git merge-tree --write-tree --no-messages " + base + " " + head, m_git_remote);
    if (merged.rc == 1) {
      pull.mergeable = false;
      pull.mergeable_state = "dirty";
      continue;
    }
    pull.mergeable = true;
    const bool up_to_date = sh("git merge-base --is-ancestor " + base + " " + head, m_git_remote).rc == 0;
    pull.mergeable_state = m_require_up_to_date && !up_to_date ? "behind" : "clean";
  }
}

bool FakeGithubServer::merge_base_with_git(FakeGithubPull& pull) {
  const std::string head = quoted("refs/heads/" + pull.head);
  const std::string base = quoted("refs/heads/" + pull.base);
  Shell tree = sh("git merge-tree --write-tree --no-messages " + base + " " + head, m_git_remote);
  if (tree.rc != 0) return false;
  Shell commit = sh("git -c user.name=GitHub -c user.email=noreply@github.com commit-tree " +
                        first_line(tree.out) + " -p " + head + " -p " + base + " -m " +
                        quoted("Merge branch '" + pull.base + "' into " + pull.head),
                    m_git_remote);
  if (commit.rc != 0) return false;
  const std::string merge = first_line(commit.out);
  if (sh("git update-ref " + head + " " + merge + " " + pull.head_sha, m_git_remote).rc != 0) return false;
  pull.head_sha = merge;
  pull.mergeable = true;
  pull.mergeable_state = "clean";
  return true;
}

} // namespace fanout::test
