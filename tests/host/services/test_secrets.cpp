#include "host/services/secrets.hpp"

#include <catch2/catch.hpp>

using fanout::services::SecretRegistry;

TEST_CASE("secrets: registered values are redacted, longest first", "[secrets]") {
  SecretRegistry registry;
  registry.add("ghp_abcdef123456");
  registry.add("ghp_abcdef");
  CHECK(registry.redact("token ghp_abcdef123456 and ghp_abcdef!") == "token *** and ***!");
}

TEST_CASE("secrets: very short values are not treated as secrets", "[secrets]") {
  SecretRegistry registry;
  registry.add("ab");
  CHECK(registry.size() == 0);
  CHECK(registry.redact("ab cab") == "ab cab");
}

TEST_CASE("secrets: url passwords are masked", "[secrets]") {
  CHECK(fanout::services::mask_url_password("postgres://app:s3cret@127.0.0.1:5432/db") ==
        "postgres://app:***@127.0.0.1:5432/db");
  CHECK(fanout::services::mask_url_password("see https://example.test/path?a=b") == "see https://example.test/path?a=b");
  CHECK(fanout::services::mask_url_password("x postgres://app@h/db") == "x postgres://app@h/db");
}
