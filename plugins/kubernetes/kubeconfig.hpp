#pragma once
// Where the Kubernetes API is and how to prove who we are: a kubeconfig context (server,
// certificate authority, bearer token, client certificate, exec credential plugin,
// insecure-skip-tls-verify) or the in-cluster service account.

#include <fanout/sdk/host.hpp>

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace fanout::kubernetes {

/// An API server and the credentials for it.
struct Cluster {
  std::string server;   ///< "https://10.0.0.1:6443", without a trailing slash
  sdk::HttpTls tls;     ///< CA, client certificate and key (PEM), insecure-skip-tls-verify
  std::string token;    ///< bearer token, "" when the client certificate is the credential
  std::string namespace_name; ///< the context's namespace ("" when it names none)
  std::string describe; ///< for messages: `context "dev" of kubeconfig "/home/u/.kube/config"`
  /// When an exec plugin's credential expires (its status.expirationTimestamp); the runner
  /// loads the kubeconfig again before a session that starts within a minute of it.
  std::optional<std::chrono::system_clock::time_point> expires;
};

/// Reads `file` (YAML) and resolves `context` ("" = current-context): its cluster and user,
/// files relative to the kubeconfig's folder, base64 `*-data` fields, and `exec` credential
/// plugins (run through Host::processes(), with KUBERNETES_EXEC_INFO; their token and key
/// are registered as secrets). Failures: not_found for a missing file or context (naming
/// the contexts there are), invalid_input for YAML or fields that do not parse, auth when an
/// exec plugin fails or prints no credential.
sdk::Result<Cluster> load_kubeconfig(const std::filesystem::path& file, const std::string& context, sdk::Host& host,
                                     const sdk::CancelToken& cancel);

/// The in-cluster service account: `dir`/token, `dir`/ca.crt and `dir`/namespace.
sdk::Result<Cluster> load_in_cluster(const std::filesystem::path& dir, const std::string& server, sdk::Host& host);

/// ~/.kube/config of the user running fanout (from the password database, not $HOME).
std::filesystem::path default_kubeconfig();

/// Parses "2026-01-02T03:04:05Z" (RFC 3339 in UTC, fractions ignored); nullopt otherwise.
std::optional<std::chrono::system_clock::time_point> parse_utc(const std::string& text);

/// Decodes standard base64 (padding optional, whitespace ignored); nullopt when malformed.
std::optional<std::string> decode_base64(std::string_view text);

} // namespace fanout::kubernetes
