// The fake model server on its own (no CLI): the shapes it answers in, its queue, its
// failures and its bill, so a real-CLI test failure points at fanout or the CLI, not at it.

#include "tests/support/fake_model_server.hpp"

#include <catch2/catch.hpp>

#include <sstream>
#include <thread>

using namespace fanout::test;
using nlohmann::json;

namespace {

httplib::Headers anthropic_headers(const std::string& key = FakeModelServer::api_key()) {
  return {{"x-api-key", key}, {"anthropic-version", "2023-06-01"}};
}

/// The `data:` objects of an SSE body, in order.
std::vector<json> sse_data(const std::string& body) {
  std::vector<json> out;
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("data: ", 0) == 0) out.push_back(json::parse(line.substr(6)));
  return out;
}

const std::string k_stream_request = R"({"model":"claude-sonnet-4-5","stream":true,"messages":[{"role":"user","content":"hi"}]})";

} // namespace

TEST_CASE("fake model server: a shell turn streams as a Bash tool_use with its input and usage", "[real-cli][server]") {
  FakeModelServer api;
  api.push(ModelTurn::shell("git status", {120, 7}));
  httplib::Client client(api.url());
  auto res = client.Post("/v1/messages?beta=true", anthropic_headers(), k_stream_request, "application/json");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "text/event-stream");
  auto events = sse_data(res->body);
  std::vector<std::string> types;
  std::string input;
  for (const auto& e : events) {
    types.push_back(e["type"]);
    if (e["type"] == "content_block_delta") input += e["delta"]["partial_json"].get<std::string>();
  }
  CHECK(types == std::vector<std::string>{"message_start", "ping", "content_block_start", "content_block_delta",
                                          "content_block_stop", "message_delta", "message_stop"});
  CHECK(events[0]["message"]["usage"]["input_tokens"] == 120);
  CHECK(events[2]["content_block"]["name"] == "Bash");
  CHECK(json::parse(input)["command"] == "git status");
  CHECK(events[5]["delta"]["stop_reason"] == "tool_use");
  CHECK(events[5]["usage"]["output_tokens"] == 7);
  auto bill = api.billed();
  CHECK(bill.turns == 1);
  CHECK(bill.cost_usd == Approx((120 * 3 + 7 * 15) / 1e6));
  CHECK(api.saw_text("hi"));
}

TEST_CASE("fake model server: the same turn is an exec_command function_call on the Responses API", "[real-cli][server]") {
  FakeModelServer api;
  api.push(ModelTurn::shell("git status", {50, 5}));
  api.push(ModelTurn::structured({{"verdict", "approve"}}));
  httplib::Client client(api.url());
  httplib::Headers auth = {{"Authorization", "Bearer " + FakeModelServer::api_key()}};
  auto res = client.Post("/v1/responses", auth, R"({"model":"gpt-5.5","stream":true,"input":[]})", "application/json");
  REQUIRE(res);
  auto events = sse_data(res->body);
  REQUIRE(events.size() >= 3);
  CHECK(events.front()["type"] == "response.created");
  CHECK(events.back()["type"] == "response.completed");
  CHECK(events.back()["response"]["usage"]["input_tokens"] == 50);
  auto item = events.back()["response"]["output"][0];
  CHECK(item["type"] == "function_call");
  CHECK(item["name"] == "exec_command");
  CHECK(json::parse(item["arguments"].get<std::string>())["cmd"] == "git status");
  // Structured output is the JSON as the final message's text (the request's text format).
  res = client.Post("/v1/responses", auth, R"({"model":"gpt-5.5","stream":true,"input":[]})", "application/json");
  REQUIRE(res);
  auto message = sse_data(res->body).back()["response"]["output"][0];
  CHECK(message["type"] == "message");
  CHECK(json::parse(message["content"][0]["text"].get<std::string>())["verdict"] == "approve");
}

TEST_CASE("fake model server: failures, the queue and the request log", "[real-cli][server]") {
  FakeModelServer api;
  httplib::Client client(api.url());

  SECTION("a wrong key is a 401 that takes no turn") {
    api.push(ModelTurn::answer("hello"));
    auto res = client.Post("/v1/messages", anthropic_headers("wrong"), k_stream_request, "application/json");
    REQUIRE(res);
    CHECK(res->status == 401);
    CHECK(json::parse(res->body)["error"]["type"] == "authentication_error");
    CHECK(api.pending() == 1);
  }
  SECTION("token counting answers without taking a turn") {
    api.push(ModelTurn::answer("hello"));
    auto res = client.Post("/v1/messages/count_tokens", anthropic_headers(), k_stream_request, "application/json");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(json::parse(res->body)["input_tokens"].get<long>() > 0);
    CHECK(api.pending() == 1);
    CHECK(api.requests().size() == 1);
  }
  SECTION("no turn left is a 400 that says so, counted") {
    auto res = client.Post("/v1/messages", anthropic_headers(), k_stream_request, "application/json");
    REQUIRE(res);
    CHECK(res->status == 400);
    CHECK(res->body.find("no scripted turn left") != std::string::npos);
    CHECK(api.unscripted() == 1);
  }
  SECTION("a repeated 429 carries retry-after, then the next turn is served") {
    api.push(ModelTurn::rate_limited(3).times(2));
    api.push(ModelTurn::answer("after"));
    for (int i = 0; i < 2; ++i) {
      auto res = client.Post("/v1/messages", anthropic_headers(), k_stream_request, "application/json");
      REQUIRE(res);
      CHECK(res->status == 429);
      CHECK(res->get_header_value("retry-after") == "3");
      CHECK(json::parse(res->body)["error"]["type"] == "rate_limit_error");
    }
    auto res = client.Post("/v1/messages", anthropic_headers(),
                           R"({"model":"claude-sonnet-4-5","messages":[]})", "application/json");
    REQUIRE(res);
    CHECK(json::parse(res->body)["content"][0]["text"] == "after"); // no stream: the message object
    CHECK(api.turn_requests().size() == 3);
    CHECK(api.billed().turns == 1);
  }
  SECTION("a stream error stops after message_start with the error event") {
    api.push(ModelTurn::stream_error("overloaded_error", "Overloaded"));
    auto res = client.Post("/v1/messages", anthropic_headers(), k_stream_request, "application/json");
    REQUIRE(res);
    auto events = sse_data(res->body);
    REQUIRE(events.size() == 2);
    CHECK(events[0]["type"] == "message_start");
    CHECK(events[1]["error"]["type"] == "overloaded_error");
    CHECK(api.billed().turns == 0);
  }
  SECTION("a hanging request ends when released") {
    api.push(ModelTurn::hang());
    std::thread release([&] {
      // The request must be in the handler before it is released: wait for it to be logged.
      while (api.turn_requests().empty()) std::this_thread::yield();
      api.release_hangs();
    });
    auto res = client.Post("/v1/messages", anthropic_headers(), k_stream_request, "application/json");
    release.join();
    CHECK((!res || res->body.empty()));
    CHECK(api.turn_requests().size() == 1);
  }
}
