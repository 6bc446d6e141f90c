#pragma once
// What the fake GitHub server's route files share: GitHub's JSON answers and error bodies.

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

namespace fanout::test::github_wire {

inline constexpr const char* k_json = "application/json; charset=utf-8";

inline void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(body.dump(), k_json);
}

/// GitHub's error body: {"message", "documentation_url", "status"}.
inline nlohmann::json error_body(int status, const std::string& message) {
  return {{"message", message},
          {"documentation_url", "https://docs.github.com/rest"},
          {"status", std::to_string(status)}};
}

inline void send_error(httplib::Response& res, int status, const std::string& message) {
  send_json(res, status, error_body(status, message));
}

/// The request's JSON body; `is_discarded()` when it is not JSON.
inline nlohmann::json parse_body(const httplib::Request& req) {
  return nlohmann::json::parse(req.body, nullptr, false);
}

/// `{"login", "type"}` as GitHub's simple-user objects carry them.
inline nlohmann::json user_json(const std::string& login, const std::string& type = "User") {
  return {{"login", login},
          {"id", static_cast<long long>(std::hash<std::string>{}(login) % 100000000)},
          {"type", type}};
}

} // namespace fanout::test::github_wire
