#include <fanout/sdk/prompt_template.hpp>

#include <catch2/catch.hpp>

using fanout::sdk::render_template;
using fanout::sdk::TemplateValues;

TEST_CASE("prompt template: placeholders and sections", "[prompt-template]") {
  const TemplateValues values{{"issue.key", "7"}, {"issue.title", "Add /health"}, {"plan", ""},
                              {"diff", "+x {{issue.key}}"}};
  struct Case {
    const char* text;
    const char* expected;
  };
  const Case cases[] = {
      {"#{{issue.key}}: {{issue.title}}", "#7: Add /health"},
      {"{{ unknown }} {{missing.name}} {{", "{{ unknown }} {{missing.name}} {{"},
      {"values are not expanded again: {{diff}}", "values are not expanded again: +x {{issue.key}}"},
      {"a{{#issue.key}} key={{issue.key}}{{/issue.key}}b", "a key=7b"},
      {"a{{#plan}}PLAN{{/plan}}b{{^plan}}no plan{{/plan}}", "ab" "no plan"},
      {"{{#pr.url}}\nPR: {{pr.url}}\n{{/pr.url}}\nnext", "next"},
      {"{{#plan}}unclosed", "{{#plan}}unclosed"},
      {"{{#issue.title}}{{^plan}}nested{{/plan}}{{/issue.title}}", "nested"},
  };
  for (const auto& c : cases) {
    INFO(c.text);
    CHECK(render_template(c.text, values) == c.expected);
  }
}
