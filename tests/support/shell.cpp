#include "tests/support/shell.hpp"

#include <sys/wait.h>

#include <array>
#include <cstdio>

namespace fanout::test {

Shell sh(const std::string& command, const std::filesystem::path& dir) {
  const std::string full = (dir.empty() ? "" : "cd '" + dir.string() + "' && ") + "(" + command + ") 2>&1";
  Shell result;
  FILE* pipe = ::popen(full.c_str(), "r");
  if (!pipe) return result;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) result.out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  result.rc = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

} // namespace fanout::test
