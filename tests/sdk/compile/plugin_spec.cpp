// Plugin specs for the compile checks of FANOUT_PLUGIN (tests/sdk/CMakeLists.txt): the build
// defines one SPEC_* macro and expects this file to compile, or to fail with a given message.
#include <fanout/sdk/plugin.hpp>

#include <memory>

namespace {

using namespace fanout::sdk;

class NoReviews final : public Reviewer {
public:
  Result<Review> review(const ReviewRequest&, const CancelToken&) override { return Review{}; }
};

struct Plugin {
  static constexpr const char* name = "spec-check";
  static constexpr const char* version = "0.1.0";
  static constexpr const char* description = "a spec for the compile checks";
#if defined(SPEC_WELL_FORMED)
  static constexpr Kind kinds[] = {Kind::reviewer};
  static constexpr ConfigKey config_keys[] = {
      {.name = "limit", .type = ConfigType::positive_integer, .default_value = "3", .doc = "a limit"}};
  static std::unique_ptr<Reviewer> make_reviewer(Host&) { return std::make_unique<NoReviews>(); }
#elif defined(SPEC_MISSPELLED_MAKE)
  static constexpr Kind kinds[] = {Kind::reviewer};
  static std::unique_ptr<Reviewer> make_reviwer(Host&) { return std::make_unique<NoReviews>(); }
#elif defined(SPEC_SECOND_KIND_MISSPELLED)
  static constexpr Kind kinds[] = {Kind::reviewer, Kind::code_host};
  static std::unique_ptr<Reviewer> make_reviewer(Host&) { return std::make_unique<NoReviews>(); }
  static std::unique_ptr<CodeHost> make_code_hots(Host&) { return nullptr; }
#elif defined(SPEC_WRONG_RETURN_TYPE)
  static constexpr Kind kinds[] = {Kind::reviewer};
  static std::unique_ptr<NoReviews> make_reviewer(Host&, int) { return nullptr; }
#elif defined(SPEC_MAKE_NOT_LISTED)
  static constexpr Kind kinds[] = {Kind::reviewer};
  static std::unique_ptr<Reviewer> make_reviewer(Host&) { return std::make_unique<NoReviews>(); }
  static std::unique_ptr<CodeHost> make_code_host(Host&) { return nullptr; }
#elif defined(SPEC_NO_KINDS)
  static std::unique_ptr<Reviewer> make_reviewer(Host&) { return std::make_unique<NoReviews>(); }
#elif defined(SPEC_POSITIONAL_TRUST)
  static constexpr Kind kinds[] = {Kind::reviewer};
  static constexpr ConfigKey config_keys[] = {{"limit", ConfigType::positive_integer, "3", "a limit", true}};
  static std::unique_ptr<Reviewer> make_reviewer(Host&) { return std::make_unique<NoReviews>(); }
#else
#error "define one SPEC_* macro"
#endif
};

} // namespace

FANOUT_PLUGIN(Plugin)
