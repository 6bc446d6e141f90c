// fanout: runs many coding agents at once, one issue each. Everything lives in fanout_core.
#include "host/cli/app.hpp"

int main(int argc, char** argv) { return fanout::cli::run(argc, argv); }
