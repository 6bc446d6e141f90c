#include "host/cli/commands.hpp"

#include <fanout/sdk/version.hpp>

#include <iostream>

namespace fanout::cli {

void add_version_command(CLI::App& app, Context&) {
  auto* cmd = app.add_subcommand("version", "Print fanout's version, plugin ABI and toolchain");
  cmd->callback([] {
    std::cout << "fanout " << FANOUT_VERSION << "\n"
              << "plugin abi " << sdk::k_abi_major << "." << sdk::k_abi_minor << "\n"
              << "toolchain " << sdk::k_toolchain << "\n";
  });
}

} // namespace fanout::cli
