// `fanout plugin list|install|new`: what the loader found, adding a plugin, starting one.
#include "host/cli/commands.hpp"

#include "host/plugins/abi_check.hpp"
#include "host/plugins/discovery.hpp"
#include "host/plugins/install.hpp"
#include "host/plugins/registry.hpp"
#include "host/plugins/scaffold.hpp"
#include "host/util/error.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <iostream>

namespace fanout::cli {
namespace {

namespace fs = std::filesystem;

std::string joined(const std::vector<std::string>& items, const char* separator) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

/// The `plugin list --json` shape: exactly name, version, kinds, path, status, reason.
nlohmann::json to_json(const plugins::PluginRecord& record) {
  return {{"name", record.name},
          {"version", record.version},
          {"kinds", plugins::kind_names(record.kinds)},
          {"path", record.path.string()},
          {"status", plugins::to_string(record.status)},
          {"reason", record.reason}};
}

void print_table(const std::vector<plugins::PluginRecord>& records) {
  if (records.empty()) {
    std::cout << "no plugins found (see docs/plugin-abi.md for where fanout looks)\n";
    return;
  }
  std::vector<std::array<std::string, 5>> rows{{"NAME", "VERSION", "KINDS", "STATUS", "PATH"}};
  for (const auto& r : records)
    rows.push_back({r.name, r.version.empty() ? "-" : r.version,
                    r.kinds ? joined(plugins::kind_names(r.kinds), ",") : "-", plugins::to_string(r.status),
                    r.path.string()});
  std::array<size_t, 5> width{};
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  for (size_t n = 0; n < rows.size(); ++n) {
    std::string line;
    for (size_t i = 0; i < rows[n].size(); ++i)
      line += i + 1 == rows[n].size() ? rows[n][i] : rows[n][i] + std::string(width[i] - rows[n][i].size() + 2, ' ');
    std::cout << line << "\n";
    if (n > 0 && !records[n - 1].reason.empty()) std::cout << "  " << records[n - 1].reason << "\n";
  }
}

void add_list(CLI::App& group, Context& context) {
  auto* cmd = group.add_subcommand("list", "List every plugin found, loaded or not, with the reason for any refusal");
  auto json = std::make_shared<bool>(false);
  cmd->add_flag("--json", *json, "Print a JSON array of {name, version, kinds, path, status, reason}");
  cmd->callback([&context, json] {
    const auto& records = context.plugins().records();
    if (*json) {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& record : records) out.push_back(to_json(record));
      std::cout << out.dump(2) << "\n";
    } else {
      print_table(records);
    }
  });
}

void add_install(CLI::App& group, Context& context) {
  auto* cmd = group.add_subcommand("install", "Check a plugin library and copy it into your plugin dir");
  auto path = std::make_shared<std::string>();
  cmd->add_option("PATH", *path, "The plugin's shared library (fanout-<name>.so)")->required();
  cmd->callback([&context, path] {
    const auto dir = plugins::user_plugin_dir([](const char* name) { return std::getenv(name); });
    if (!dir) throw UserError("cannot find your plugin dir: set XDG_DATA_HOME or HOME");
    const auto installed = plugins::install_plugin(*path, *dir);
    std::cout << "installed \"" << installed.name << "\" " << installed.version << " to "
              << installed.destination.string() << (installed.replaced ? " (replacing the previous copy)" : "") << "\n";
    // Discovery now includes the new copy; say so when an earlier dir wins over it.
    for (const auto& record : context.plugins().records()) {
      if (record.name != installed.name || record.path == installed.destination) continue;
      if (record.status == plugins::PluginStatus::shadowed) continue;
      std::cout << "note: " << record.path.string() << " comes first in the search order and shadows it\n";
      break;
    }
  });
}

void add_new(CLI::App& group) {
  auto* cmd = group.add_subcommand("new", "Start an out-of-tree plugin project that builds against the installed SDK");
  struct Options {
    std::string kind, name, dir;
  };
  auto options = std::make_shared<Options>();
  cmd->add_option("KIND", options->kind, "reviewer, agent, tracker, brancher, notifier or runner")->required();
  cmd->add_option("NAME", options->name, "The plugin's name: lower-case letters, digits and dashes")->required();
  cmd->add_option("--dir", options->dir, "Where to write the project (default: ./NAME)");
  cmd->callback([options] {
    const fs::path dir = options->dir.empty() ? fs::path(options->name) : fs::path(options->dir);
    const auto files = plugins::scaffold(options->kind, options->name, dir);
    std::cout << "created " << options->kind << " plugin \"" << options->name << "\" in " << dir.string() << ":\n";
    for (const auto& file : files) std::cout << "  " << file.string() << "\n";
    std::cout << "next:\n"
              << "  cmake -S " << dir.string() << " -B " << (dir / "build").string()
              << " -DCMAKE_PREFIX_PATH=<fanout's install prefix>\n"
              << "  cmake --build " << (dir / "build").string() << "\n"
              << "  fanout plugin install " << (dir / "build" / ("fanout-" + options->name + ".so")).string() << "\n";
  });
}

} // namespace

void add_plugin_commands(CLI::App& app, Context& context) {
  auto* group = app.add_subcommand("plugin", "List, install and start plugins");
  group->require_subcommand(1);
  add_list(*group, context);
  add_install(*group, context);
  add_new(*group);
}

} // namespace fanout::cli
