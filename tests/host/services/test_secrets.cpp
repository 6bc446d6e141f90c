#include "host/services/secrets.hpp"

#include <catch2/catch.hpp>

using fanout::services::SecretRegistry;

TEST_CASE("secrets: registered values are redacted, longest first", "[secrets]") {
  SecretRegistry registry;
  registry.add("ghp_abcdef123456");
  registry.add("ghp_abcdef");
  CHECK(registry.redact("token ghp_abcdef123456 and ghp_abcdef!") == "token *** and ***!");
}

TEST_CASE("secrets: short values and common words are not treated as secrets", "[secrets]") {
  SecretRegistry registry;
  for (const char* value : {"ab", "fake", "1234567", "changeme", "development", "abcdefghijklmno"}) registry.add(value);
  CHECK(registry.size() == 0);
  CHECK(registry.redact("a fake key: changeme, in development") == "a fake key: changeme, in development");
  // A value with a digit or a sign, or a long run of letters, looks like a credential.
  for (const char* value : {"hunter22", "sk-ant-api03-x7Y", "abcdefghijklmnop"}) registry.add(value);
  CHECK(registry.size() == 3);
  CHECK(registry.redact("hunter22 sk-ant-api03-x7Y abcdefghijklmnop fake") == "*** *** *** fake");
}

TEST_CASE("secrets: the password of a registered url is registered too", "[secrets]") {
  SecretRegistry registry;
  registry.add("postgres://app:pw-0123456789@127.0.0.1:5432/db");
  CHECK(registry.redact("password pw-0123456789") == "password ***");
  registry.add("postgres://app:short@127.0.0.1/db"); // the URL is, its short password alone is not
  CHECK(registry.redact("short") == "short");
}

TEST_CASE("secrets: credential names in the environment are registered, others are not", "[secrets]") {
  SecretRegistry registry;
  std::string entries[] = {"ANTHROPIC_API_KEY=sk-ant-0123456789", "MY_TOKEN=tok_abcdef0123", "PGPASSWORD=pg-pass-42",
                           "OPENAI_API_KEY=fake", "HOME=/home/someone-else", "BROKEN"};
  char* environ[] = {entries[0].data(), entries[1].data(), entries[2].data(), entries[3].data(), entries[4].data(),
                     entries[5].data(), nullptr};
  registry.add_from_environment(environ);
  CHECK(registry.size() == 3);
  CHECK(registry.redact("sk-ant-0123456789 tok_abcdef0123 pg-pass-42 fake /home/someone-else") ==
        "*** *** *** fake /home/someone-else");
  CHECK(fanout::services::credential_name("GITHUB_TOKEN"));
  CHECK_FALSE(fanout::services::credential_name("HOME"));
}

TEST_CASE("secrets: url passwords are masked", "[secrets]") {
  CHECK(fanout::services::mask_url_password("postgres://app:s3cret@127.0.0.1:5432/db") ==
        "postgres://app:***@127.0.0.1:5432/db");
  CHECK(fanout::services::mask_url_password("see https://example.test/path?a=b") == "see https://example.test/path?a=b");
  CHECK(fanout::services::mask_url_password("x postgres://app@h/db") == "x postgres://app@h/db");
}
