// The HTML around the dashboard's CSS and script, and the page that says why a request was
// refused.

#include "host/serve/page.hpp"

#include "host/serve/page_assets.hpp"

#include <fmt/format.h>

namespace fanout::serve {

std::string html_escape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
    case '&': out += "&amp;"; break;
    case '<': out += "&lt;"; break;
    case '>': out += "&gt;"; break;
    case '"': out += "&quot;"; break;
    case '\'': out += "&#39;"; break;
    default: out += c;
    }
  }
  return out;
}

std::string page_html(std::string_view nonce) {
  return fmt::format("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>fanout</title>\n<style nonce=\"{0}\">{1}</style></head>\n"
                     "<body><main><noscript>The dashboard needs JavaScript.</noscript></main>\n"
                     "<script nonce=\"{0}\">{2}</script></body></html>\n",
                     nonce, page_style(), page_script());
}

std::string refusal_html(int status, std::string_view message) {
  return fmt::format("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                     "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                     "<title>fanout: refused ({0})</title></head>\n"
                     "<body><h1>fanout dashboard: refused ({0})</h1>\n<p id=\"refusal\">{1}</p></body></html>\n",
                     status, html_escape(message));
}

} // namespace fanout::serve
