#include "host/pipeline/live_view.hpp"

#include <fmt/format.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace fanout::pipeline {
namespace {

/// Cuts `text` to `width` display columns, counting UTF-8 code points as one column each.
std::string fit(const std::string& text, int width) {
  std::string out;
  int columns = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (columns == width) break;
      ++columns;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : text[i];
  }
  return out;
}

} // namespace

std::string format_elapsed(std::chrono::seconds elapsed) {
  const auto s = elapsed.count();
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
}

std::string format_tokens(std::int64_t tokens) {
  if (tokens < 1000) return std::to_string(tokens);
  if (tokens < 1000000) return fmt::format("{:.1f}k", static_cast<double>(tokens) / 1e3);
  return fmt::format("{:.1f}M", static_cast<double>(tokens) / 1e6);
}

LiveView::LiveView(std::ostream& out, bool tty, int width) : m_out(out), m_tty(tty), m_width(width) {}

LiveView::~LiveView() { stop(); }

void LiveView::expect(const std::vector<std::string>& issues) {
  std::lock_guard lock(m_mutex);
  for (const auto& issue : issues)
    if (m_rows.emplace(issue, Row{}).second) {
      m_order.push_back(issue);
      m_rows[issue].progress.issue = issue;
      m_rows[issue].progress.stage = "queued";
    }
}

int LiveView::width() const {
  if (m_width > 0) return m_width;
  winsize size{};
  if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS"); columns && std::atoi(columns) > 0) return std::atoi(columns);
  return 80;
}

void LiveView::update(const Progress& progress) {
  std::lock_guard lock(m_mutex);
  auto [it, added] = m_rows.emplace(progress.issue, Row{});
  if (added) m_order.push_back(progress.issue);
  Row& row = it->second;
  const auto now = Clock::now();
  if (!row.begun) {
    row.begun = true;
    row.started = now;
  }
  const std::string last = progress.last_event.empty() ? row.progress.last_event : progress.last_event;
  const std::string stage = progress.stage.empty() ? row.progress.stage : progress.stage;
  row.progress = progress;
  row.progress.last_event = last;
  row.progress.stage = stage;
  const bool ended = progress.state != RunState::running;
  if (ended && !row.finished) {
    row.finished = true;
    row.ended = now;
  }
  if (m_tty || !progress.stage_changed) return;
  const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(now - row.started);
  if (ended)
    m_out << fmt::format("{}: {} after {} ({} tokens, ${:.2f}){}\n", progress.issue, to_string(progress.state),
                         format_elapsed(elapsed), format_tokens(progress.tokens), progress.cost_usd,
                         progress.last_event.empty() || progress.last_event == to_string(progress.state)
                             ? ""
                             : ": " + progress.last_event);
  else
    m_out << fmt::format("{}: {} ({})\n", progress.issue, stage, format_elapsed(elapsed));
  m_out.flush();
}

std::vector<std::string> LiveView::lines(Clock::time_point now, int width) const {
  std::lock_guard lock(m_mutex);
  size_t key_width = 5;
  for (const auto& key : m_order) key_width = std::max(key_width, std::min<size_t>(key.size(), 16));
  std::vector<std::string> out;
  for (const auto& key : m_order) {
    const Row& row = m_rows.at(key);
    const auto& p = row.progress;
    const auto end = row.finished ? row.ended : now;
    const std::string elapsed =
        row.begun ? format_elapsed(std::chrono::duration_cast<std::chrono::seconds>(end - row.started)) : "-";
    const std::string what = p.state == RunState::running ? p.stage : std::string(to_string(p.state));
    out.push_back(fit(fmt::format("{:<{}} {:<12} {:>7} {:>7} {:>7}  {}", fit(key, int(key_width)), key_width,
                                  fit(what, 12), elapsed, format_tokens(p.tokens),
                                  fmt::format("${:.2f}", p.cost_usd), p.last_event),
                      width));
  }
  return out;
}

void LiveView::draw() {
  const auto rows = lines(Clock::now(), std::max(20, width() - 1));
  std::string frame;
  if (m_drawn > 0) frame += fmt::format("\x1b[{}A", m_drawn);
  for (const auto& line : rows) frame += "\r\x1b[2K" + line + "\n";
  m_out << frame;
  m_out.flush();
  m_drawn = rows.size();
}

void LiveView::start() {
  if (!m_tty || m_running) return;
  m_running = true;
  m_thread = std::thread([this] {
    std::unique_lock lock(m_mutex);
    while (m_running) {
      lock.unlock();
      draw();
      lock.lock();
      m_wake.wait_for(lock, std::chrono::milliseconds(250), [this] { return !m_running; });
    }
  });
}

void LiveView::stop() {
  {
    std::lock_guard lock(m_mutex);
    if (!m_running) return;
    m_running = false;
  }
  m_wake.notify_all();
  if (m_thread.joinable()) m_thread.join();
  draw();
}

} // namespace fanout::pipeline
