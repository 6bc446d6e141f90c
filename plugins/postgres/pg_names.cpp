#include "pg_names.hpp"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>

namespace fanout::postgres {
namespace {

constexpr size_t k_max_identifier = 63;

std::string hash8(const std::string& text) {
  std::uint32_t h = 2166136261u; // FNV-1a: stable across builds and platforms
  for (unsigned char c : text) h = (h ^ c) * 16777619u;
  char out[9];
  std::snprintf(out, sizeof out, "%08x", h);
  return out;
}

// Cuts at most `bytes` bytes without splitting a UTF-8 sequence.
std::string head(const std::string& text, size_t bytes) {
  if (text.size() <= bytes) return text;
  while (bytes > 0 && (static_cast<unsigned char>(text[bytes]) & 0xC0) == 0x80) --bytes;
  return text.substr(0, bytes);
}

bool uri_scheme(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

} // namespace

sdk::Result<ServerUrl> parse_server_url(const std::string& url) {
  if (!uri_scheme(url))
    return sdk::fail(sdk::FailureKind::invalid_input,
                     "the postgres connection URL must start with \"postgresql://\" or \"postgres://\"");
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (!options) {
    std::string why = error ? error : "cannot parse it";
    PQfreemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    return sdk::fail(sdk::FailureKind::invalid_input, "invalid postgres connection URL: " + why);
  }
  ServerUrl out;
  out.url = url;
  std::string host, port;
  for (auto* o = options; o->keyword; ++o) {
    const std::string key = o->keyword;
    const std::string value = o->val ? o->val : "";
    if (key == "dbname") out.database = value;
    else if (key == "user") out.user = value;
    else if (key == "host") host = value;
    else if (key == "port") port = value;
  }
  PQconninfoFree(options);
  out.server = (host.empty() ? "localhost" : host) + ":" + (port.empty() ? "5432" : port);
  // libpq's host may list several servers ("a,b"): local when any of them is.
  out.local = host.empty();
  for (size_t start = 0; !host.empty() && start <= host.size();) {
    const size_t comma = std::min(host.find(',', start), host.size());
    const std::string one = host.substr(start, comma - start);
    if (one.empty() || one.front() == '/' || one == "localhost" || one.rfind("127.", 0) == 0 || one == "::1" ||
        one == "[::1]")
      out.local = true;
    start = comma + 1;
  }
  return out;
}

std::string with_database(const std::string& url, const std::string& database) {
  std::string encoded = "/";
  for (unsigned char c : database) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                       c == '_' || c == '.' || c == '~';
    if (plain) {
      encoded += char(c);
    } else {
      static const char* hex = "0123456789ABCDEF";
      encoded += '%';
      encoded += hex[c >> 4];
      encoded += hex[c & 15];
    }
  }
  const size_t authority = url.find("://") + 3;
  const size_t query = url.find_first_of("?#", authority);
  const size_t path = url.find('/', authority);
  const size_t path_end = query == std::string::npos ? url.size() : query;
  if (path == std::string::npos || path > path_end) return url.substr(0, path_end) + encoded + url.substr(path_end);
  return url.substr(0, path) + encoded + url.substr(path_end);
}

std::string branch_prefix(const std::string& main) {
  if (main.size() <= 22) return main + "_fanout_";
  return head(main, 13) + "_" + hash8(main) + "_fanout_";
}

std::string database_name(const std::string& prefix, const std::string& branch) {
  if (prefix.size() + branch.size() <= k_max_identifier) return prefix + branch;
  return prefix + head(branch, k_max_identifier - prefix.size() - 9) + "_" + hash8(branch);
}

std::optional<std::string> branch_of(const std::string& prefix, const std::string& datname) {
  if (datname.size() <= prefix.size() || datname.compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string rest = datname.substr(prefix.size());
  for (char c : rest)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-')) return std::nullopt;
  return rest;
}

} // namespace fanout::postgres
