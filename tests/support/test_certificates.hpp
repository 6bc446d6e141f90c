#pragma once
// TestCertificates: a throwaway certificate authority with a server certificate for
// 127.0.0.1 and a client certificate, made with the openssl CLI at test time (nothing
// secret is committed). For HTTPS fakes and the HTTP client's TLS tests.

#include "tests/support/local_server.hpp"

#include <filesystem>
#include <string>

namespace fanout::test {

/// PEM files under one folder. Every certificate is valid for one day.
struct TestCertificates {
  std::filesystem::path ca_cert;     ///< the CA that signed both certificates below
  std::filesystem::path server_cert; ///< CN and subjectAltName IP 127.0.0.1
  std::filesystem::path server_key;
  std::filesystem::path client_cert; ///< CN "fanout-test-client", for client authentication
  std::filesystem::path client_key;

  /// The server side of a LocalServer; with `require_client_cert`, clients must present a
  /// certificate signed by this CA.
  ServerTls server(bool require_client_cert = false) const;
};

/// Makes a fresh CA and its certificates in `dir` (which must exist), prefixing the files
/// with `name` so one folder can hold two unrelated authorities. Throws std::runtime_error
/// with openssl's output when it fails (openssl missing fails the test, never skips it).
TestCertificates make_test_certificates(const std::filesystem::path& dir, const std::string& name = "test");

/// Standard base64 of `bytes` (a kubeconfig's `*-data` fields hold PEM this way).
std::string base64(const std::string& bytes);

} // namespace fanout::test
