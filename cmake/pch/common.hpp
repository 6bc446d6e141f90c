// Precompiled for every first-party target: the standard headers and JSON nearly every file
// includes. Only headers that are stable and safe to include anywhere belong here; this file
// changes build times, never meaning.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>
