#pragma once
// The github code host under test: the real built plugin against a fake GitHub server.

#include "tests/support/fake_github_server.hpp"
#include "tests/support/tracker_harness.hpp"

namespace fanout::test {

/// A FakeGithubServer for "acme/widgets", the plugin as its code host with GITHUB_TOKEN set.
struct GithubCodeHostFixture {
  FakeGithubServer github;
  std::unique_ptr<trackers::Services> services = trackers::make_services({{"GITHUB_TOKEN", github.token()}});
  plugins::Instance<sdk::CodeHost> host = trackers::load<sdk::CodeHost>(
      *services, "github", {{"repo", "acme/widgets"}, {"api_url", github.api_url()}});
  sdk::CancelToken cancel;
};

} // namespace fanout::test
