#pragma once
// LiveView: what `fanout run` shows while it works. On a terminal: one line per issue
// (key, stage, elapsed, tokens, cost, last event), redrawn in place a few times a second with
// ANSI cursor movement and cut to the terminal's width, so 20 issues stay readable. Not on a
// terminal: one plain line per stage change and per finished run, nothing redrawn.

#include "host/pipeline/services.hpp"

#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

namespace fanout::pipeline {

class LiveView final : public Observer {
public:
  using Clock = std::chrono::steady_clock;

  /// `tty`: redraw in place; `width`: columns (0 = ask the terminal, else 80).
  LiveView(std::ostream& out, bool tty, int width = 0);
  ~LiveView() override;

  /// Shows these issues as queued, in this order, before any of them starts.
  void expect(const std::vector<std::string>& issues);
  void update(const Progress& progress) override;
  /// Starts redrawing (terminal only); stop() draws the final state once and returns.
  void start();
  void stop();

  /// The lines a redraw would print now (no ANSI), each at most `width` columns.
  std::vector<std::string> lines(Clock::time_point now, int width) const;

private:
  struct Row {
    Progress progress;
    Clock::time_point started;
    Clock::time_point ended;
    bool begun = false;
    bool finished = false;
  };
  void draw();
  int width() const;

  std::ostream& m_out;
  bool m_tty;
  int m_width;
  mutable std::mutex m_mutex;
  std::vector<std::string> m_order;
  std::map<std::string, Row> m_rows;
  size_t m_drawn = 0;
  bool m_running = false;
  std::condition_variable m_wake;
  std::thread m_thread;
};

/// "1m05s", "12s", "1h02m".
std::string format_elapsed(std::chrono::seconds elapsed);
/// "12.3k", "950", "1.2M".
std::string format_tokens(std::int64_t tokens);

} // namespace fanout::pipeline
