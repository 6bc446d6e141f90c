#include "host/services/http_retry.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <ctime>
#include <random>

namespace fanout::services {

using namespace std::chrono;

namespace {

bool all_digits(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t start = 0;
  while (start < s.size() && std::isspace(static_cast<unsigned char>(s[start]))) ++start;
  return s.substr(start);
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// First present header among `names`.
std::string first_header(const sdk::HttpResponse& r, std::initializer_list<const char*> names) {
  for (const char* name : names) {
    std::string value = trim(r.header(name));
    if (!value.empty()) return value;
  }
  return {};
}

bool graphql_rate_limited(const sdk::HttpResponse& r) {
  if (r.body.find("RATELIMITED") == std::string::npos) return false;
  auto doc = nlohmann::json::parse(r.body, nullptr, false);
  if (doc.is_discarded() || !doc.is_object() || !doc.contains("errors") || !doc["errors"].is_array()) return false;
  for (const auto& error : doc["errors"]) {
    if (!error.is_object()) continue;
    auto ext = error.find("extensions");
    if (ext != error.end() && ext->is_object() && ext->value("code", "") == "RATELIMITED") return true;
  }
  return false;
}

milliseconds until(system_clock::time_point when, system_clock::time_point now) {
  auto wait = duration_cast<milliseconds>(when - now);
  return wait < milliseconds(0) ? milliseconds(0) : wait;
}

} // namespace

std::optional<milliseconds> parse_retry_after(const std::string& raw, system_clock::time_point now) {
  std::string value = trim(raw);
  if (value.empty()) return std::nullopt;
  if (all_digits(value)) return seconds(std::stoll(value.substr(0, 12)));
  std::tm tm{};
  if (const char* end = strptime(value.c_str(), "%a, %d %b %Y %H:%M:%S", &tm); end != nullptr) {
    return until(system_clock::from_time_t(timegm(&tm)), now);
  }
  return std::nullopt;
}

std::optional<system_clock::time_point> parse_reset(const std::string& raw) {
  std::string value = trim(raw);
  if (value.empty()) return std::nullopt;
  if (all_digits(value)) {
    long long number = std::stoll(value.substr(0, 15));
    if (number > 1'000'000'000'000LL) return system_clock::time_point(milliseconds(number));
    return system_clock::time_point(seconds(number));
  }
  std::tm tm{};
  const char* end = strptime(value.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (end == nullptr) return std::nullopt;
  auto when = system_clock::from_time_t(timegm(&tm));
  // Skip fractional seconds, then apply a "+hh:mm" / "-hhmm" offset; "Z" means UTC.
  std::string rest = end;
  size_t i = 0;
  if (i < rest.size() && rest[i] == '.')
    for (++i; i < rest.size() && std::isdigit(static_cast<unsigned char>(rest[i])); ++i) {}
  if (i < rest.size() && (rest[i] == '+' || rest[i] == '-')) {
    int sign = rest[i] == '+' ? 1 : -1;
    std::string digits;
    for (++i; i < rest.size(); ++i)
      if (std::isdigit(static_cast<unsigned char>(rest[i]))) digits += rest[i];
    if (digits.size() == 4) {
      auto offset = hours(std::stoi(digits.substr(0, 2))) + minutes(std::stoi(digits.substr(2, 2)));
      when -= sign * offset;
    }
  }
  return when;
}

RetryAdvice classify(const sdk::HttpResponse& r, system_clock::time_point now) {
  RetryAdvice advice;
  std::string retry_after = first_header(r, {"Retry-After"});
  std::string remaining = first_header(r, {"x-ratelimit-remaining", "x-ratelimit-requests-remaining"});
  std::string reset = first_header(r, {"x-ratelimit-reset", "x-ratelimit-requests-reset"});

  bool limited = r.status == 429;
  if (r.status == 403)
    limited = !retry_after.empty() || remaining == "0" || lower(r.body).find("rate limit") != std::string::npos;
  if (r.status == 400) limited = graphql_rate_limited(r);

  if (limited) {
    advice.reason = RetryReason::rate_limited;
  } else if (r.status >= 500 && r.status <= 599) {
    advice.reason = RetryReason::server_error;
  } else {
    return advice;
  }

  if (auto when = parse_reset(reset)) advice.resets_at = format_utc(*when);
  if (auto wait = parse_retry_after(retry_after, now)) {
    advice.server_wait = *wait;
    if (advice.resets_at.empty()) advice.resets_at = format_utc(now + *wait);
  } else if (advice.reason == RetryReason::rate_limited && remaining == "0") {
    if (auto when = parse_reset(reset)) advice.server_wait = until(*when, now) + seconds(1);
  } else if (advice.reason == RetryReason::rate_limited && r.status == 403) {
    // GitHub's secondary limit without hints: its docs say wait at least a minute.
    advice.server_wait = seconds(60);
    advice.resets_at = format_utc(now + seconds(60));
  }
  return advice;
}

milliseconds backoff(int attempt, milliseconds base, milliseconds cap) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  double full = static_cast<double>(base.count()) * static_cast<double>(1LL << std::min(attempt, 20));
  full = std::min(full, static_cast<double>(cap.count()));
  std::uniform_real_distribution<double> jitter(0.5, 1.0);
  return milliseconds(static_cast<long long>(full * jitter(rng)));
}

std::string format_utc(system_clock::time_point when) {
  std::time_t t = system_clock::to_time_t(when);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buffer;
}

std::string format_duration(milliseconds d) {
  long long ms = d.count();
  if (ms < 60'000) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.1fs", static_cast<double>(ms) / 1000.0);
    std::string s = buffer;
    if (s.size() > 3 && s.compare(s.size() - 3, 3, ".0s") == 0) s.erase(s.size() - 3, 2);
    return s;
  }
  long long minutes_total = ms / 60'000;
  if (minutes_total < 60) return std::to_string(minutes_total) + "m";
  std::string s = std::to_string(minutes_total / 60) + "h";
  if (minutes_total % 60) s += " " + std::to_string(minutes_total % 60) + "m";
  return s;
}

} // namespace fanout::services
