#include "tests/support/wait.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <thread>

namespace fanout::test {

namespace {

std::string timed_out(const std::string& what, std::chrono::milliseconds limit) {
  return "timed out after " + std::to_string(limit.count()) + " ms waiting for " + what;
}

} // namespace

bool poll_until(const std::function<bool()>& done, std::chrono::milliseconds limit, std::chrono::milliseconds tick) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(tick);
  }
  return done();
}

bool await_true(const std::string& what, const std::function<bool()>& done, std::chrono::milliseconds limit,
                std::chrono::milliseconds tick) {
  if (poll_until(done, limit, tick)) return true;
  UNSCOPED_INFO(timed_out(what, limit));
  return false;
}

void require_within(const std::string& what, const std::function<bool()>& done, std::chrono::milliseconds limit,
                    std::chrono::milliseconds tick) {
  if (!poll_until(done, limit, tick)) FAIL(timed_out(what, limit));
}

bool process_gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return true;
  std::string content((std::istreambuf_iterator<char>(stat)), {});
  const auto paren = content.rfind(')');
  return paren != std::string::npos && paren + 2 < content.size() && content[paren + 2] == 'Z';
}

bool await_process_gone(pid_t pid, std::chrono::milliseconds limit) {
  return await_true("process " + std::to_string(pid) + " to end", [&] { return process_gone(pid); }, limit);
}

bool wait_for_content(const std::filesystem::path& path, std::chrono::milliseconds limit) {
  return await_true("\"" + path.string() + "\" to be written", [&] { return !read_text(path).empty(); }, limit,
                    std::chrono::milliseconds(20));
}

} // namespace fanout::test
