#include "host/runner/repo_id.hpp"

#include <catch2/catch.hpp>

#include <regex>

using fanout::runner::repo_id;

TEST_CASE("repo id: lower-case [a-z0-9-], at most 40 characters, stable per checkout, distinct between checkouts",
          "[runner]") {
  const auto id = repo_id("/home/ann/src/My_Shop.Web");
  CHECK(std::regex_match(id, std::regex("my-shop-web-[0-9a-f]{8}")));
  CHECK(repo_id("/home/ann/src/My_Shop.Web") == id);
  CHECK(repo_id("/home/ann/src/My_Shop.Web/") == id);
  CHECK(repo_id("/home/bob/src/My_Shop.Web") != id);

  const auto long_id = repo_id("/srv/" + std::string(80, 'x'));
  CHECK(long_id.size() == 40);
  CHECK(std::regex_match(long_id, std::regex("x{31}-[0-9a-f]{8}")));
  CHECK(std::regex_match(repo_id("/srv/___"), std::regex("repo-[0-9a-f]{8}")));
}
