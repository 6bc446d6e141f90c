// Every way a library can be refused, each with its exact message, using fixture plugins
// built as real shared libraries (tests/fixtures).
#include "host/plugins/abi_check.hpp"
#include "host/plugins/registry.hpp"
#include "tests/host/plugins/fixtures_helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using fanout::plugins::inspect;
using fanout::plugins::PluginStatus;
using fanout::test::fixture_library;

namespace {

const std::string k_host_abi = std::to_string(sdk::k_abi_major) + "." + std::to_string(sdk::k_abi_minor);

} // namespace

TEST_CASE("plugin abi: a well-formed plugin loads with its name, version and kinds", "[plugins]") {
  auto record = inspect(fixture_library("good"));
  CHECK(record.reason == "");
  CHECK(record.status == PluginStatus::loaded);
  CHECK(record.name == "fixture-good");
  CHECK(record.version == "1.2.3");
  CHECK(plugins::kind_names(record.kinds) == std::vector<std::string>{"reviewer"});
  CHECK(record.library != nullptr);
}

TEST_CASE("plugin abi: each broken library is refused with its reason", "[plugins]") {
  SECTION("no entry point") {
    auto record = inspect(fixture_library("no-entry"));
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason == "no entry point \"fanout_plugin_entry\" (not a fanout plugin?)");
    CHECK(record.name == "fixture-no-entry"); // from the file name
  }
  SECTION("a newer abi major") {
    auto record = inspect(fixture_library("abi-major"));
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason == "plugin abi " + std::to_string(sdk::k_abi_major + 1) + "." + std::to_string(sdk::k_abi_minor) + " is not supported by this fanout (abi " +
                               k_host_abi + "): rebuild the plugin against this SDK");
    CHECK(record.version == ""); // nothing past the first three fields is read
  }
  SECTION("a newer abi minor") {
    auto record = inspect(fixture_library("abi-minor"));
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason == "plugin abi " + std::to_string(sdk::k_abi_major) + "." + std::to_string(sdk::k_abi_minor + 1) +
                               " is newer than this fanout's (abi " + k_host_abi +
                               "): upgrade fanout or rebuild the plugin against this SDK");
    CHECK(record.name == "fixture-abi-minor");
  }
  SECTION("another toolchain") {
    auto record = inspect(fixture_library("toolchain"));
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason == std::string("built with toolchain \"clang-14/cxxabi-1002/cxx11/json-3.11\" but fanout uses \"") +
                               sdk::k_toolchain + "\": rebuild the plugin with the same compiler");
  }
  SECTION("a descriptor smaller than the host needs") {
    auto record = inspect(fixture_library("struct-size"));
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason == "plugin descriptor is 16 bytes but fanout needs at least " +
                               std::to_string(plugins::k_min_descriptor_size) + ": rebuild the plugin against this SDK");
    CHECK(record.name == "fixture-struct-size"); // too small to hold a name: from the file
  }
  SECTION("no kinds") {
    auto record = inspect(fixture_library("no-kinds"));
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason == "plugin \"fixture-no-kinds\" provides no kinds fanout knows");
  }
  SECTION("an unresolved symbol fails at load time, not at first call") {
    const auto path = fixture_library("unresolved");
    auto record = inspect(path);
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason ==
          "cannot load library: " + path.string() + ": undefined symbol: fanout_fixture_missing_symbol");
  }
  SECTION("a file that is not a shared library") {
    fanout::test::TempDir dir;
    const auto path = dir.path() / "fanout-garbage.so";
    std::ofstream(path) << std::string(4096, 'x');
    auto record = inspect(path);
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason == "cannot load library: " + path.string() + ": invalid ELF header");
    CHECK(record.name == "garbage");
  }
  SECTION("a file that does not exist") {
    auto record = inspect("/nonexistent/fanout-ghost.so");
    CHECK(record.status == PluginStatus::rejected);
    CHECK(record.reason ==
          "cannot load library: /nonexistent/fanout-ghost.so: cannot open shared object file: No such file or directory");
  }
}

TEST_CASE("plugin abi: the checks run in order, major before anything else", "[plugins]") {
  sdk::PluginDescriptor d{};
  d.abi_major = sdk::k_abi_major + 1;
  d.abi_minor = sdk::k_abi_minor + 5;
  d.struct_size = 4; // would also be wrong, but the major is reported
  CHECK(plugins::check_descriptor(d)->rfind("plugin abi " + std::to_string(sdk::k_abi_major + 1), 0) == 0);
  CHECK(plugins::read_info(d).name.empty());
}

TEST_CASE("plugin abi: an older minor is accepted", "[plugins]") {
  // A host at minor N loads plugins built for minors <= N; with N == 0 this is the same minor.
  sdk::PluginDescriptor d{};
  d.abi_major = sdk::k_abi_major;
  d.abi_minor = 0;
  d.struct_size = plugins::k_min_descriptor_size;
  d.toolchain = sdk::k_toolchain;
  d.name = "old";
  d.kinds = std::uint32_t(sdk::Kind::reviewer);
  d.create = [](sdk::Kind, sdk::Host*, std::string*) noexcept -> void* { return nullptr; };
  d.destroy = [](sdk::Kind, void*) noexcept {};
  CHECK_FALSE(plugins::check_descriptor(d).has_value());
  SECTION("but not without a name") {
    d.name = "";
    CHECK(plugins::check_descriptor(d) == std::optional<std::string>("plugin has no name"));
  }
  SECTION("nor without create") {
    d.create = nullptr;
    CHECK(plugins::check_descriptor(d) == std::optional<std::string>("plugin \"old\" has no create or destroy function"));
  }
}
