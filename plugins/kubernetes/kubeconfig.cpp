#include "kubeconfig.hpp"

#include "support/json_access.hpp"

#include <yaml-cpp/yaml.h>

#include <pwd.h>
#include <unistd.h>

#include <ctime>
#include <fstream>
#include <sstream>

namespace fanout::kubernetes {

namespace fs = std::filesystem;
using sdk::FailureKind;

namespace {

std::optional<std::string> read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string str(const YAML::Node& node, const char* key) {
  const YAML::Node value = node[key];
  return value && value.IsScalar() ? value.as<std::string>() : std::string();
}

/// The entry named `name` of a kubeconfig list (contexts, clusters, users).
YAML::Node named(const YAML::Node& list, const std::string& name, const char* field) {
  if (!list || !list.IsSequence()) return {};
  for (const auto& item : list)
    if (item.IsMap() && str(item, "name") == name) return item[field];
  return {};
}

std::string names(const YAML::Node& list) {
  std::string out;
  if (list && list.IsSequence())
    for (const auto& item : list)
      if (item.IsMap()) out += (out.empty() ? "\"" : ", \"") + str(item, "name") + "\"";
  return out.empty() ? "none" : out;
}

/// A PEM from `<field>-data` (base64) or `<field>` (a file, relative to the kubeconfig).
sdk::Result<std::string> pem(const YAML::Node& node, const std::string& field, const fs::path& base,
                             const std::string& where) {
  if (auto data = str(node, (field + "-data").c_str()); !data.empty()) {
    auto decoded = decode_base64(data);
    if (!decoded) return sdk::fail(FailureKind::invalid_input, where + ": " + field + "-data is not base64");
    return *decoded;
  }
  if (auto file = str(node, field.c_str()); !file.empty()) {
    fs::path path = fs::path(file).is_absolute() ? fs::path(file) : base / file;
    auto text = read_file(path);
    if (!text) return sdk::fail(FailureKind::not_found, where + ": cannot read " + field + " \"" + path.string() + "\"");
    return *text;
  }
  return std::string();
}

/// Runs a client-go exec credential plugin and reads its ExecCredential.
sdk::Result<void> run_exec(const YAML::Node& exec, const fs::path& base, sdk::Host& host, Cluster& cluster,
                           const sdk::CancelToken& cancel, const std::string& where) {
  sdk::ProcessSpec spec;
  const std::string command = str(exec, "command");
  if (command.empty()) return sdk::fail(FailureKind::invalid_input, where + ": exec has no command");
  // A relative command with a slash is relative to the kubeconfig, as client-go does.
  spec.argv.push_back(command.find('/') != std::string::npos && fs::path(command).is_relative() ? (base / command).string() : command);
  if (const auto args = exec["args"]; args && args.IsSequence())
    for (const auto& arg : args) spec.argv.push_back(arg.as<std::string>());
  if (const auto env = exec["env"]; env && env.IsSequence())
    for (const auto& item : env) spec.env[str(item, "name")] = str(item, "value");
  std::string api_version = str(exec, "apiVersion");
  if (api_version.empty()) api_version = "client.authentication.k8s.io/v1";
  spec.env["KUBERNETES_EXEC_INFO"] =
      nlohmann::json{{"apiVersion", api_version}, {"kind", "ExecCredential"}, {"spec", {{"interactive", false}}}}.dump();
  spec.workdir = base;
  spec.timeout = std::chrono::seconds(60);
  auto ran = host.processes().run(spec, {}, cancel);
  if (!ran.ok())
    return sdk::fail(FailureKind::auth, where + ": the exec credential plugin \"" + command + "\" could not start: " +
                                            ran.failure().message);
  if (ran->exit_code != 0 || ran->signaled || ran->timed_out) {
    std::string err = ran->err.size() > 500 ? ran->err.substr(ran->err.size() - 500) : ran->err;
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return sdk::fail(FailureKind::auth, where + ": the exec credential plugin \"" + command + "\" failed (exit " +
                                            std::to_string(ran->exit_code) + ")" + (err.empty() ? "" : ": " + err));
  }
  const auto credential = nlohmann::json::parse(ran->out, nullptr, false);
  const auto status = credential.is_object() ? credential.value("status", nlohmann::json::object()) : nlohmann::json();
  const std::string token = support::string_at(status, "token");
  const std::string cert = support::string_at(status, "clientCertificateData");
  const std::string key = support::string_at(status, "clientKeyData");
  if (token.empty() && (cert.empty() || key.empty()))
    return sdk::fail(FailureKind::auth, where + ": the exec credential plugin \"" + command +
                                            "\" printed no ExecCredential with status.token or a client certificate");
  if (!token.empty()) {
    host.add_secret(token);
    cluster.token = token;
  }
  cluster.expires = parse_utc(support::string_at(status, "expirationTimestamp"));
  if (!cert.empty() && !key.empty()) {
    host.add_secret(key);
    cluster.tls.client_cert_pem = cert;
    cluster.tls.client_key_pem = key;
  }
  return {};
}

} // namespace

std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text) {
  std::tm utc{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &utc);
  if (!end || (*end != 'Z' && *end != '.')) return std::nullopt;
  if (utc.tm_year + 1900 >= 2262) return std::nullopt; // past what system_clock holds: never, in practice
  return std::chrono::system_clock::from_time_t(timegm(&utc));
}

std::optional<std::string> decode_base64(std::string_view text) {
  std::string out;
  unsigned buffer = 0;
  int bits = 0;
  for (char c : text) {
    int value;
    if (c >= 'A' && c <= 'Z') value = c - 'A';
    else if (c >= 'a' && c <= 'z') value = c - 'a' + 26;
    else if (c >= '0' && c <= '9') value = c - '0' + 52;
    else if (c == '+') value = 62;
    else if (c == '/') value = 63;
    else if (c == '=' || c == '\n' || c == '\r' || c == ' ') continue;
    else return std::nullopt;
    buffer = (buffer << 6) | static_cast<unsigned>(value);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  return out;
}

fs::path default_kubeconfig() {
  const passwd* entry = getpwuid(getuid());
  return fs::path(entry && entry->pw_dir ? entry->pw_dir : "/") / ".kube" / "config";
}

sdk::Result<Cluster> load_kubeconfig(const fs::path& file, const std::string& context, sdk::Host& host,
                                     const sdk::CancelToken& cancel) {
  auto text = read_file(file);
  if (!text)
    return sdk::fail(FailureKind::not_found, "cannot read kubeconfig \"" + file.string() +
                                                 "\": set [runner] kubeconfig, or in_cluster = true inside a cluster");
  YAML::Node root;
  try {
    root = YAML::Load(*text);
  } catch (const YAML::Exception& e) {
    return sdk::fail(FailureKind::invalid_input, "kubeconfig \"" + file.string() + "\" is not valid YAML: " + e.what());
  }
  if (!root.IsMap()) return sdk::fail(FailureKind::invalid_input, "kubeconfig \"" + file.string() + "\" is not a kubeconfig");
  const std::string name = context.empty() ? str(root, "current-context") : context;
  if (name.empty())
    return sdk::fail(FailureKind::not_found, "kubeconfig \"" + file.string() +
                                                 "\" has no current-context: set [runner] context to one of " +
                                                 names(root["contexts"]));
  const YAML::Node ctx = named(root["contexts"], name, "context");
  if (!ctx || !ctx.IsMap())
    return sdk::fail(FailureKind::not_found, "kubeconfig \"" + file.string() + "\" has no context \"" + name +
                                                 "\" (its contexts: " + names(root["contexts"]) + "); fix [runner] context");
  Cluster cluster;
  cluster.describe = "context \"" + name + "\" of kubeconfig \"" + file.string() + "\"";
  cluster.namespace_name = str(ctx, "namespace");
  const fs::path base = file.parent_path();
  try {
    const YAML::Node server = named(root["clusters"], str(ctx, "cluster"), "cluster");
    if (!server || str(server, "server").empty())
      return sdk::fail(FailureKind::not_found, cluster.describe + " names cluster \"" + str(ctx, "cluster") +
                                                   "\", which has no server in that file");
    cluster.server = str(server, "server");
    while (!cluster.server.empty() && cluster.server.back() == '/') cluster.server.pop_back();
    auto ca = pem(server, "certificate-authority", base, cluster.describe);
    if (!ca.ok()) return std::move(ca).failure();
    cluster.tls.ca_pem = *ca;
    cluster.tls.insecure_skip_verify = server["insecure-skip-tls-verify"] && server["insecure-skip-tls-verify"].as<bool>();

    const std::string user_name = str(ctx, "user");
    const YAML::Node user = named(root["users"], user_name, "user");
    if (!user_name.empty() && !user)
      return sdk::fail(FailureKind::not_found, cluster.describe + " names user \"" + user_name + "\", which that file lacks");
    if (user && user.IsMap()) {
      cluster.token = str(user, "token");
      if (auto token_file = str(user, "tokenFile"); cluster.token.empty() && !token_file.empty()) {
        auto token = read_file(fs::path(token_file).is_absolute() ? fs::path(token_file) : base / token_file);
        if (!token) return sdk::fail(FailureKind::not_found, cluster.describe + ": cannot read tokenFile \"" + token_file + "\"");
        cluster.token = *token;
        while (!cluster.token.empty() && (cluster.token.back() == '\n' || cluster.token.back() == '\r')) cluster.token.pop_back();
      }
      if (!cluster.token.empty()) host.add_secret(cluster.token);
      auto cert = pem(user, "client-certificate", base, cluster.describe);
      if (!cert.ok()) return std::move(cert).failure();
      auto key = pem(user, "client-key", base, cluster.describe);
      if (!key.ok()) return std::move(key).failure();
      cluster.tls.client_cert_pem = *cert;
      cluster.tls.client_key_pem = *key;
      if (!key->empty()) host.add_secret(*key);
      if (const YAML::Node exec = user["exec"]; exec && exec.IsMap()) {
        auto ran = run_exec(exec, base, host, cluster, cancel, cluster.describe);
        if (!ran.ok()) return std::move(ran).failure();
      }
    }
  } catch (const YAML::Exception& e) {
    return sdk::fail(FailureKind::invalid_input, cluster.describe + ": " + e.what());
  }
  return cluster;
}

sdk::Result<Cluster> load_in_cluster(const fs::path& dir, const std::string& server, sdk::Host& host) {
  Cluster cluster;
  cluster.describe = "the in-cluster service account (" + dir.string() + ")";
  cluster.server = server;
  auto token = read_file(dir / "token");
  if (!token)
    return sdk::fail(FailureKind::not_found, "cannot read the service account token \"" + (dir / "token").string() +
                                                 "\": fanout is not running in a pod (set in_cluster = false to use a kubeconfig)");
  cluster.token = *token;
  while (!cluster.token.empty() && (cluster.token.back() == '\n' || cluster.token.back() == '\r')) cluster.token.pop_back();
  host.add_secret(cluster.token);
  if (auto ca = read_file(dir / "ca.crt")) cluster.tls.ca_pem = *ca;
  if (auto ns = read_file(dir / "namespace")) {
    cluster.namespace_name = *ns;
    while (!cluster.namespace_name.empty() && std::isspace(static_cast<unsigned char>(cluster.namespace_name.back())))
      cluster.namespace_name.pop_back();
  }
  return cluster;
}

} // namespace fanout::kubernetes
