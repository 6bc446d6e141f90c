// plugins/support: the two URL encoders, a path segment and a query value.

#include "plugins/support/url_encoding.hpp"

#include <catch2/catch.hpp>

using fanout::support::encode_path_segment;
using fanout::support::encode_query_value;

TEST_CASE("url encoding: unreserved characters stay as they are in both", "[support][url]") {
  const std::string unreserved = "AZaz09-._~";
  CHECK(encode_path_segment(unreserved) == unreserved);
  CHECK(encode_query_value(unreserved) == unreserved);
}

TEST_CASE("url encoding: a path segment escapes '/' so a name stays one segment", "[support][url]") {
  CHECK(encode_path_segment("area/ui") == "area%2Fui");
  CHECK(encode_path_segment("a b") == "a%20b");
  CHECK(encode_path_segment("owner:branch") == "owner%3Abranch");
  CHECK(encode_path_segment("50%?#&=+@") == "50%25%3F%23%26%3D%2B%40");
  SECTION("a dot-only segment cannot climb the path") {
    CHECK(encode_path_segment("..") == "%2E%2E");
    CHECK(encode_path_segment(".") == "%2E");
    CHECK(encode_path_segment("...") == "...");
    CHECK(encode_path_segment("v1.2") == "v1.2");
  }
}

TEST_CASE("url encoding: a query value keeps '/', ':' and '@' and escapes separators", "[support][url]") {
  CHECK(encode_query_value("octo:fanout/12-fix") == "octo:fanout/12-fix");
  CHECK(encode_query_value("me@example.com") == "me@example.com");
  CHECK(encode_query_value("a&b=c") == "a%26b%3Dc");
  CHECK(encode_query_value("bug,easy") == "bug%2Ceasy");
  CHECK(encode_query_value("1+1 #2;?") == "1%2B1%20%232%3B%3F");
  CHECK(encode_query_value("100%") == "100%25");
}

TEST_CASE("url encoding: bytes of UTF-8 text and controls become upper-case %XX", "[support][url]") {
  CHECK(encode_path_segment("caf\xc3\xa9") == "caf%C3%A9");
  CHECK(encode_query_value("caf\xc3\xa9") == "caf%C3%A9");
  CHECK(encode_query_value(std::string("a\nb\0c", 5)) == "a%0Ab%00c");
  CHECK(encode_path_segment("") == "");
}
