#include "host/pipeline/validate.hpp"

#include <atomic>
#include <condition_variable>
#include <list>
#include <mutex>
#include <thread>

namespace fanout::pipeline {

ValidationRound run_reviewers(const ReviewerFactory& make, const sdk::ReviewRequest& request,
                              const SessionContext& base_context, const std::filesystem::path& run_dir,
                              std::chrono::milliseconds timeout) {
  ValidationRound round;
  // The wrapped providers must outlive the reviewers that hold pointers to them.
  std::mutex wrapped_mutex;
  std::list<std::unique_ptr<MeteredAgent>> wrapped;
  AgentWrapper wrap = [&](std::string_view reviewer, std::string_view provider, sdk::AgentProvider& inner) {
    SessionContext context = base_context;
    context.label = "review-" + std::string(reviewer);
    context.transcript = run_dir / (context.label + ".jsonl");
    context.provider = std::string(provider);
    std::lock_guard lock(wrapped_mutex);
    wrapped.push_back(std::make_unique<MeteredAgent>(inner, context));
    return static_cast<sdk::AgentProvider*>(wrapped.back().get());
  };
  auto slots = make ? make(wrap) : sdk::Result<std::vector<ReviewerSlot>>(std::vector<ReviewerSlot>{});
  if (!slots.ok()) {
    round.failure = slots.failure().message;
    return round;
  }
  round.outcomes.resize(slots->size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < slots->size(); ++i) {
    threads.emplace_back([&, i] {
      ReviewerSlot& slot = (*slots)[i];
      ReviewOutcome& outcome = round.outcomes[i];
      outcome.reviewer = slot.name;
      sdk::CancelToken token = base_context.scope->child();
      // A reviewer has `timeout` to answer; its agent sessions get the same bound.
      sdk::ReviewRequest mine = request;
      std::atomic<bool> finished{false};
      std::mutex m;
      std::condition_variable cv;
      std::thread timer;
      if (timeout.count() > 0)
        timer = std::thread([&] {
          std::unique_lock lock(m);
          if (!cv.wait_for(lock, timeout, [&] { return finished.load(); })) token.cancel();
        });
      try {
        auto result = slot.reviewer ? slot.reviewer->review(mine, token)
                                    : sdk::Result<sdk::Review>(sdk::fail(sdk::FailureKind::error, "no reviewer"));
        if (result.ok()) outcome.review = std::move(*result);
        else outcome.failure = result.failure().message;
      } catch (const std::exception& e) {
        outcome.failure = std::string("reviewer threw: ") + e.what();
      } catch (...) {
        outcome.failure = "reviewer threw an unknown exception";
      }
      {
        std::lock_guard lock(m);
        finished = true;
      }
      cv.notify_all();
      if (timer.joinable()) timer.join();
      if (!outcome.review && token.cancelled() && outcome.failure.find("timed out") == std::string::npos &&
          !base_context.scope->cancelled() && timeout.count() > 0)
        outcome.failure = "timed out after " + std::to_string(timeout.count() / 1000) + "s: " + outcome.failure;
    });
  }
  for (auto& thread : threads) thread.join();
  return round;
}

} // namespace fanout::pipeline
