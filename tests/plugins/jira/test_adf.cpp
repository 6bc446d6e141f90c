#include "plugins/jira/adf.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;
using fanout::jira::adf_to_markdown;
using fanout::jira::markdown_to_adf;

namespace {

struct ToMarkdown {
  const char* name;
  const char* adf; ///< the doc's content array
  const char* markdown;
};

// One row per node or mark; the ADF is the `content` of a doc.
const ToMarkdown k_to_markdown[] = {
    {"paragraphs", R"([{"type":"paragraph","content":[{"type":"text","text":"one"}]},
                      {"type":"paragraph","content":[{"type":"text","text":"two"}]}])",
     "one\n\ntwo"},
    {"headings", R"([{"type":"heading","attrs":{"level":2},"content":[{"type":"text","text":"Steps"}]}])", "## Steps"},
    {"marks", R"([{"type":"paragraph","content":[{"type":"text","text":"b","marks":[{"type":"strong"}]},{"type":"text","text":" "},
                  {"type":"text","text":"i","marks":[{"type":"em"}]},{"type":"text","text":" "},
                  {"type":"text","text":"c","marks":[{"type":"code"}]},{"type":"text","text":" "},
                  {"type":"text","text":"s","marks":[{"type":"strike"}]},{"type":"text","text":" "},
                  {"type":"text","text":"u","marks":[{"type":"underline"}]}]}])",
     "**b** *i* `c` ~~s~~ u"},
    {"links", R"([{"type":"paragraph","content":[{"type":"text","text":"docs","marks":[{"type":"link","attrs":{"href":"https://x.io"}}]}]}])",
     "[docs](https://x.io)"},
    {"bullet list", R"([{"type":"bulletList","content":[
                          {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]}]},
                          {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]}]}])",
     "- a\n- b"},
    {"ordered list with start", R"([{"type":"orderedList","attrs":{"order":3},"content":[
                          {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"c"}]}]},
                          {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"d"}]}]}]}])",
     "3. c\n4. d"},
    {"nested lists", R"([{"type":"bulletList","content":[{"type":"listItem","content":[
                          {"type":"paragraph","content":[{"type":"text","text":"outer"}]},
                          {"type":"orderedList","content":[{"type":"listItem","content":[
                            {"type":"paragraph","content":[{"type":"text","text":"inner"}]}]}]}]}]}])",
     "- outer\n  1. inner"},
    {"code block with language", R"j([{"type":"codeBlock","attrs":{"language":"python"},"content":[{"type":"text","text":"print(1)\nprint(2)"}]}])j",
     "```python\nprint(1)\nprint(2)\n```"},
    {"code block without language", R"([{"type":"codeBlock","content":[{"type":"text","text":"x"}]}])", "```\nx\n```"},
    {"blockquote", R"([{"type":"blockquote","content":[{"type":"paragraph","content":[{"type":"text","text":"q1"}]},
                       {"type":"paragraph","content":[{"type":"text","text":"q2"}]}]}])",
     "> q1\n>\n> q2"},
    {"rule", R"([{"type":"paragraph","content":[{"type":"text","text":"a"}]},{"type":"rule"},{"type":"paragraph","content":[{"type":"text","text":"b"}]}])",
     "a\n\n---\n\nb"},
    {"mention, emoji, hard break", R"([{"type":"paragraph","content":[{"type":"mention","attrs":{"id":"5b10","text":"@Ana Lima"}},
                       {"type":"text","text":" please look "},{"type":"emoji","attrs":{"shortName":":eyes:","text":"👀"}},
                       {"type":"hardBreak"},{"type":"mention","attrs":{"id":"5b11","text":"Bo"}},{"type":"emoji","attrs":{"shortName":":tada:"}}]}])",
     "@Ana Lima please look 👀\n@Bo:tada:"},
    {"inline card, date, status", R"([{"type":"paragraph","content":[{"type":"inlineCard","attrs":{"url":"https://x.io/1"}},{"type":"text","text":" "},
                       {"type":"date","attrs":{"timestamp":"1700000000000"}},{"type":"text","text":" "},
                       {"type":"status","attrs":{"text":"IN REVIEW","color":"blue"}}]}])",
     "<https://x.io/1> 2023-11-14 [IN REVIEW]"},
    {"panel", R"([{"type":"panel","attrs":{"panelType":"warning"},"content":[{"type":"paragraph","content":[{"type":"text","text":"careful"}]}]}])",
     "> **Warning:** careful"},
    {"table degrades to a markdown table", R"([{"type":"table","content":[
                       {"type":"tableRow","content":[{"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Field"}]}]},
                                                     {"type":"tableHeader","content":[{"type":"paragraph","content":[{"type":"text","text":"Value"}]}]}]},
                       {"type":"tableRow","content":[{"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"a|b"}]}]},
                                                     {"type":"tableCell","content":[{"type":"paragraph","content":[{"type":"text","text":"1"}]},
                                                                                   {"type":"paragraph","content":[{"type":"text","text":"2"}]}]}]}]}])",
     "| Field | Value |\n| --- | --- |\n| a\\|b | 1 2 |"},
    {"media becomes a placeholder", R"([{"type":"mediaSingle","content":[{"type":"media","attrs":{"type":"file","id":"x","alt":"screenshot.png"}}]}])",
     "[attachment: screenshot.png]"},
    {"expand keeps title and body", R"([{"type":"expand","attrs":{"title":"Logs"},"content":[{"type":"paragraph","content":[{"type":"text","text":"trace"}]}]}])",
     "**Logs**\n\ntrace"},
    {"unknown nodes keep their text", R"([{"type":"decisionList","content":[{"type":"decisionItem","content":[{"type":"text","text":"ship it"}]}]}])",
     "ship it"},
};

struct ToAdf {
  const char* name;
  const char* markdown;
  const char* adf; ///< the expected doc's content array
};

const ToAdf k_to_adf[] = {
    {"paragraph with hard breaks", "line one\nline two",
     R"([{"type":"paragraph","content":[{"type":"text","text":"line one"},{"type":"hardBreak"},{"type":"text","text":"line two"}]}])"},
    {"heading", "### Plan", R"([{"type":"heading","attrs":{"level":3},"content":[{"type":"text","text":"Plan"}]}])"},
    {"marks", "**b** *i* `c` ~~s~~",
     R"([{"type":"paragraph","content":[{"type":"text","text":"b","marks":[{"type":"strong"}]},{"type":"text","text":" "},
         {"type":"text","text":"i","marks":[{"type":"em"}]},{"type":"text","text":" "},{"type":"text","text":"c","marks":[{"type":"code"}]},
         {"type":"text","text":" "},{"type":"text","text":"s","marks":[{"type":"strike"}]}]}])"},
    {"links and bare urls", "PR: [#7](https://github.com/a/b/pull/7) or https://x.io/p.",
     R"([{"type":"paragraph","content":[{"type":"text","text":"PR: "},
         {"type":"text","text":"#7","marks":[{"type":"link","attrs":{"href":"https://github.com/a/b/pull/7"}}]},
         {"type":"text","text":" or "},{"type":"text","text":"https://x.io/p","marks":[{"type":"link","attrs":{"href":"https://x.io/p"}}]},
         {"type":"text","text":"."}]}])"},
    {"bold link", "**[x](https://x.io)**",
     R"([{"type":"paragraph","content":[{"type":"text","text":"x","marks":[{"type":"strong"},{"type":"link","attrs":{"href":"https://x.io"}}]}]}])"},
    {"nested lists", "- a\n  1. b\n  2. c\n- d",
     R"([{"type":"bulletList","content":[
         {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"a"}]},
           {"type":"orderedList","content":[
             {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"b"}]}]},
             {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"c"}]}]}]}]},
         {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"d"}]}]}]}])"},
    {"ordered list from 2", "2. x\n3. y",
     R"([{"type":"orderedList","attrs":{"order":2},"content":[
         {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"x"}]}]},
         {"type":"listItem","content":[{"type":"paragraph","content":[{"type":"text","text":"y"}]}]}]}])"},
    {"fenced code with language", "```cpp\nint x = 1;\n\nreturn x;\n```",
     R"([{"type":"codeBlock","attrs":{"language":"cpp"},"content":[{"type":"text","text":"int x = 1;\n\nreturn x;"}]}])"},
    {"blockquote and rule", "> quoted\n\n---",
     R"([{"type":"blockquote","content":[{"type":"paragraph","content":[{"type":"text","text":"quoted"}]}]},{"type":"rule"}])"},
    {"snake_case is not italic", "use my_var_name here",
     R"([{"type":"paragraph","content":[{"type":"text","text":"use my_var_name here"}]}])"},
    {"empty input is an empty paragraph", "", R"([{"type":"paragraph","content":[]}])"},
};

} // namespace

TEST_CASE("adf to markdown: table of cases", "[jira][adf]") {
  for (const auto& row : k_to_markdown) {
    SECTION(row.name) {
      json doc = {{"type", "doc"}, {"version", 1}, {"content", json::parse(row.adf)}};
      CHECK(adf_to_markdown(doc) == row.markdown);
    }
  }
}

TEST_CASE("adf to markdown: null, strings and non-docs", "[jira][adf]") {
  CHECK(adf_to_markdown(json()) == "");
  CHECK(adf_to_markdown(json("plain v2 text")) == "plain v2 text");
  CHECK(adf_to_markdown(json::array()) == "");
}

TEST_CASE("markdown to adf: table of cases", "[jira][adf]") {
  for (const auto& row : k_to_adf) {
    SECTION(row.name) {
      json doc = markdown_to_adf(row.markdown);
      CHECK(doc["type"] == "doc");
      CHECK(doc["version"] == 1);
      CHECK(doc["content"] == json::parse(row.adf));
    }
  }
}

TEST_CASE("markdown to adf: what fanout writes survives a round trip", "[jira][adf]") {
  const std::string comment = "## fanout\n\nOpened [#12](https://github.com/acme/widgets/pull/12) for this issue.\n\n"
                              "- **tests**: passed\n- *review*: 2 findings fixed\n\n```sh\nnpm test\n```";
  CHECK(adf_to_markdown(markdown_to_adf(comment)) == comment);
}
