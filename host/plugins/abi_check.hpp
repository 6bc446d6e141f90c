#pragma once
// The ABI check: what the host verifies in a descriptor before it calls any of the plugin's
// functions. The rules are written down in docs/plugin-abi.md.

#include <fanout/sdk/plugin.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace fanout::plugins {

/// The descriptor size of the major's first minor (2.0): everything up to and including `destroy`. The host reads
/// these fields unconditionally; fields appended by later minors are read only when a
/// plugin's struct_size covers them.
inline constexpr std::size_t k_min_descriptor_size =
    offsetof(sdk::PluginDescriptor, destroy) + sizeof(sdk::PluginDescriptor::destroy);

/// What a descriptor says about itself, read only as far as the ABI check allowed.
struct DescriptorInfo {
  std::string name;    ///< "" when the descriptor could not be read that far
  std::string version;
  std::string description;
  std::uint32_t kinds = 0; ///< only the bits this host knows
  std::string program;      ///< the program it runs by default; "" when none or not declared
  std::string install_hint; ///< how to install `program`; "" when none
};

/// Checks `descriptor` in the order that makes each read safe: abi_major first (another
/// major may lay out everything after the first three fields differently), then
/// abi_minor, struct_size, toolchain, then the contents. Returns the reason for refusing
/// it, lower-case, or nullopt when the host may use it:
///   plugin abi 3.0 is not supported by this fanout (abi 2.0): rebuild the plugin against this SDK
///   plugin abi 2.1 is newer than this fanout's (abi 2.0): upgrade fanout or rebuild the plugin against this SDK
///   plugin descriptor is 16 bytes but fanout needs at least 88: rebuild the plugin against this SDK
///   built with toolchain "clang-14/..." but fanout uses "gcc-12/...": rebuild the plugin with the same compiler
///   plugin has no name
///   plugin "x" provides no kinds fanout knows
///   plugin "x" has no create or destroy function
std::optional<std::string> check_descriptor(const sdk::PluginDescriptor& descriptor);

/// Name, version, description, kinds and program, as far as they can be read safely: nothing when
/// the major differs or the struct is too small to hold the field.
DescriptorInfo read_info(const sdk::PluginDescriptor& descriptor);

/// The kinds this host knows, in a fixed order.
inline constexpr sdk::Kind k_all_kinds[] = {sdk::Kind::agent_provider, sdk::Kind::issue_tracker,
                                            sdk::Kind::code_host, sdk::Kind::database_brancher,
                                            sdk::Kind::reviewer, sdk::Kind::notifier,
                                            sdk::Kind::runner};

/// The names of the kinds set in `kinds` ("issue_tracker", "code_host"), in k_all_kinds order.
std::vector<std::string> kind_names(std::uint32_t kinds);

} // namespace fanout::plugins
