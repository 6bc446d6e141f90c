#include "tests/support/temp_dir.hpp"

#include "tests/support/shell.hpp"

#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

namespace fanout::test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  m_path = fs::temp_directory_path() /
           ("fanout-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::error_code ec; // a folder a killed test process of the same pid left
  fs::remove_all(m_path, ec);
  if (ec) sh("rm -rf " + shell_quote(m_path.string()));
  fs::create_directories(m_path);
  m_path = fs::canonical(m_path);
}

TempDir::~TempDir() {
  std::error_code ec;
  fs::remove_all(m_path, ec);
  // std::filesystem walks with whole paths and gives up past PATH_MAX; rm -rf does not.
  if (ec || fs::exists(m_path, ec)) sh("rm -rf " + shell_quote(m_path.string()));
}

void write_text(const fs::path& path, const std::string& content) {
  if (path.has_parent_path()) fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << content;
}

std::string read_text(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

void init_git_repo(const fs::path& dir, const std::map<std::string, std::string>& files, const std::string& message) {
  const auto git = [&](const std::string& args) {
    const auto ran = sh("git " + args, dir);
    INFO("git " << args << "\n" << ran.out);
    REQUIRE(ran.rc == 0);
  };
  fs::create_directories(dir);
  git("init -q -b main");
  git("config user.email t@example.com");
  git("config user.name Test");
  git("config commit.gpgsign false");
  if (files.empty()) return;
  for (const auto& [path, content] : files) write_text(dir / path, content);
  git("add -A");
  git("commit -q -m " + shell_quote(message));
}

} // namespace fanout::test
