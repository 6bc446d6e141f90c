#pragma once
// The SDK's ABI version and toolchain id, compiled into every plugin and into the host.

#include <nlohmann/json.hpp>

#include <cstdint>

namespace fanout::sdk {

/// Bumped when a change breaks existing plugins (an interface's virtual functions change,
/// a struct passed across the boundary changes layout). The host refuses another major.
/// The history of both is in docs/plugin-abi.md.
inline constexpr std::uint32_t k_abi_major = 3;
/// Bumped when something is appended that old plugins can ignore. The host refuses a
/// plugin whose minor is newer than its own (it may rely on what the host lacks).
inline constexpr std::uint32_t k_abi_minor = 0;

#define FANOUT_SDK_STR2(x) #x
#define FANOUT_SDK_STR(x) FANOUT_SDK_STR2(x)

/// Plugins pass std::string, std::function and nlohmann::json across the boundary, so
/// host and plugin must agree on compiler family, C++ ABI and JSON library version.
inline constexpr const char* k_toolchain =
#if defined(__clang__)
    "clang-" FANOUT_SDK_STR(__clang_major__)
#elif defined(__GNUC__)
    "gcc-" FANOUT_SDK_STR(__GNUC__)
#else
    "unknown"
#endif
    "/cxxabi-" FANOUT_SDK_STR(__GXX_ABI_VERSION)
#if defined(_GLIBCXX_USE_CXX11_ABI) && _GLIBCXX_USE_CXX11_ABI
    "/cxx11"
#else
    "/cxx98"
#endif
    "/json-" FANOUT_SDK_STR(NLOHMANN_JSON_VERSION_MAJOR) "." FANOUT_SDK_STR(NLOHMANN_JSON_VERSION_MINOR);

} // namespace fanout::sdk
