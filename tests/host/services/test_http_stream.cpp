#include "host/services/http_client.hpp"
#include "tests/host/services/http_client_helpers.hpp"
#include "tests/support/local_server.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <condition_variable>
#include <future>

using namespace fanout;
using namespace std::chrono;

namespace {

/// Streams `url` and collects the lines it delivers.
struct Streamed {
  sdk::Result<sdk::HttpResponse> result = sdk::fail(sdk::FailureKind::error, "not run");
  std::vector<std::string> lines;
};

Streamed stream(test::RecordingClient& rc, const std::string& url, const sdk::LineCallback& extra = {},
                milliseconds timeout = seconds(5), int retries = 3, const sdk::CancelToken& cancel = {}) {
  Streamed out;
  sdk::HttpRequest request;
  request.url = url;
  request.timeout = timeout;
  request.max_retries = retries;
  out.result = rc.client->stream(
      request,
      [&](sdk::Stream stream, const std::string& line) {
        out.lines.push_back(line);
        return extra(stream, line);
      },
      cancel);
  return out;
}

/// A gate a server handler waits on (bounded) until the test opens it.
struct Gate {
  std::mutex mutex;
  std::condition_variable cv;
  bool open = false;
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    cv.notify_all();
  }
  bool wait(milliseconds limit) {
    std::unique_lock lock(mutex);
    return cv.wait_for(lock, limit, [&] { return open; });
  }
};

} // namespace

TEST_CASE("http stream: lines reach the callback while the response is still open", "[http][stream]") {
  test::LocalServer server;
  Gate first_line_seen;
  server.server().Get("/log", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](size_t, httplib::DataSink& sink) {
      sink.write("one\n", 4);
      // Only a client that handed "one" over before the end lets the server go on in time.
      const std::string rest = first_line_seen.wait(seconds(5)) ? "two\r\nthree" : "not streamed\n";
      sink.write(rest.data(), rest.size());
      sink.done();
      return true;
    });
  });
  server.start();
  test::RecordingClient rc;
  auto got = stream(rc, server.url() + "/log", [&](sdk::Stream, const std::string& line) {
    if (line == "one") first_line_seen.release();
  });
  REQUIRE(got.result.ok());
  CHECK(got.result->status == 200);
  CHECK(got.result->body.empty());
  CHECK(got.lines == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("http stream: LineAction::stop ends the stream early and is not a failure", "[http][stream]") {
  test::LocalServer server;
  std::atomic<bool> client_gone{false};
  server.server().Get("/endless", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](size_t, httplib::DataSink& sink) {
      for (int i = 1; i <= 500; ++i) {
        const std::string line = "line " + std::to_string(i) + "\n";
        if (!sink.write(line.data(), line.size())) {
          client_gone = true;
          return false;
        }
        std::this_thread::sleep_for(milliseconds(10)); // a log that keeps coming, bounded
      }
      sink.done();
      return true;
    });
  });
  server.start();
  test::RecordingClient rc;
  auto got = stream(rc, server.url() + "/endless", [](sdk::Stream, const std::string& line) {
    return line == "line 3" ? sdk::LineAction::stop : sdk::LineAction::keep;
  });
  REQUIRE(got.result.ok());
  CHECK(got.result->status == 200);
  CHECK(got.lines == std::vector<std::string>{"line 1", "line 2", "line 3"});
  test::require_within("the server sees the client leave", [&] { return client_gone.load(); }, seconds(10));
}

TEST_CASE("http stream: an error status returns its body and hands no line over", "[http][stream]") {
  test::LocalServer server;
  server.server().Get("/missing", [](const httplib::Request&, httplib::Response& res) {
    res.status = 404;
    res.set_content("{\"kind\":\"Status\"}\n{\"more\":1}\n", "application/json");
  });
  server.start();
  test::RecordingClient rc;
  auto got = stream(rc, server.url() + "/missing");
  REQUIRE(got.result.ok());
  CHECK(got.result->status == 404);
  CHECK(got.result->body == "{\"kind\":\"Status\"}\n{\"more\":1}\n");
  CHECK(got.lines.empty());
}

TEST_CASE("http stream: the timeout limits silence, not the whole stream", "[http][stream]") {
  test::LocalServer server;
  Gate finish;
  server.server().Get("/slow", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](size_t, httplib::DataSink& sink) {
      for (int i = 0; i < 8; ++i) { // 2.4 s in all, a line every 0.3 s
        const std::string line = "tick " + std::to_string(i) + "\n";
        sink.write(line.data(), line.size());
        std::this_thread::sleep_for(milliseconds(300));
      }
      sink.done();
      return true;
    });
  });
  server.server().Get("/silent", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](size_t, httplib::DataSink& sink) {
      sink.write("first\n", 6);
      finish.wait(seconds(20)); // silent until the test is done with it
      return false;
    });
  });
  server.start();
  test::RecordingClient rc;

  SECTION("a stream that keeps talking outlives the timeout") {
    auto got = stream(rc, server.url() + "/slow", {}, milliseconds(1000));
    REQUIRE(got.result.ok());
    CHECK(got.lines.size() == 8);
  }
  SECTION("silence past the timeout fails as a timeout, without a retry after the first line") {
    const auto started = steady_clock::now();
    auto got = stream(rc, server.url() + "/silent", {}, milliseconds(1000));
    finish.release();
    REQUIRE_FALSE(got.result.ok());
    CHECK(got.result.failure().kind == sdk::FailureKind::timeout);
    CHECK(got.result.failure().message ==
          "GET to 127.0.0.1:" + std::to_string(server.port()) + " sent nothing for 1s");
    CHECK(got.lines == std::vector<std::string>{"first"});
    CHECK(rc.waits.empty());
    CHECK(steady_clock::now() - started < seconds(10));
  }
}

TEST_CASE("http stream: a 5xx before the first line is retried, the lines come once", "[http][stream]") {
  test::LocalServer server;
  std::atomic<int> calls{0};
  server.server().Get("/flaky", [&](const httplib::Request&, httplib::Response& res) {
    if (calls++ == 0) {
      res.status = 503;
      res.set_content("busy\n", "text/plain");
      return;
    }
    res.set_content("a\nb\n", "text/plain");
  });
  server.start();
  test::RecordingClient rc;
  auto got = stream(rc, server.url() + "/flaky");
  REQUIRE(got.result.ok());
  CHECK(got.result->status == 200);
  CHECK(got.lines == std::vector<std::string>{"a", "b"});
  CHECK(calls == 2);
  CHECK(rc.waits.size() == 1);
}

TEST_CASE("http stream: the cancel token ends a stream in flight", "[http][stream]") {
  test::LocalServer server;
  Gate finish;
  server.server().Get("/follow", [&](const httplib::Request&, httplib::Response& res) {
    res.set_chunked_content_provider("text/plain", [&](size_t, httplib::DataSink& sink) {
      sink.write("started\n", 8);
      finish.wait(seconds(20));
      return false;
    });
  });
  server.start();
  test::RecordingClient rc;
  sdk::CancelToken cancel;
  auto got = stream(
      rc, server.url() + "/follow",
      [&](sdk::Stream, const std::string&) { cancel.cancel(); }, seconds(30), 3, cancel);
  finish.release();
  REQUIRE_FALSE(got.result.ok());
  CHECK(got.result.failure().kind == sdk::FailureKind::cancelled);
  CHECK(got.lines == std::vector<std::string>{"started"});
}
