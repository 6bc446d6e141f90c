#include "host/util/error.hpp"
#include "host/workspace/port_leases.hpp"

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <set>
#include <thread>

using namespace fanout;
using namespace fanout::workspace;
namespace fs = std::filesystem;

namespace {

fs::path temp_db(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / ("fanout-ports-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir / "state.db";
}

config::PortsConfig range(int base, int span, int per = 10) {
  config::PortsConfig c;
  c.base = base;
  c.span = span;
  c.per_workspace = per;
  return c;
}

sdk::Result<PortBlock> lease(const fs::path& db_path, const config::PortsConfig& config, const std::string& key,
                             const std::function<bool(int)>& is_free = [](int) { return true; }) {
  state::StateDb db(db_path);
  sdk::Result<PortBlock> block = PortBlock{};
  db.transaction([&] { block = lease_ports(db, config, "/repo", key, is_free); });
  return block;
}

void check_disjoint(const std::vector<PortBlock>& blocks) {
  std::set<int> seen;
  for (const auto& b : blocks)
    for (int p : b.ports()) CHECK(seen.insert(p).second);
}

/// A socket listening on 127.0.0.1:`port`; closed on destruction.
struct Listener {
  int fd = -1;
  explicit Listener(int port) {
    fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(static_cast<uint16_t>(port));
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);
    REQUIRE(::listen(fd, 1) == 0);
  }
  ~Listener() { ::close(fd); }
};

} // namespace

TEST_CASE("port leases: the preferred block is stable and a held lease is returned again", "[workspace][ports]") {
  const auto path = temp_db("stable");
  const auto config = range(30000, 1000);
  const PortBlock first = *lease(path, config, "42");
  CHECK(first.count == 10);
  CHECK((first.first - 30000) % 10 == 0);
  CHECK(lease(path, config, "42")->first == first.first);
  state::StateDb db(path);
  release_ports(db, "42");
  CHECK(lease(path, config, "42")->first == first.first); // same hash, same block
}

TEST_CASE("port leases: many threads never share a port", "[workspace][ports]") {
  const auto path = temp_db("threads");
  { state::StateDb init(path); }
  const auto config = range(31000, 200); // 20 blocks for 20 keys: every block ends up used
  std::vector<PortBlock> blocks(20);
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&, i] { blocks[i] = *lease(path, config, "key-" + std::to_string(i)); });
  for (auto& t : threads) t.join();
  check_disjoint(blocks);
  CHECK(lease(path, config, "one-too-many").failure().message ==
        "no free block of 10 ports in 31000-31199 (20 leased; run \"fanout clean\" or widen [ports] span)");
}

TEST_CASE("port leases: two processes never share a port", "[workspace][ports]") {
  const auto path = temp_db("processes");
  { state::StateDb init(path); }
  const auto config = range(32000, 400);
  std::vector<pid_t> children;
  for (int c = 0; c < 2; ++c) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      try {
        for (int i = 0; i < 15; ++i)
          if (!lease(path, config, "p" + std::to_string(c) + "-" + std::to_string(i)).ok()) ::_exit(1);
      } catch (...) {
        ::_exit(1);
      }
      ::_exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  state::StateDb db(path);
  std::vector<PortBlock> blocks;
  for (const auto& [key, block] : all_leases(db)) blocks.push_back(block);
  CHECK(blocks.size() == 30);
  check_disjoint(blocks);
}

TEST_CASE("port leases: a block with a listening port is skipped", "[workspace][ports]") {
  const auto path = temp_db("listening");
  const auto config = range(33000, 1000);
  // Find where "web" would go, then occupy one of its ports and lease again under a new db.
  const PortBlock preferred = *lease(path, config, "web");
  const auto other = temp_db("listening-2");
  Listener busy(preferred.first + 3);
  CHECK_FALSE(port_is_free(preferred.first + 3));
  CHECK(port_is_free(preferred.first + 2));
  const PortBlock granted = *lease(other, config, "web", port_is_free);
  CHECK(granted.first != preferred.first);
  CHECK((granted.first > preferred.first + 3 || granted.first + granted.count <= preferred.first + 3));
}

TEST_CASE("port leases: a config with no room for one block is refused", "[workspace][ports]") {
  CHECK(lease(temp_db("tiny"), range(4000, 5), "x").failure().message ==
        "[ports] base = 4000, span = 5, per_workspace = 10 leave no room for one port block");
}
