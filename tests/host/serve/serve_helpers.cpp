#include "serve_helpers.hpp"

#include "tests/support/paths.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <regex>
#include <sstream>

extern char** environ;

namespace fanout::test {

namespace {

pid_t spawn_serve(const std::filesystem::path& repo, const std::vector<std::string>& args,
                  const std::vector<std::string>& env, int& out_fd) {
  std::vector<std::string> argv{fanout_executable().string(), "-C", repo.string(), "serve"};
  argv.insert(argv.end(), args.begin(), args.end());
  int pipe_fds[2];
  REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(pipe_fds[1], 1);
    ::dup2(pipe_fds[1], 2);
    std::vector<char*> c_argv, c_env;
    for (const auto& a : argv) c_argv.push_back(const_cast<char*>(a.c_str()));
    c_argv.push_back(nullptr);
    if (env.empty()) {
      ::execv(c_argv[0], c_argv.data());
    } else {
      for (const auto& e : env) c_env.push_back(const_cast<char*>(e.c_str()));
      c_env.push_back(nullptr);
      ::execve(c_argv[0], c_argv.data(), c_env.data());
    }
    ::_exit(127);
  }
  ::close(pipe_fds[1]);
  out_fd = pipe_fds[0];
  return pid;
}

} // namespace

Served::Served(const std::filesystem::path& repo, const std::vector<std::string>& args,
               const std::vector<std::string>& env) {
  m_pid = spawn_serve(repo, args, env, m_out);
  m_reader = std::thread([this] {
    char chunk[4096];
    ssize_t n;
    while ((n = ::read(m_out, chunk, sizeof chunk)) > 0) {
      std::lock_guard lock(m_mutex);
      m_output.append(chunk, static_cast<size_t>(n));
      m_grew.notify_all();
    }
    std::lock_guard lock(m_mutex);
    m_closed = true;
    m_grew.notify_all();
  });
  INFO(output());
  REQUIRE(wait_output("dashboard at "));
  std::smatch match;
  const std::string text = output();
  static const std::regex k_url(R"(dashboard at (http://[^/]+:(\d+))/\?token=([0-9a-f]+))");
  REQUIRE(std::regex_search(text, match, k_url));
  url = match[0].str().substr(std::string("dashboard at ").size());
  base = match[1].str();
  port = std::stoi(match[2].str());
  token = match[3].str();
}

Served::~Served() {
  stop();
  if (m_reader.joinable()) m_reader.join();
  ::close(m_out);
}

int Served::stop() {
  if (m_pid > 0) {
    ::kill(m_pid, SIGINT);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    m_pid = -1;
  }
  return m_status;
}

std::string Served::output() const {
  std::lock_guard lock(m_mutex);
  return m_output;
}

bool Served::wait_output(const std::string& text) const {
  std::unique_lock lock(m_mutex);
  return m_grew.wait_for(lock, std::chrono::seconds(20),
                         [&] { return m_output.find(text) != std::string::npos || m_closed; }) &&
         m_output.find(text) != std::string::npos;
}

std::pair<int, std::string> serve_failing(const std::filesystem::path& repo, const std::vector<std::string>& args) {
  int out = -1;
  const pid_t pid = spawn_serve(repo, args, {}, out);
  std::string text;
  char chunk[4096];
  ssize_t n;
  while ((n = ::read(out, chunk, sizeof chunk)) > 0) text.append(chunk, static_cast<size_t>(n));
  ::close(out);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), text};
}

EventReader::EventReader(const std::string& base, const std::string& target, Handler on_event,
                         std::chrono::milliseconds timeout)
    : m_on_event(std::move(on_event)) {
  m_thread = std::thread([this, base, target, timeout] {
    httplib::Client client(base);
    client.set_read_timeout(std::chrono::duration_cast<std::chrono::seconds>(timeout).count() + 1, 0);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string buffer;
    client.Get(target, [&](const char* data, size_t size) {
      buffer.append(data, size);
      size_t end;
      while ((end = buffer.find("\n\n")) != std::string::npos) {
        const std::string block = buffer.substr(0, end);
        buffer.erase(0, end + 2);
        std::string name, payload;
        std::istringstream lines(block);
        std::string line;
        while (std::getline(lines, line)) {
          if (line.rfind("event: ", 0) == 0) name = line.substr(7);
          if (line.rfind("data: ", 0) == 0) payload += line.substr(6);
        }
        if (name.empty()) continue; // a keep-alive comment
        const bool accepted = m_on_event(name, nlohmann::json::parse(payload));
        std::lock_guard lock(m_mutex);
        m_first = true;
        m_changed.notify_all();
        if (accepted) {
          m_accepted = true;
          return false;
        }
      }
      return std::chrono::steady_clock::now() < deadline;
    });
    std::lock_guard lock(m_mutex);
    m_done = true;
    m_changed.notify_all();
  });
}

EventReader::~EventReader() {
  if (m_thread.joinable()) m_thread.join();
}

bool EventReader::connected() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_first || m_done; });
  return m_first;
}

bool EventReader::wait() {
  std::unique_lock lock(m_mutex);
  m_changed.wait(lock, [&] { return m_done; });
  return m_accepted;
}

} // namespace fanout::test
