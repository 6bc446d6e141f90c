// Precompiled for the test executables: common headers plus Catch2's single header.

#include "common.hpp"

#include <catch2/catch.hpp>
