// copy_tree: batches over threads, small and large files, copy-on-write clones, modes the
// umask would strip, cancellation, and errors that name the file.
#include "host/util/error.hpp"
#include "host/workspace/deps.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <map>

using namespace fanout;
using namespace fanout::workspace;
using namespace fanout::test;
namespace fs = std::filesystem;

namespace {

mode_t mode_of(const fs::path& path) {
  struct stat st {};
  REQUIRE(::lstat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

/// Whether the filesystem of folder `dir` clones files (FICLONE), tried on a small file.
bool clones_files(const fs::path& dir) {
  const fs::path from = dir / "ficlone-probe.src", to = dir / "ficlone-probe.dst";
  std::ofstream(from) << "probe";
  const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
  const int out = ::open(to.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const bool cloned = in >= 0 && out >= 0 && ::ioctl(out, FICLONE, in) == 0;
  if (in >= 0) ::close(in);
  if (out >= 0) ::close(out);
  fs::remove(from);
  fs::remove(to);
  return cloned;
}

} // namespace

TEST_CASE("copy_tree: every file is cloned where the filesystem supports FICLONE, none where it does not",
          "[workspace][deps]") {
  TempRepo repo;
  std::map<std::string, std::string> files;
  for (int i = 0; i < 40; ++i) files["tree/d" + std::to_string(i % 4) + "/f" + std::to_string(i) + ".js"] = "x" + std::to_string(i);
  files["tree/large.bin"] = random_bytes(1024 * 1024 + 3, 9); // the copy_file_range size class
  for (const auto& [path, content] : files) repo.write(path, content);
  const bool clones = clones_files(repo.root());

  const auto stats = copy_tree_ok(repo.root() / "tree", repo.root() / "copy", 2);
  CHECK(stats.files == files.size());
  for (const auto& [path, content] : files) CHECK(read_file(repo.root() / "copy" / path.substr(5)) == content);
  if (clones) {
    CHECK(stats.cloned == stats.files);
  } else {
    WARN("the filesystem of " << repo.root() << " does not support FICLONE: only the copy path is checked");
    CHECK(stats.cloned == 0);
  }
}

TEST_CASE("copy_tree: a flat folder of many files is copied whole by several threads", "[workspace][deps]") {
  TempRepo repo;
  const fs::path src = repo.root() / "flat";
  constexpr int k_files = 1000; // several batches of one folder
  for (int i = 0; i < k_files; ++i) repo.write("flat/f" + std::to_string(i) + ".js", "module.exports = " + std::to_string(i) + ";\n");
  repo.write("flat/nested/deeper/last.txt", "last");
  const auto stats = copy_tree_ok(src, repo.root() / "copy", 4);
  CHECK(stats.files == k_files + 1);
  CHECK(stats.dirs == 3);
  for (int i = 0; i < k_files; i += 97)
    CHECK(read_file(repo.root() / "copy" / ("f" + std::to_string(i) + ".js")) == "module.exports = " + std::to_string(i) + ";\n");
  CHECK(read_file(repo.root() / "copy/f999.js") == "module.exports = 999;\n");
  CHECK(read_file(repo.root() / "copy/nested/deeper/last.txt") == "last");
}

TEST_CASE("copy_tree: small, empty and large files keep their bytes", "[workspace][deps]") {
  TempRepo repo;
  const std::string large = random_bytes(3 * 1024 * 1024 + 17, 7); // above the read/write threshold
  const std::string medium = random_bytes(200 * 1024, 8);           // below it, several reads
  repo.write("tree/large.bin", large);
  repo.write("tree/medium.bin", medium);
  repo.write("tree/empty", "");
  const auto stats = copy_tree_ok(repo.root() / "tree", repo.root() / "copy", 2);
  CHECK(stats.bytes == large.size() + medium.size());
  CHECK(read_file(repo.root() / "copy/large.bin") == large);
  CHECK(read_file(repo.root() / "copy/medium.bin") == medium);
  CHECK(fs::exists(repo.root() / "copy/empty"));
  CHECK(fs::file_size(repo.root() / "copy/empty") == 0);
}

TEST_CASE("copy_tree: modes the umask would strip are kept", "[workspace][deps]") {
  TempRepo repo;
  repo.write("tree/world-writable", "w");
  repo.write("tree/private", "p");
  repo.write("tree/script.sh", "#!/bin/sh\n");
  ::chmod((repo.root() / "tree/world-writable").c_str(), 0666);
  ::chmod((repo.root() / "tree/private").c_str(), 0600);
  ::chmod((repo.root() / "tree/script.sh").c_str(), 0755);
  const mode_t previous = ::umask(022);
  copy_tree_ok(repo.root() / "tree", repo.root() / "copy", 2);
  copy_tree_ok(repo.root() / "tree/world-writable", repo.root() / "single", 1); // a single file too
  ::umask(previous);
  CHECK(mode_of(repo.root() / "copy/world-writable") == 0666);
  CHECK(mode_of(repo.root() / "copy/private") == 0600);
  CHECK(mode_of(repo.root() / "copy/script.sh") == 0755);
  CHECK(mode_of(repo.root() / "single") == 0666);
  CHECK(read_file(repo.root() / "single") == "w");
}

TEST_CASE("copy_tree: a cancelled token stops the copy with a message", "[workspace][deps]") {
  TempRepo repo;
  for (int i = 0; i < 300; ++i) repo.write("tree/d" + std::to_string(i % 5) + "/f" + std::to_string(i), "x");
  sdk::CancelToken cancel;
  cancel.cancel();
  const auto copied = copy_tree(repo.root() / "tree", repo.root() / "copy", 2, &cancel);
  REQUIRE_FALSE(copied.ok());
  CHECK_THAT(copied.failure().message, Catch::Contains("cancelled while copying") && Catch::Contains("tree"));
}

TEST_CASE("copy_tree: a missing source or an existing target fails naming the path", "[workspace][deps]") {
  TempRepo repo;
  repo.write("tree/ok.txt", "ok");
  SECTION("existing target") {
    fs::create_directories(repo.root() / "copy");
    const auto copied = copy_tree(repo.root() / "tree", repo.root() / "copy", 2);
    REQUIRE_FALSE(copied.ok());
    CHECK_THAT(copied.failure().message,
               Catch::Contains("cannot create") && Catch::Contains("copy") && Catch::Contains("File exists"));
  }
  SECTION("missing source") {
    const auto copied = copy_tree(repo.root() / "no-such-tree", repo.root() / "copy2", 2);
    REQUIRE_FALSE(copied.ok());
    CHECK_THAT(copied.failure().message, Catch::Contains("cannot read") && Catch::Contains("no-such-tree"));
  }
}
