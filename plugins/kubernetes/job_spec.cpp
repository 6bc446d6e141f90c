#include "job_spec.hpp"

#include <algorithm>
#include <cstdint>
#include <set>

namespace fanout::kubernetes {

using sdk::FailureKind;

namespace {

// Runs in the pod's working directory ($PWD, an emptyDir). "$@" is the session's argv.
// Credentials reach git only through a credential helper reading the token variable (set
// from a Secret), never through the URL or the Job spec.
constexpr const char* k_script = R"SH(set -u
export GIT_TERMINAL_PROMPT=0
git_() {
  if [ -n "${FANOUT_GIT_TOKEN_ENV:-}" ]; then
    git -c credential.helper= -c "credential.helper=!f() { test \"\$1\" = get && echo username=x-access-token && echo \"password=\$$FANOUT_GIT_TOKEN_ENV\"; }; f" "$@"
  else
    git "$@"
  fi
}
top="$PWD/repo"
if ! git_ clone --quiet --no-checkout -- "$FANOUT_CLONE_URL" "$top"; then
  echo "fanout-runner: could not clone $FANOUT_CLONE_URL" >&2; exit 90
fi
cd "$top" || exit 90
if ! git checkout --quiet -B "$FANOUT_BRANCH" "$FANOUT_BASE_COMMIT"; then
  echo "fanout-runner: commit $FANOUT_BASE_COMMIT is not on $FANOUT_CLONE_URL" >&2; exit 90
fi
git config user.name "$FANOUT_GIT_USER_NAME"
git config user.email "$FANOUT_GIT_USER_EMAIL"
cd "$top/$FANOUT_WORKDIR" || { echo "fanout-runner: no folder $FANOUT_WORKDIR in the clone" >&2; exit 90; }
if [ -n "${FANOUT_STDIN+x}" ]; then
  printf '%s' "$FANOUT_STDIN" | "$@"
else
  "$@" < /dev/null
fi
code=$?
cd "$top" || exit 90
# What the agent changed but did not commit (codex's sandbox keeps .git read-only) would be
# lost with the pod: commit it, as fanout does in a local worktree after a session.
if [ -n "$(git status --porcelain --untracked-files=all)" ]; then
  if ! { git add -A && git commit --quiet --no-verify -m "Changes the $FANOUT_STAGE session left uncommitted" \
      -m "fanout committed them in the runner's pod so that they are not lost with it."; }; then
    echo "fanout-runner: could not commit the changes the session left uncommitted" >&2
    [ "$code" -eq 0 ] && code=92
  fi
fi
if [ "$(git rev-parse HEAD)" != "$FANOUT_BASE_COMMIT" ]; then
  if ! git_ push --quiet origin "HEAD:refs/heads/$FANOUT_BRANCH"; then
    echo "fanout-runner: could not push $FANOUT_BRANCH to $FANOUT_CLONE_URL" >&2
    [ "$code" -eq 0 ] && code=91
  fi
fi
echo "fanout-runner: pushed head $(git rev-parse "refs/remotes/origin/$FANOUT_BRANCH" 2>/dev/null || git ls-remote origin "refs/heads/$FANOUT_BRANCH" | cut -f1)"
exit "$code"
)SH";

std::string hex_hash(const std::string& text, size_t digits) {
  std::uint64_t hash = 1469598103934665603ull; // FNV-1a
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 1099511628211ull;
  }
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < digits; ++i) out.push_back(hex[(hash >> (4 * i)) & 0xF]);
  return out;
}

/// Lower-case [a-z0-9-] with no leading, trailing or doubled dashes, at most `limit` long.
std::string slug(const std::string& text, size_t limit) {
  std::string out;
  for (unsigned char c : text) {
    char lower = static_cast<char>(std::tolower(c));
    if ((lower >= 'a' && lower <= 'z') || (lower >= '0' && lower <= '9')) out.push_back(lower);
    else if (!out.empty() && out.back() != '-') out.push_back('-');
    if (out.size() >= limit) break;
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

bool is_label_value(const std::string& v) {
  if (v.size() > 63) return false;
  if (v.empty()) return true;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (!alnum(v.front()) || !alnum(v.back())) return false;
  return std::all_of(v.begin(), v.end(), [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

/// Environment variables that describe this machine, not the pod's.
bool machine_local(const std::string& name) {
  static const std::set<std::string> names = {"PATH", "HOME", "PWD", "OLDPWD", "TMPDIR", "SHELL", "USER", "LOGNAME"};
  return names.count(name) > 0;
}

nlohmann::json secret_env(const std::string& name, const SecretRef& ref) {
  return {{"name", name}, {"valueFrom", {{"secretKeyRef", {{"name", ref.secret}, {"key", ref.key}}}}}};
}

} // namespace

std::string label_value(const std::string& value) {
  if (is_label_value(value)) return value;
  std::string cleaned;
  for (char c : value) cleaned.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ? c : '-');
  cleaned = cleaned.substr(0, 50);
  while (!cleaned.empty() && !std::isalnum(static_cast<unsigned char>(cleaned.back()))) cleaned.pop_back();
  while (!cleaned.empty() && !std::isalnum(static_cast<unsigned char>(cleaned.front()))) cleaned.erase(0, 1);
  return (cleaned.empty() ? "x" : cleaned) + "-" + hex_hash(value, 8);
}

std::map<std::string, std::string> session_labels(const sdk::SessionLabels& labels) {
  return {{k_repo_label, label_value(labels.repo)},
          {k_issue_label, label_value(labels.issue)},
          {k_run_label, label_value(labels.run)},
          {k_stage_label, label_value(labels.stage)}};
}

std::string selector(const std::map<std::string, std::string>& labels) {
  std::string out;
  for (const auto& [key, value] : labels) out += (out.empty() ? "" : ",") + key + "=" + value;
  return out;
}

std::string job_name(const sdk::SessionLabels& labels) {
  std::string name = "fanout-" + slug(labels.issue, 20);
  if (name.back() != '-') name += "-";
  if (auto stage = slug(labels.stage, 16); !stage.empty()) name += stage + "-";
  return name + hex_hash(labels.repo + "\n" + labels.issue + "\n" + labels.run + "\n" + labels.stage, 8);
}

sdk::Result<nlohmann::json> build_job(const Settings& settings, const sdk::RunnerSession& session, const std::string& name) {
  const auto& process = session.process;
  if (process.argv.empty()) return sdk::fail(FailureKind::invalid_input, "the session has no command to run");
  std::filesystem::path workdir = process.workdir.empty() ? std::filesystem::path(".")
                                  : process.workdir.lexically_normal().lexically_relative(session.workspace.worktree.lexically_normal());
  if (workdir.empty() || *workdir.begin() == "..")
    return sdk::fail(FailureKind::invalid_input, "the session's folder \"" + process.workdir.string() +
                                                     "\" is not inside its worktree \"" + session.workspace.worktree.string() + "\"");

  nlohmann::json env = nlohmann::json::array();
  const std::set<std::string> secret_names(session.secret_env.begin(), session.secret_env.end());
  for (const auto& variable : session.secret_env) {
    auto ref = settings.secrets.find(variable);
    if (ref == settings.secrets.end())
      return sdk::fail(FailureKind::invalid_input,
                       "the session needs the secret " + variable + ", which the kubernetes runner passes only from a "
                       "Kubernetes Secret: set [runner] secrets." + variable + " = \"<secret>/<key>\" (docs/runner.md#secrets)");
    env.push_back(secret_env(variable, ref->second));
  }
  for (const auto& [variable, value] : process.env)
    if (!secret_names.count(variable) && !machine_local(variable) && !settings.secrets.count(variable))
      env.push_back({{"name", variable}, {"value", value}});
  for (const auto& [variable, ref] : settings.secrets)
    if (!secret_names.count(variable) && process.env.count(variable)) env.push_back(secret_env(variable, ref));
  // The session's own settings come last so a session cannot replace them.
  const std::map<std::string, std::string> own = {
      {"FANOUT_CLONE_URL", session.workspace.clone_url},  {"FANOUT_BRANCH", session.workspace.branch},
      {"FANOUT_BASE_COMMIT", session.workspace.base_commit}, {"FANOUT_WORKDIR", workdir.string()},
      {"FANOUT_GIT_USER_NAME", settings.git_user_name},   {"FANOUT_GIT_USER_EMAIL", settings.git_user_email},
      {"FANOUT_STAGE", session.labels.stage}};
  for (const auto& [variable, value] : own) env.push_back({{"name", variable}, {"value", value}});
  if (process.stdin_data) env.push_back({{"name", "FANOUT_STDIN"}, {"value", *process.stdin_data}});
  if (settings.git_token) {
    env.push_back({{"name", "FANOUT_GIT_TOKEN_ENV"}, {"value", settings.git_token_env}});
    env.push_back(secret_env(settings.git_token_env, *settings.git_token));
  }

  // The image provides the agent CLI on its PATH: a path of this machine means nothing there.
  nlohmann::json args = nlohmann::json::array({k_script, "fanout-session"});
  args.push_back(std::filesystem::path(process.argv[0]).filename().string());
  for (size_t i = 1; i < process.argv.size(); ++i) args.push_back(process.argv[i]);

  nlohmann::json container = {{"name", k_container},
                              {"image", settings.image},
                              {"command", {"sh", "-c"}},
                              {"args", args},
                              {"workingDir", "/workspace"},
                              {"env", env},
                              {"volumeMounts", {{{"name", "workspace"}, {"mountPath", "/workspace"}}}}};
  nlohmann::json resources = nlohmann::json::object();
  if (!settings.requests.empty()) resources["requests"] = settings.requests;
  if (!settings.limits.empty()) resources["limits"] = settings.limits;
  if (!resources.empty()) container["resources"] = resources;

  nlohmann::json pod = {{"restartPolicy", "Never"},
                        {"containers", {container}},
                        {"volumes", {{{"name", "workspace"}, {"emptyDir", nlohmann::json::object()}}}}};
  if (!settings.service_account.empty()) pod["serviceAccountName"] = settings.service_account;
  if (!settings.node_selector.empty()) pod["nodeSelector"] = settings.node_selector;
  if (!settings.tolerations.empty()) {
    nlohmann::json tolerations = nlohmann::json::array();
    for (const auto& t : settings.tolerations) {
      nlohmann::json item = {{"operator", t.op}};
      if (!t.key.empty()) item["key"] = t.key;
      if (!t.value.empty()) item["value"] = t.value;
      if (!t.effect.empty()) item["effect"] = t.effect;
      tolerations.push_back(item);
    }
    pod["tolerations"] = tolerations;
  }

  const auto labels = session_labels(session.labels);
  const nlohmann::json annotations = {{k_repo_label, session.labels.repo},
                                      {k_issue_label, session.labels.issue},
                                      {k_run_label, session.labels.run},
                                      {k_stage_label, session.labels.stage}};
  nlohmann::json spec = {{"backoffLimit", 0},
                         {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod}}}};
  if (process.timeout.count() > 0)
    spec["activeDeadlineSeconds"] = std::max<long long>(1, (process.timeout.count() + 999) / 1000);
  if (settings.ttl_after_finished.count() > 0) spec["ttlSecondsAfterFinished"] = settings.ttl_after_finished.count() / 1000;
  return nlohmann::json{{"apiVersion", "batch/v1"},
                        {"kind", "Job"},
                        {"metadata", {{"name", name}, {"labels", labels}, {"annotations", annotations}}},
                        {"spec", spec}};
}

} // namespace fanout::kubernetes
