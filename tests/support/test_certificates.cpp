#include "tests/support/test_certificates.hpp"

#include "tests/support/shell.hpp"
#include "tests/support/temp_dir.hpp"

#include <stdexcept>

namespace fanout::test {

namespace {

void run_openssl(const std::string& arguments, const std::filesystem::path& dir) {
  Shell result = sh("openssl " + arguments, dir);
  if (result.rc != 0) throw std::runtime_error("openssl " + arguments + " failed: " + result.out);
}

/// A key and a certificate signed by the CA `name`-ca in `dir`, with `extensions`.
void issue(const std::filesystem::path& dir, const std::string& name, const std::string& leaf, const std::string& subject,
           const std::string& extensions) {
  write_text(dir / (name + "-" + leaf + ".ext"), extensions + "\n");
  run_openssl("req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout " + name + "-" + leaf +
                  ".key -out " + name + "-" + leaf + ".csr -subj " + subject + " 2>&1",
              dir);
  run_openssl("x509 -req -in " + name + "-" + leaf + ".csr -CA " + name + "-ca.crt -CAkey " + name +
                  "-ca.key -CAcreateserial -days 1 -out " + name + "-" + leaf + ".crt -extfile " + name + "-" + leaf +
                  ".ext 2>&1",
              dir);
}

} // namespace

std::string base64(const std::string& bytes) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  unsigned value = 0;
  int bits = -6;
  for (unsigned char c : bytes) {
    value = (value << 8) + c;
    for (bits += 8; bits >= 0; bits -= 6) out.push_back(table[(value >> bits) & 0x3F]);
  }
  if (bits > -6) out.push_back(table[((value << 8) >> (bits + 8)) & 0x3F]);
  while (out.size() % 4) out.push_back('=');
  return out;
}

ServerTls TestCertificates::server(bool require_client_cert) const {
  return ServerTls{server_cert, server_key, require_client_cert ? ca_cert : std::filesystem::path{}};
}

TestCertificates make_test_certificates(const std::filesystem::path& dir, const std::string& name) {
  run_openssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -keyout " + name +
                  "-ca.key -out " + name + "-ca.crt -subj /CN=fanout-test-ca-" + name +
                  " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign 2>&1",
              dir);
  issue(dir, name, "server", "/CN=127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth");
  issue(dir, name, "client", "/CN=fanout-test-client", "extendedKeyUsage=clientAuth");
  return TestCertificates{dir / (name + "-ca.crt"), dir / (name + "-server.crt"), dir / (name + "-server.key"),
                          dir / (name + "-client.crt"), dir / (name + "-client.key")};
}

} // namespace fanout::test
