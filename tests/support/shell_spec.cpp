#include "tests/support/shell_spec.hpp"

namespace fanout::test {

sdk::ProcessSpec shell_spec(const std::string& script) {
  sdk::ProcessSpec spec;
  spec.argv = {"/bin/sh", "-c", script};
  return spec;
}

} // namespace fanout::test
