#include "host/plugins/registry.hpp"

#include "host/plugins/abi_check.hpp"
#include "host/util/suggest.hpp"

#include <algorithm>

namespace fanout::plugins {

namespace fs = std::filesystem;

const char* to_string(PluginStatus status) noexcept {
  switch (status) {
  case PluginStatus::loaded: return "loaded";
  case PluginStatus::rejected: return "rejected";
  case PluginStatus::shadowed: return "shadowed";
  }
  return "rejected";
}

PluginRecord inspect(const fs::path& path) {
  PluginRecord record;
  record.path = path;
  record.name = name_from_file(path);
  auto opened = open_library(path);
  if (auto* reason = std::get_if<std::string>(&opened)) {
    record.reason = *reason;
    return record;
  }
  auto library = std::get<std::shared_ptr<const Library>>(std::move(opened));
  const sdk::PluginDescriptor& descriptor = *library->descriptor();
  const DescriptorInfo info = read_info(descriptor);
  if (!info.name.empty()) {
    record.name = info.name;
    record.named_by_descriptor = true;
  }
  record.version = info.version;
  record.description = info.description;
  record.kinds = info.kinds;
  if (auto reason = check_descriptor(descriptor)) {
    record.reason = *reason;
    return record; // `library` goes out of scope: a refused library is unloaded at once
  }
  record.status = PluginStatus::loaded;
  record.library = std::move(library);
  return record;
}

Registry::~Registry() {
  // Reverse load order. A library with live instances stays loaded through their deleters.
  while (!m_records.empty()) m_records.pop_back();
}

void Registry::discover(const std::vector<SearchDir>& dirs) {
  for (const auto& dir : dirs) {
    for (const auto& file : plugin_files(dir.path)) {
      PluginRecord record = inspect(file);
      // Only a name read from a descriptor claims it; one guessed from the file name does not.
      auto winner = std::find_if(m_records.begin(), m_records.end(), [&](const PluginRecord& r) {
        return r.named_by_descriptor && r.status != PluginStatus::shadowed && r.name == record.name;
      });
      if (record.named_by_descriptor && winner != m_records.end()) {
        record.status = PluginStatus::shadowed;
        record.reason = "shadowed by " + winner->path.string();
        record.library.reset();
      }
      m_records.push_back(std::move(record));
    }
  }
}

const PluginRecord* Registry::find(std::string_view name) const noexcept {
  for (const auto& record : m_records)
    if (record.status == PluginStatus::loaded && record.name == name) return &record;
  return nullptr;
}

std::vector<std::string> Registry::loaded_names() const {
  std::vector<std::string> names;
  for (const auto& record : m_records)
    if (record.status == PluginStatus::loaded) names.push_back(record.name);
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

std::string with_article(std::string_view kind) {
  const bool vowel = !kind.empty() && std::string_view("aeiou").find(kind.front()) != std::string_view::npos;
  return std::string(vowel ? "an " : "a ") + std::string(kind);
}

std::string joined_kinds(std::uint32_t kinds) {
  std::string out;
  for (const auto& name : kind_names(kinds)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

} // namespace

sdk::Result<Registry::Made> Registry::make(std::string_view name, sdk::Kind kind, sdk::Host& host) const {
  const std::string quoted = "\"" + std::string(name) + "\"";
  const PluginRecord* record = find(name);
  if (!record) {
    for (const auto& other : m_records)
      if (other.name == name && other.status == PluginStatus::rejected)
        return sdk::fail(sdk::FailureKind::not_found, "plugin " + quoted + " was not loaded: " + other.reason);
    return sdk::fail(sdk::FailureKind::not_found,
                     "unknown plugin " + quoted + util::did_you_mean(name, loaded_names()));
  }
  if (!(record->kinds & std::uint32_t(kind)))
    return sdk::fail(sdk::FailureKind::unsupported, "plugin " + quoted + " is not " + with_article(sdk::to_string(kind)) +
                                                        " (it provides: " + joined_kinds(record->kinds) + ")");
  const sdk::PluginDescriptor& descriptor = *record->library->descriptor();
  std::string error;
  void* instance = nullptr;
  try {
    instance = descriptor.create(kind, &host, &error);
  } catch (...) {
    // create is noexcept by contract; this only guards a hand-written descriptor.
    error = "it threw an exception";
  }
  if (!instance) {
    if (error.empty()) error = "it returned nothing";
    return sdk::fail(sdk::FailureKind::error,
                     "plugin " + quoted + " failed to create its " + sdk::to_string(kind) + ": " + error);
  }
  return Made{instance, record->library, descriptor.destroy};
}

sdk::Result<Instance<void>> Registry::create(std::string_view name, sdk::Kind kind, sdk::Host& host) const {
  auto made = make(name, kind, host);
  if (!made.ok()) return std::move(made).failure();
  return Instance<void>(made->instance, InstanceDeleter<void>{made->library, made->destroy, kind});
}

} // namespace fanout::plugins
