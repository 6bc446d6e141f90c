#include "host/plugins/abi_check.hpp"

#include <cstring>

namespace fanout::plugins {
namespace {

std::string abi_text(std::uint32_t major, std::uint32_t minor) {
  return std::to_string(major) + "." + std::to_string(minor);
}

std::uint32_t known_kinds_mask() {
  std::uint32_t mask = 0;
  for (auto kind : k_all_kinds) mask |= std::uint32_t(kind);
  return mask;
}

/// True when a descriptor of `struct_size` bytes holds the member ending at `end`.
bool covers(std::uint32_t struct_size, std::size_t end) { return struct_size >= end; }

std::string text_or_empty(const char* text) { return text ? text : ""; }

} // namespace

std::optional<std::string> check_descriptor(const sdk::PluginDescriptor& d) {
  const std::string host_abi = abi_text(sdk::k_abi_major, sdk::k_abi_minor);
  if (d.abi_major != sdk::k_abi_major)
    return "plugin abi " + abi_text(d.abi_major, d.abi_minor) + " is not supported by this fanout (abi " + host_abi +
           "): rebuild the plugin against this SDK";
  if (d.abi_minor > sdk::k_abi_minor)
    return "plugin abi " + abi_text(d.abi_major, d.abi_minor) + " is newer than this fanout's (abi " + host_abi +
           "): upgrade fanout or rebuild the plugin against this SDK";
  if (d.struct_size < k_min_descriptor_size)
    return "plugin descriptor is " + std::to_string(d.struct_size) + " bytes but fanout needs at least " +
           std::to_string(k_min_descriptor_size) + ": rebuild the plugin against this SDK";
  const std::string toolchain = text_or_empty(d.toolchain);
  if (toolchain != sdk::k_toolchain)
    return "built with toolchain \"" + toolchain + "\" but fanout uses \"" + sdk::k_toolchain +
           "\": rebuild the plugin with the same compiler";
  const std::string name = text_or_empty(d.name);
  if (name.empty()) return std::string("plugin has no name");
  if ((d.kinds & known_kinds_mask()) == 0) return "plugin \"" + name + "\" provides no kinds fanout knows";
  if (!d.create || !d.destroy) return "plugin \"" + name + "\" has no create or destroy function";
  return std::nullopt;
}

DescriptorInfo read_info(const sdk::PluginDescriptor& d) {
  DescriptorInfo info;
  if (d.abi_major != sdk::k_abi_major) return info;
  using D = sdk::PluginDescriptor;
  if (covers(d.struct_size, offsetof(D, name) + sizeof(D::name))) info.name = text_or_empty(d.name);
  if (covers(d.struct_size, offsetof(D, version) + sizeof(D::version))) info.version = text_or_empty(d.version);
  if (covers(d.struct_size, offsetof(D, description) + sizeof(D::description)))
    info.description = text_or_empty(d.description);
  if (covers(d.struct_size, offsetof(D, kinds) + sizeof(D::kinds))) info.kinds = d.kinds & known_kinds_mask();
  if (covers(d.struct_size, offsetof(D, program) + sizeof(D::program))) info.program = text_or_empty(d.program);
  if (covers(d.struct_size, offsetof(D, install_hint) + sizeof(D::install_hint)))
    info.install_hint = text_or_empty(d.install_hint);
  return info;
}

std::vector<std::string> kind_names(std::uint32_t kinds) {
  std::vector<std::string> names;
  for (auto kind : k_all_kinds)
    if (kinds & std::uint32_t(kind)) names.emplace_back(sdk::to_string(kind));
  return names;
}

} // namespace fanout::plugins
