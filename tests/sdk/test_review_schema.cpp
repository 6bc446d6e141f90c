#include <fanout/sdk/review_schema.hpp>

#include <catch2/catch.hpp>

using namespace fanout::sdk;

namespace {
const char* k_valid = R"({"verdict":"request_changes","summary":"one bug","findings":[
  {"severity":"critical","file":"app.py","line":12,"message":"crashes on empty input","detail":"x = y[0]"}]})";
}

TEST_CASE("review schema: the schema text is valid JSON naming every verdict", "[review-schema]") {
  auto schema = nlohmann::json::parse(k_review_schema);
  CHECK(schema["required"] == nlohmann::json({"verdict", "summary", "findings"}));
  CHECK(schema["properties"]["verdict"]["enum"].size() == 3);
  CHECK(schema["properties"]["findings"]["items"]["properties"]["severity"]["enum"].size() == 3);
}

TEST_CASE("review schema: plain JSON parses into a review", "[review-schema]") {
  auto review = parse_review(k_valid);
  REQUIRE(review.ok());
  CHECK(review->verdict == Verdict::request_changes);
  CHECK(review->summary == "one bug");
  REQUIRE(review->findings.size() == 1);
  CHECK(review->findings[0].severity == Severity::critical);
  CHECK(review->findings[0].file == "app.py");
  CHECK(review->findings[0].line == 12);
  CHECK(review->findings[0].message == "crashes on empty input");
  CHECK(review->findings[0].detail == "x = y[0]");
}

TEST_CASE("review schema: tolerant extraction", "[review-schema]") {
  SECTION("json fence after prose") {
    auto review = parse_review(std::string("Here is my review.\n```json\n") + k_valid + "\n```\nThanks!");
    REQUIRE(review.ok());
    CHECK(review->verdict == Verdict::request_changes);
  }
  SECTION("the last fence wins over an earlier example") {
    auto review = parse_review("Example:\n```json\n{\"verdict\":\"approve\",\"summary\":\"\",\"findings\":[]}\n```\n"
                               "Final:\n```json\n" + std::string(k_valid) + "\n```");
    REQUIRE(review.ok());
    CHECK(review->verdict == Verdict::request_changes);
  }
  SECTION("trailing prose after a bare object, braces inside strings") {
    auto review = parse_review("I looked.\n{\"verdict\":\"approve\",\"summary\":\"uses {braces} and \\\"quotes\\\"\","
                               "\"findings\":[]}\nThat is all {not json}.");
    REQUIRE(review.ok());
    CHECK(review->verdict == Verdict::approve);
    CHECK(review->summary == "uses {braces} and \"quotes\"");
  }
  SECTION("optional finding fields default") {
    auto review = parse_review(R"({"verdict":"approve_with_changes","summary":"s","findings":[
      {"severity":"suggestion","message":"rename x"}]})");
    REQUIRE(review.ok());
    CHECK(review->findings[0].file.empty());
    CHECK(review->findings[0].line == 0);
  }
}

TEST_CASE("review schema: invalid answers name the problem", "[review-schema]") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"LGTM, ship it", "no JSON object found in the reviewer's answer"},
      {R"({"verdict":"lgtm","summary":"","findings":[]})",
       R"("verdict" must be one of "approve", "approve_with_changes", "request_changes", got "lgtm")"},
      {R"({"summary":"","findings":[]})", R"(missing "verdict")"},
      {R"({"verdict":"approve","findings":[]})", R"(missing "summary")"},
      {R"({"verdict":"approve","summary":""})", R"(missing "findings")"},
      {R"({"verdict":"approve","summary":"","findings":{}})", R"("findings" must be an array, got {})"},
      {R"({"verdict":"approve","summary":"","findings":[{"severity":"high","message":"m"}]})",
       R"("findings[0].severity" must be one of "critical", "important", "suggestion", got "high")"},
      {R"({"verdict":"approve","summary":"","findings":[{"severity":"critical"}]})", R"(missing "findings[0].message")"},
      {R"({"verdict":"approve","summary":"","findings":[{"severity":"critical","message":"m","line":-3}]})",
       R"("findings[0].line" must be a non-negative integer, got -3)"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    auto review = parse_review(c.text);
    REQUIRE_FALSE(review.ok());
    CHECK(review.failure().kind == FailureKind::invalid_input);
    CHECK(review.failure().message == c.message);
  }
}

TEST_CASE("review schema: to_json round-trips", "[review-schema]") {
  auto review = parse_review(k_valid);
  REQUIRE(review.ok());
  auto again = review_from_json(review_to_json(*review));
  REQUIRE(again.ok());
  CHECK(review_to_json(*again) == review_to_json(*review));
}
