// Precompiled for fanout_cli: common headers plus CLI11, which is header-only and heavy.

#include "common.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>
