#include "files.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

namespace fanout::local {
namespace fs = std::filesystem;
using sdk::FailureKind;

sdk::Result<std::string> read_text(const fs::path& path, const std::string& shown) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return sdk::fail(FailureKind::error, "cannot read " + shown + ": " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

sdk::Result<void> write_atomic(const fs::path& path, const std::string& text, const std::string& shown) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const fs::path temp = path.parent_path() / ("." + path.filename().string() + ".tmp" + std::to_string(::getpid()));
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!(out << text) || !out.flush())
      return sdk::fail(FailureKind::error, "cannot write " + shown + ": " + std::strerror(errno));
  }
  fs::rename(temp, path, ec);
  if (ec) {
    fs::remove(temp, ec);
    return sdk::fail(FailureKind::error, "cannot write " + shown + ": " + ec.message());
  }
  return {};
}

sdk::Result<bool> create_exclusive(const fs::path& path, const std::string& text, const std::string& shown) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) {
    if (errno == EEXIST) return false;
    return sdk::fail(FailureKind::error, "cannot create " + shown + ": " + std::strerror(errno));
  }
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return sdk::fail(FailureKind::error, "cannot write " + shown + ": " + std::strerror(errno));
    }
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  return true;
}

std::string utc_timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

bool is_safe_file_key(const std::string& key) {
  if (key.empty() || key == "." || key == "..") return false;
  for (char c : key)
    if (c == '/' || c == '\\' || c == '\0') return false;
  return true;
}

} // namespace fanout::local
