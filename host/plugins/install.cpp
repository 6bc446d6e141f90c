#include "host/plugins/install.hpp"

#include "host/plugins/registry.hpp"
#include "host/util/error.hpp"

#include <unistd.h>

namespace fanout::plugins {

namespace fs = std::filesystem;

Installed install_plugin(const fs::path& source, const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(source, ec)) throw UserError("\"" + source.string() + "\" does not exist");
  const fs::path absolute = fs::absolute(source, ec);
  const PluginRecord record = inspect(absolute);
  if (record.status != PluginStatus::loaded)
    throw UserError("cannot install \"" + source.string() + "\": " + record.reason);

  Installed installed{record.name, record.version, dir / ("fanout-" + record.name + ".so"), false};
  auto refuse = [&](const fs::path& where, const std::error_code& error) {
    return UserError("cannot install \"" + source.string() + "\": cannot write \"" + where.string() +
                     "\": " + error.message());
  };
  fs::create_directories(dir, ec);
  if (ec) throw refuse(dir, ec);
  installed.replaced = fs::exists(installed.destination, ec);
  const fs::path temporary = dir / (".fanout-" + record.name + ".so." + std::to_string(::getpid()) + ".tmp");
  fs::copy_file(absolute, temporary, fs::copy_options::overwrite_existing, ec);
  if (ec) throw refuse(temporary, ec);
  fs::rename(temporary, installed.destination, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw refuse(installed.destination, ec);
  }
  return installed;
}

} // namespace fanout::plugins
