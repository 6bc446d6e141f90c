// The dashboard's CSS: readable without colour, one column of cards on a phone.

#include "host/serve/page_assets.hpp"

namespace fanout::serve {

namespace {
constexpr std::string_view k_style = R"css(
:root { --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --bg: #fff; --soft: #f6f8fa; --accent: #0969da;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--fg); background: var(--bg); font-size: 15px; line-height: 1.45; }
header { display: flex; flex-wrap: wrap; gap: .5rem 1rem; align-items: baseline; padding: .6rem 1rem;
  border-bottom: 1px solid var(--line); background: var(--soft); }
header h1 { font-size: 1.1rem; margin: 0; }
header a { color: var(--accent); }
main { padding: .75rem 1rem 2rem; max-width: 80rem; }
a { color: var(--accent); }
.muted { color: var(--muted); }
.totals { display: flex; flex-wrap: wrap; gap: .4rem 1.2rem; margin: .25rem 0 .75rem; }
.controls { display: flex; flex-wrap: wrap; gap: .5rem 1rem; margin-bottom: .5rem; }
.controls label { display: inline-flex; gap: .35rem; align-items: center; }
select, button { font: inherit; padding: .3rem .6rem; border: 1px solid var(--line); border-radius: 6px; background: var(--bg); }
button { cursor: pointer; }
button.primary { border-color: var(--accent); color: var(--accent); font-weight: 600; }
button.danger { border-color: var(--bad); color: var(--bad); font-weight: 600; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .5rem; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: .85rem; color: var(--muted); font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.state { font-weight: 600; white-space: nowrap; }
.state[data-state=done] { color: var(--ok); }
.state[data-state=failed], .state[data-state=over_budget] { color: var(--bad); }
.state[data-state=needs_human] { color: var(--warn); }
.state[data-state=running] { color: var(--accent); }
tr.changed td { animation: flash 1s ease-out; }
@keyframes flash { from { background: #fff8c5; } to { background: transparent; } }
section { margin: 1.25rem 0; }
h2 { font-size: 1.05rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
h3 { font-size: .95rem; margin: .8rem 0 .3rem; }
pre { background: var(--soft); padding: .6rem; overflow-x: auto; white-space: pre-wrap; word-break: break-word;
  border-radius: 6px; font-size: .85rem; margin: .3rem 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem .8rem; }
dt { color: var(--muted); }
dd { margin: 0; word-break: break-all; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; margin: .5rem 0; }
.confirm { border: 2px solid var(--fg); border-radius: 8px; padding: .6rem .8rem; margin: .5rem 0; background: var(--soft); }
.confirm p { margin: 0 0 .5rem; }
.notice { padding: .5rem .8rem; border-radius: 6px; margin: .5rem 0; border: 1px solid var(--line); }
.notice.error { border-color: var(--bad); }
.notice.error::before { content: "\2716  refused: "; font-weight: 600; }
.notice.ok::before { content: "\2714  "; font-weight: 600; }
.entry { margin: .15rem 0; font-size: .88rem; }
.entry .who { color: var(--muted); font-size: .8rem; margin-right: .4rem; }
details { border-left: 3px solid var(--line); padding-left: .5rem; margin: .2rem 0; }
summary { cursor: pointer; font-family: ui-monospace, monospace; font-size: .85rem; }
.finding { margin: .2rem 0; }
.finding code { font-weight: 600; }
.diff-add { color: var(--ok); } .diff-del { color: var(--bad); } .diff-file { font-weight: 700; }
#live { font-size: .85rem; }
@media (max-width: 700px) {
  body { font-size: 16px; }
  main { padding: .5rem; }
  table, thead, tbody, tr, td { display: block; width: 100%; }
  thead { display: none; }
  tr { border: 1px solid var(--line); border-radius: 8px; margin: .5rem 0; padding: .3rem .4rem; }
  td { border: 0; padding: .15rem .3rem; display: flex; gap: .5rem; text-align: left; }
  td.num { text-align: left; }
  td::before { content: attr(data-label); color: var(--muted); min-width: 5.5rem; font-size: .85rem; }
  dl { grid-template-columns: 1fr; }
  dd { margin-bottom: .3rem; }
}
)css";
} // namespace

std::string_view page_style() { return k_style; }

} // namespace fanout::serve
