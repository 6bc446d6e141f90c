#include "support/url_encoding.hpp"

namespace fanout::support {
namespace {

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

template <typename Keep> std::string encode(std::string_view text, Keep keep) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (keep(c)) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

} // namespace

std::string encode_path_segment(std::string_view text) {
  // "." and ".." are unreserved but mean "this" and "the parent" as whole segments.
  if (text == "." || text == "..") return encode(text, [](unsigned char) { return false; });
  return encode(text, unreserved);
}

std::string encode_query_value(std::string_view text) {
  return encode(text, [](unsigned char c) { return unreserved(c) || c == '/' || c == ':' || c == '@'; });
}

} // namespace fanout::support
