#pragma once
// The dashboard's access token: 32 random bytes from the kernel's CSPRNG, as hex, made once
// per `fanout serve` and compared in constant time.

#include <string>
#include <string_view>

namespace fanout::serve {

/// 64 hex digits from getrandom(2). Throws UserError when the kernel has no randomness.
std::string random_token();

/// True when `given` equals `expected`, in time that depends only on their lengths.
bool token_matches(std::string_view given, std::string_view expected) noexcept;

} // namespace fanout::serve
