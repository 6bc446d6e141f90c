#include "tests/host/services/process_helpers.hpp"

#include <fstream>
#include <iterator>
#include <string>

namespace fanout::test {

bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  const auto paren = content.rfind(')');
  return paren != std::string::npos && paren + 2 < content.size() && content[paren + 2] == 'Z';
}

} // namespace fanout::test
