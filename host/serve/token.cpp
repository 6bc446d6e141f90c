#include "host/serve/token.hpp"

#include "host/util/error.hpp"

#include <sys/random.h>

#include <cerrno>

namespace fanout::serve {

std::string random_token() {
  unsigned char bytes[32];
  size_t got = 0;
  while (got < sizeof bytes) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw UserError("cannot make an access token: getrandom failed");
    got += static_cast<size_t>(n);
  }
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char byte : bytes) {
    out += k_hex[byte >> 4];
    out += k_hex[byte & 15];
  }
  return out;
}

bool token_matches(std::string_view given, std::string_view expected) noexcept {
  // The length is not secret (always 64); the bytes are compared without an early exit.
  if (given.size() != expected.size() || expected.empty()) return false;
  // volatile keeps the compiler from turning the loop into a comparison that stops early.
  volatile unsigned char difference = 0;
  for (size_t i = 0; i < expected.size(); ++i)
    difference = difference | static_cast<unsigned char>(given[i] ^ expected[i]);
  return difference == 0;
}

} // namespace fanout::serve
