#include "host/util/text_file.hpp"

#include <fstream>
#include <sstream>

namespace fanout::util {

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace fanout::util
