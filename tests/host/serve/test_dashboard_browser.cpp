// The dashboard in a real headless Chromium, against runs driven by the real `fanout` with
// the fake agents (tests/support/e2e): live stages, a streaming transcript, and the approve,
// cancel, resume and review buttons, which refuse a request without the token.

#include "serve_helpers.hpp"

#include "host/pipeline/run_store.hpp"
#include "host/state/state_db.hpp"
#include "host/workspace/store.hpp"
#include "tests/support/chromium.hpp"
#include "tests/support/e2e.hpp"
#include "tests/support/paths.hpp"
#include "tests/support/wait.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <thread>

#include <signal.h>

using namespace fanout;
using namespace fanout::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

/// Resolves with the value of `predicate` (a JS expression) once it is truthy, re-checking
/// on every change of the document; rejects after `timeout_ms` with what the page shows.
json wait_for(Chromium& browser, const std::string& session, const std::string& predicate, int timeout_ms = 20000) {
  const std::string script = R"js(new Promise((resolve, reject) => {
    const check = () => { let v; try { v = ()js" + predicate + R"js(); } catch (e) { v = null; }
      if (v) { observer.disconnect(); clearTimeout(timer); resolve(v); } };
    const observer = new MutationObserver(check);
    observer.observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
    const timer = setTimeout(() => { observer.disconnect();
      reject(new Error('timed out waiting for ' + )js" + json(predicate).dump() +
                             R"js( + '; the page shows: ' + document.body.innerText.slice(0, 3000))); }, )js" +
                             std::to_string(timeout_ms) + R"js();
    check();
  }))js";
  return browser.evaluate(session, script, std::chrono::milliseconds(timeout_ms + 2000));
}

/// Clicks the action button, then the confirmation's "yes"; returns the notice it shows.
json act(Chromium& browser, const std::string& session, const std::string& action) {
  browser.evaluate(session, "document.getElementById('notice').textContent = ''; document.getElementById('notice').className = '';"
                            "document.querySelector('[data-action=" + action + "]').click(); true");
  // The confirmation is in the page (no browser dialog); nothing is posted before "yes".
  wait_for(browser, session, "document.querySelector('[data-confirm=" + action + "]')");
  browser.evaluate(session, "document.querySelector('[data-confirm=" + action + "]').click(); true");
  return wait_for(browser, session,
                  "document.getElementById('notice').textContent && [document.getElementById('notice').className, "
                  "document.getElementById('notice').textContent]");
}

std::string js_text(const std::string& selector) {
  return "(document.querySelector(" + json(selector).dump() + ") || {}).textContent || ''";
}

/// The pid in an action's answer: 'started "fanout resume 1" as process 123 (output: ...)'.
std::int64_t started_pid(const json& notice) {
  const std::string text = notice[1].get<std::string>();
  const auto at = text.find("as process ");
  REQUIRE(at != std::string::npos);
  return std::stoll(text.substr(at + 11));
}

/// Blocks until process `pid` (a command the dashboard started) is gone and no fanout
/// process drives `issue` any more.
void wait_settled(E2e& e2e, const std::string& issue, std::int64_t pid = 0) {
  // Another process's life; nothing to block on but its pid.
  const bool settled = test::poll_until(
      [&] {
        auto run = pipeline::RunStore(state::StateDb::path_for(e2e.repo)).get(issue);
        return !workspace::process_alive(pid) && run && run->state != pipeline::RunState::running &&
               !workspace::process_alive(run->pid);
      },
      std::chrono::seconds(60), std::chrono::milliseconds(50));
  if (!settled) FAIL("run " << issue << " still running after 60 s");
}

} // namespace

TEST_CASE("dashboard in Chromium: live stages, a streaming transcript, approve, cancel, resume and review", "[serve][browser]") {
  E2e e2e;
  e2e.append_config("approve_plan = true\nfleet_max_cost_usd = 5.0\n");
  auto planned = e2e.fanout({"run", "1", "2"});
  INFO(planned.out << planned.err);
  REQUIRE(planned.exit_code == 1); // both wait for plan approval
  e2e.script("BUILD-1", R"({"mode": "hang", "once": true})");

  Served served(e2e.repo, {}, e2e.environment());
  Chromium browser;
  const std::string fleet = browser.open(served.url);
  wait_for(browser, fleet, "document.querySelectorAll('#runs tr').length === 2");
  CHECK(browser.evaluate(fleet, js_text("tr[data-issue='1'] span.state")) == "\u270B needs human");
  CHECK(browser.evaluate(fleet, js_text("tr[data-issue='1'] .title")) == "add a health endpoint");
  CHECK(browser.evaluate(fleet, js_text("tr[data-issue='2'] .stage")) == "approve_plan");
  // Totals and the budget used, and sorting by issue.
  const std::string totals = browser.evaluate(fleet, js_text("#totals"));
  CHECK(totals.find("2 run(s)") != std::string::npos);
  CHECK(totals.find("\u270B 2 needs human") != std::string::npos);
  CHECK(totals.find("fleet budget: $0.02 of $5.00 (0%)") != std::string::npos);
  browser.evaluate(fleet, "(s => { s.value = 'issue'; s.dispatchEvent(new Event('change')); return true; })(document.getElementById('sort'))");
  CHECK(browser.evaluate(fleet, "[...document.querySelectorAll('#runs tr')].map(r => r.dataset.issue).join(' ')") == "1 2");

  {
    // The fleet page shows a new stage within a second of the state store changing.
    browser.evaluate(fleet, R"js(window.stageSeenAt = null;
      new MutationObserver(() => { const cell = document.querySelector("tr[data-issue='2'] .stage");
        if (!window.stageSeenAt && cell && cell.textContent === 'publish') window.stageSeenAt = Date.now(); })
        .observe(document, { subtree: true, childList: true, characterData: true }); true)js");
    const auto written = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
    pipeline::RunStore(state::StateDb::path_for(e2e.repo)).enter_stage("2", "publish");
    const auto seen = wait_for(browser, fleet, "window.stageSeenAt", 5000).get<std::int64_t>();
    INFO("shown " << seen - written << " ms after the write");
    CHECK(seen - written < 1000);
    // Filtering by state keeps only the matching rows.
    browser.evaluate(fleet, "(f => { f.value = 'done'; f.dispatchEvent(new Event('change')); return true; })(document.getElementById('filter'))");
    CHECK(browser.evaluate(fleet, "document.querySelectorAll('#runs tr').length") == 0);
    browser.evaluate(fleet, "(f => { f.value = ''; f.dispatchEvent(new Event('change')); return true; })(document.getElementById('filter'))");
    CHECK(browser.evaluate(fleet, "document.querySelectorAll('#runs tr').length") == 2);
  }

  {
    // Approve, cancel and resume from the run page, which streams the transcript; refused
    // without the token.
    const std::string page = browser.open(served.base + "/run?issue=1&token=" + served.token);
    wait_for(browser, page, js_text("#run-stage") + " === 'approve_plan'");
    CHECK(browser.evaluate(page, js_text("#plan")) == "1. change app.py for issue 1");

    // A request from the page without the token, or with a wrong one, changes nothing.
    const auto refused = browser.evaluate(page, R"js((async () => {
      const plain = await fetch('/api/actions/approve', { method: 'POST', body: JSON.stringify({ issue: '1' }),
        headers: { 'Content-Type': 'application/json' } });
      const wrong = await fetch('/api/actions/approve', { method: 'POST', body: JSON.stringify({ issue: '1' }),
        headers: { 'Content-Type': 'application/json', 'X-Fanout-Token': 'f'.repeat(64) } });
      return [plain.status, (await plain.json()).error, wrong.status, (await wrong.json()).error];
    })())js");
    CHECK(refused[0] == 401);
    CHECK(refused[1] == "missing access token: open the address that \"fanout serve\" printed (it ends in ?token=...)");
    CHECK(refused[2] == 403);
    CHECK(pipeline::RunStore(state::StateDb::path_for(e2e.repo)).get("1")->stage == "approve_plan");

    auto approved = act(browser, page, "approve");
    CHECK(approved[0] == "notice ok");
    CHECK(approved[1].get<std::string>().rfind("started \"fanout approve 1\" as process ", 0) == 0);
    // The build starts (and hangs): its transcript streams into the open page.
    wait_for(browser, page, js_text("#run-stage") + " === 'build'");
    wait_for(browser, page, "document.querySelector('[data-transcript=build] .entry')");
    CHECK(e2e.wait_for_call("BUILD 1"));
    // The fleet page follows too.
    wait_for(browser, fleet, js_text("tr[data-issue='1'] .stage") + " === 'build'");

    auto cancelled = act(browser, page, "cancel");
    CHECK(cancelled[0] == "notice ok");
    CHECK(cancelled[1].get<std::string>().rfind("asked process ", 0) == 0);
    wait_for(browser, page, js_text("#run-state") + " === '\u25A0 cancelled'");
    wait_settled(e2e, "1");

    auto resumed = act(browser, page, "resume");
    CHECK(resumed[1].get<std::string>().rfind("started \"fanout resume 1\" as process ", 0) == 0);
    const auto resumer = started_pid(resumed);
    // The resumed build writes files: its tool calls arrive folded in <details>.
    wait_for(browser, page, "document.querySelector('[data-transcript=build] details.tool summary')");
    CHECK(browser.evaluate(page, "document.querySelector('[data-transcript=build] details.tool').open") == false);
    wait_for(browser, page, js_text("#run-state") + " === '\u2714 done'", 60000);
    wait_settled(e2e, "1", resumer);
    wait_for(browser, page, "document.querySelector('.review[data-reviewer] .verdict')");
    wait_for(browser, page, js_text("#diff") + ".includes('feature-1.txt')");
    CHECK(browser.evaluate(fleet, js_text("tr[data-issue='1'] .pr")) == "PR");

    auto reviewed = act(browser, page, "review");
    CHECK(reviewed[1].get<std::string>().rfind("started \"fanout review 1\" as process ", 0) == 0);
    wait_settled(e2e, "1", started_pid(reviewed));
    // Asking again for what the run cannot do shows the command's own refusal.
    auto again = act(browser, page, "approve");
    CHECK(again[0] == "notice error");
    CHECK(again[1] == "run \"1\" is not waiting for plan approval (it is done at stage \"report\")");
  }
  {
    // A server restarted on the same port has a new token: the open page says so.
    const int port = served.port;
    served.stop();
    wait_for(browser, fleet, js_text("#live") + ".includes('reconnecting')");
    Served restarted(e2e.repo, {"--port", std::to_string(port)}, e2e.environment());
    CHECK(restarted.token != served.token);
    wait_for(browser, fleet, js_text("#live") + " === '\u2716 disconnected: the server refused this page (restarted? open "
                                                "the address it printed)'");
  }
}

// Not part of the suite: makes the screenshots in docs/ (FANOUT_SCREENSHOTS=<dir> to write
// elsewhere). Run: tests_host_serve "[.screenshots]"
TEST_CASE("dashboard screenshots for the docs", "[.screenshots]") {
  E2e e2e;
  e2e.script("BUILD-3", R"({"mode": "is_error"})");
  auto ran = e2e.fanout({"run", "1", "2", "3"});
  INFO(ran.out << ran.err);
  e2e.script("BUILD-3", R"({"mode": "hang"})");
  const pid_t live = e2e.start({"resume", "3"});
  REQUIRE(e2e.wait_for_call("BUILD 3", 2));
  const char* dir = std::getenv("FANOUT_SCREENSHOTS");
  const fs::path out = dir ? fs::path(dir) : source_dir() / "docs" / "images";
  fs::create_directories(out);
  Served served(e2e.repo, {}, e2e.environment());
  Chromium browser;
  const std::string fleet = browser.open(served.url, 1200, 420);
  wait_for(browser, fleet, "document.querySelectorAll('#runs tr').length === 3");
  browser.screenshot(fleet, out / "dashboard-fleet.png");
  const std::string run = browser.open(served.base + "/run?issue=2&token=" + served.token, 1000, 900);
  wait_for(browser, run, js_text("#diff") + ".includes('fixed.txt')");
  wait_for(browser, run, "document.querySelector('[data-transcript=fix-1] details.tool')");
  browser.screenshot(run, out / "dashboard-run.png");
  const std::string phone = browser.open(served.url, 390, 700, true);
  wait_for(browser, phone, "document.querySelectorAll('#runs tr').length === 3");
  browser.screenshot(phone, out / "dashboard-phone.png");
  ::kill(live, SIGINT);
  e2e.wait(live);
}
