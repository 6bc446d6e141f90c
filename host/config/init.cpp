#include "host/config/init.hpp"

#include "host/git/repo.hpp"

#include <algorithm>

namespace fanout::config {
namespace fs = std::filesystem;
namespace {

struct Lockfile {
  const char* file;
  const char* command; ///< the install: [workspace] install when `reuse` is set, else setup
  const char* reuse;   ///< nullptr: nothing worth copying
};

constexpr Lockfile k_lockfiles[] = {
    {"package-lock.json", "npm ci --prefer-offline", "node_modules"},
    {"pnpm-lock.yaml", "pnpm install --frozen-lockfile --prefer-offline", "node_modules"},
    {"yarn.lock", "yarn install --frozen-lockfile --prefer-offline", "node_modules"},
    {"poetry.lock", "poetry install --no-interaction", ".venv"},
    {"uv.lock", "uv sync --frozen", ".venv"},
    {"Cargo.lock", "cargo fetch", "target"},
    {"go.sum", "go mod download", nullptr},
    {"Gemfile.lock", "bundle install", "vendor/bundle"},
};

std::optional<std::string> origin_url(const fs::path& repo_root) { return git::remote_url(repo_root, "origin"); }

std::optional<std::string> find_sqlite(const fs::path& root) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(root, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory(ec)) {
      if (name == ".git" || name == "node_modules" || name == ".fanout" || name == ".venv" || it.depth() >= 6)
        it.disable_recursion_pending();
      continue;
    }
    const std::string ext = it->path().extension().string();
    if (it->is_regular_file(ec) && (ext == ".db" || ext == ".sqlite" || ext == ".sqlite3"))
      found.push_back(it->path().lexically_relative(root).generic_string());
  }
  if (found.empty()) return std::nullopt;
  std::sort(found.begin(), found.end());
  return found.front();
}

std::string quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string array(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + quoted(items[i]);
  return out + "]";
}

} // namespace

std::optional<std::string> github_repo_from_url(std::string_view url) {
  std::string_view rest;
  for (std::string_view prefix : {"https://github.com/", "http://github.com/", "ssh://git@github.com/",
                                  "git://github.com/", "git@github.com:", "ssh://github.com/"}) {
    if (url.substr(0, prefix.size()) == prefix) {
      rest = url.substr(prefix.size());
      break;
    }
  }
  // Credentials in an https URL ("https://user:token@github.com/o/n") are skipped, not kept.
  if (rest.empty()) {
    const auto at = url.find("@github.com/");
    if ((url.rfind("https://", 0) == 0 || url.rfind("ssh://", 0) == 0) && at != std::string_view::npos)
      rest = url.substr(at + 12);
  }
  while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.size() > 4 && rest.substr(rest.size() - 4) == ".git") rest.remove_suffix(4);
  const auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size() ||
      rest.find('/', slash + 1) != std::string_view::npos)
    return std::nullopt;
  return std::string(rest);
}

Detection detect(const fs::path& repo_root) {
  Detection out;
  if (auto url = origin_url(repo_root)) out.github_repo = github_repo_from_url(*url);
  std::error_code ec;
  for (const auto& lock : k_lockfiles) {
    if (!fs::is_regular_file(repo_root / lock.file, ec)) continue;
    out.lockfiles.emplace_back(lock.file);
    (lock.reuse ? out.install : out.setup).emplace_back(lock.command);
    if (lock.reuse && std::find(out.reuse.begin(), out.reuse.end(), lock.reuse) == out.reuse.end())
      out.reuse.emplace_back(lock.reuse);
  }
  out.sqlite_path = find_sqlite(repo_root);
  return out;
}

std::string render_init_toml(const Detection& d) {
  std::string out = "# fanout.toml: how fanout works on this repository. Every key: docs/config.md\n"
                    "# Check it with `fanout config check`.\n\n";
  out += "# Where issues come from.\n[tracker]\n";
  if (d.github_repo) {
    out += "kind = \"github\"          # detected from remote \"origin\"\nrepo = " + quoted(*d.github_repo) +
           "\n# token_env = \"GITHUB_TOKEN\"\n";
  } else {
    out += "kind = \"local\"           # issues as Markdown files in .fanout/issues/<KEY>.md\n";
  }
  out += "\n# Pull requests go to the [tracker] plugin when it is also a code host; set [codehost] otherwise.\n";
  out += "# [codehost]\n# kind = \"github\"\n# repo = \"owner/name\"\n\n";

  out += "# The agent that plans, builds and fixes, and its model per stage.\n[agent]\nprovider = \"claude-code\"\n"
         "# models = { plan = \"opus\", build = \"sonnet\", review = \"sonnet\", heal = \"opus\" }\n\n";

  out += "# Each issue gets its own worktree under root.\n[workspace]\nroot = \".fanout/worktrees\"\n"
         "# base = \"main\"           # default: the repo's default branch\n"
         "# copy = [\".env\"]         # gitignored files copied from the main checkout\n";
  if (!d.lockfiles.empty()) {
    out += "# detected: " + [&] {
      std::string list;
      for (size_t i = 0; i < d.lockfiles.size(); ++i) list += (i ? ", " : "") + d.lockfiles[i];
      return list;
    }() + "\n";
    if (!d.reuse.empty())
      out += "reuse = " + array(d.reuse) + "   # copied from the main checkout while key_files match\n";
    out += "key_files = " + array(d.lockfiles) + "\n";
    out += "# install and setup run commands, so fanout honours them only in a trusted repo: `fanout config trust`\n";
    if (!d.install.empty())
      out += "install = " + array(d.install) + "   # only when a reuse dir could not be copied\n";
    if (!d.setup.empty()) out += "setup = " + array(d.setup) + "   # in every new workspace\n";
  } else {
    out += "# setup = [\"make deps\"]   # runs in each new workspace (needs `fanout config trust`)\n";
  }
  out += "\n# Each workspace leases per_workspace ports from [base, base + span); PORT is the first.\n"
         "[ports]\nbase = 4000\nspan = 1000\nper_workspace = 10\n\n";

  if (d.sqlite_path) {
    out += "# A database branch per workspace, its URL in DATABASE_URL.\n[database]\nbrancher = \"sqlite\"\npath = " +
           quoted(*d.sqlite_path) + "   # detected\n\n";
  } else {
    out += "# A database branch per workspace, its URL in DATABASE_URL.\n# [database]\n"
           "# brancher = \"postgres\"     # or \"sqlite\", \"neon\"\n\n";
  }

  out += "# Reviewers: each runs in a fresh context on the pull request.\n"
         "[[review]]\nplugin = \"diff-rules\"     # conflict markers, secrets, TODOs added by the diff\n\n"
         "# [[review]]\n# plugin = \"agent-review\"\n# provider = \"claude-code\"\n# prompt = \"review-pr\"\n\n"
         "# [[review]]\n# plugin = \"command-review\"\n# run = [\"npm test\"]\n\n";

  out += "# What a run writes back to its tracker issue (docs/config.md#tracker-write-back).\n"
         "# [write_back]\n"
         "# labels = { in_progress = \"fanout:working\", in_review = \"fanout:review\", needs_human = \"fanout:help\" }\n"
         "# status_comment = true  # one status comment per issue, edited in place\n\n";

  out += "[run]\nparallel = 4           # issues at once\nfix_rounds = 2         # then the issue needs a human\n"
         "timeout = \"2h\"         # per issue\n# approve_plan = true   # stop after the plan until `fanout approve`\n"
         "# max_cost_usd = 5.0\n";
  return out;
}

} // namespace fanout::config
