// doctor: a [ports] range inside the kernel's ephemeral port range is a finding.
#include "host/workspace/doctor.hpp"
#include "host/util/error.hpp"
#include "tests/host/workspace/workspace_helpers.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace fanout;
using namespace fanout::workspace;
using fanout::test::TempRepo;
namespace fs = std::filesystem;

TEST_CASE("doctor: [ports] inside the ephemeral port range is reported with its fix", "[workspace][doctor]") {
  const std::pair<int, int> linux_default{32768, 60999};
  SECTION("overlapping, partly or wholly") {
    for (const auto& ports : {config::PortsConfig{40000, 100, 10}, config::PortsConfig{32000, 1000, 10}}) {
      const auto finding = ephemeral_overlap(ports, linux_default);
      REQUIRE(finding);
      CHECK(finding->problem.find("overlaps the kernel's ephemeral port range 32768-60999") != std::string::npos);
      CHECK(finding->fix == "set [ports] base and span in fanout.toml to stay below 32768 (the default is base = 4000, span = 1000)");
    }
    CHECK(ephemeral_overlap({40000, 100, 10}, linux_default)->problem.rfind("[ports] 40000-40099 overlaps", 0) == 0);
  }
  SECTION("outside it, or the range unknown") {
    CHECK_FALSE(ephemeral_overlap({4000, 1000, 10}, linux_default));
    CHECK_FALSE(ephemeral_overlap({31768, 1000, 10}, linux_default)); // ends at 32767
    CHECK_FALSE(ephemeral_overlap({61000, 100, 10}, linux_default));
    CHECK_FALSE(ephemeral_overlap({40000, 100, 10}, std::nullopt));
  }
  SECTION("the range file is parsed, and an unreadable one gives nothing") {
    TempRepo repo;
    std::ofstream(repo.root() / "range") << "1024\t65000\n";
    CHECK(ephemeral_port_range(repo.root() / "range") == std::optional<std::pair<int, int>>({1024, 65000}));
    std::ofstream(repo.root() / "garbage") << "not numbers\n";
    CHECK_FALSE(ephemeral_port_range(repo.root() / "garbage"));
    CHECK_FALSE(ephemeral_port_range(repo.root() / "missing"));
  }
  SECTION("doctor() includes it for this machine's range") {
    TempRepo repo;
    auto settings = repo.settings();
    const auto range = ephemeral_port_range();
    if (!range) {
      WARN("no /proc/sys/net/ipv4/ip_local_port_range here: only the pure checks ran");
      return;
    }
    settings.ports = {range->first, 100, 10};
    WorkspaceManager manager(settings, nullptr, nullptr);
    const auto findings = value_or_throw(doctor(manager, nullptr, {}, sdk::CancelToken()));
    bool found = false;
    for (const auto& f : findings) found = found || f.problem.find("ephemeral port range") != std::string::npos;
    CHECK(found);
  }
}
