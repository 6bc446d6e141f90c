#include "tests/support/kube_job_schema.hpp"

#include <regex>
#include <set>

namespace fanout::test {

namespace {

using json = nlohmann::json;

class Checker {
public:
  std::vector<FieldCause> causes;

  void required(const std::string& field) { causes.push_back({"FieldValueRequired", field, "Required value"}); }
  void invalid(const std::string& field, const json& value, const std::string& why) {
    causes.push_back({"FieldValueInvalid", field, "Invalid value: " + value.dump() + ": " + why});
  }
  void type(const std::string& field, const std::string& expected, const json& value) {
    causes.push_back({"FieldValueTypeInvalid", field, "Invalid value: " + value.dump() + ": expected " + expected});
  }
  void unknown(const std::string& field) { causes.push_back({"FieldValueInvalid", field, "unknown field"}); }

  /// Rejects members of `object` not in `known` (strict field validation).
  void known_fields(const json& object, const std::string& at, const std::set<std::string>& known) {
    for (const auto& [key, value] : object.items())
      if (!known.count(key)) unknown(at + (at.empty() ? "" : ".") + key);
  }

  bool object(const json& value, const std::string& field) {
    if (value.is_object()) return true;
    type(field, "object", value);
    return false;
  }
  bool string(const json& value, const std::string& field) {
    if (value.is_string()) return true;
    type(field, "string", value);
    return false;
  }
  void integer(const json& parent, const std::string& key, const std::string& field, long long min) {
    if (!parent.contains(key)) return;
    const json& value = parent[key];
    if (!value.is_number_integer()) return type(field, "integer", value);
    if (value.get<long long>() < min)
      invalid(field, value, "must be greater than or equal to " + std::to_string(min));
  }
  void string_map(const json& parent, const std::string& key, const std::string& field, bool labels) {
    if (!parent.contains(key)) return;
    const json& value = parent[key];
    if (!object(value, field)) return;
    for (const auto& [name, item] : value.items()) {
      if (!string(item, field + "[" + name + "]")) continue;
      if (labels && !label_value(item.get<std::string>()))
        invalid(field, item, "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (max 63)");
      if (labels && !qualified_name(name)) invalid(field, name, "name part must consist of alphanumeric characters, '-', '_' or '.'");
    }
  }

  static bool dns_label(const std::string& s) {
    static const std::regex re("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    return s.size() <= 63 && std::regex_match(s, re);
  }
  static bool label_value(const std::string& s) {
    static const std::regex re("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    return s.size() <= 63 && std::regex_match(s, re);
  }
  static bool qualified_name(const std::string& s) {
    auto slash = s.find('/');
    std::string name = slash == std::string::npos ? s : s.substr(slash + 1);
    static const std::regex prefix("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
    if (slash != std::string::npos && (slash == 0 || slash > 253 || !std::regex_match(s.substr(0, slash), prefix))) return false;
    return !name.empty() && label_value(name);
  }

  void env(const json& list, const std::string& at) {
    if (!list.is_array()) return type(at, "array", list);
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string field = at + "[" + std::to_string(i) + "]";
      const json& item = list[i];
      if (!object(item, field)) continue;
      known_fields(item, field, {"name", "value", "valueFrom"});
      static const std::regex name_re("[-._a-zA-Z][-._a-zA-Z0-9]*");
      if (!item.contains("name")) required(field + ".name");
      else if (string(item["name"], field + ".name") && !std::regex_match(item["name"].get<std::string>(), name_re))
        invalid(field + ".name", item["name"], "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.'");
      if (item.contains("value")) string(item["value"], field + ".value");
      if (item.contains("valueFrom")) {
        if (item.contains("value") && item["value"].is_string() && !item["value"].get<std::string>().empty())
          invalid(field + ".valueFrom", item["valueFrom"], "may not be specified when `value` is not empty");
        const json& from = item["valueFrom"];
        if (!object(from, field + ".valueFrom")) continue;
        known_fields(from, field + ".valueFrom", {"secretKeyRef", "configMapKeyRef", "fieldRef", "resourceFieldRef"});
        if (from.contains("secretKeyRef")) {
          const json& ref = from["secretKeyRef"];
          const std::string rf = field + ".valueFrom.secretKeyRef";
          if (!object(ref, rf)) continue;
          known_fields(ref, rf, {"name", "key", "optional"});
          if (!ref.contains("name")) required(rf + ".name");
          else string(ref["name"], rf + ".name");
          if (!ref.contains("key")) required(rf + ".key");
          else string(ref["key"], rf + ".key");
        }
      }
    }
  }

  void resources(const json& value, const std::string& at) {
    if (!object(value, at)) return;
    known_fields(value, at, {"limits", "requests", "claims"});
    for (const char* part : {"limits", "requests"}) {
      if (!value.contains(part)) continue;
      const std::string field = at + "." + part;
      if (!object(value[part], field)) continue;
      for (const auto& [name, quantity] : value[part].items()) {
        if (!string(quantity, field + "[" + name + "]")) continue;
        if (!is_quantity(quantity.get<std::string>()))
          invalid(field + "[" + name + "]", quantity, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
      }
    }
  }

  void container(const json& c, const std::string& at) {
    if (!object(c, at)) return;
    known_fields(c, at, {"name", "image", "command", "args", "workingDir", "env", "envFrom", "resources", "volumeMounts",
                         "imagePullPolicy", "securityContext", "ports", "stdin", "tty", "terminationMessagePath",
                         "terminationMessagePolicy"});
    if (!c.contains("name")) required(at + ".name");
    else if (string(c["name"], at + ".name") && !dns_label(c["name"].get<std::string>()))
      invalid(at + ".name", c["name"], "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'");
    if (!c.contains("image") || (c["image"].is_string() && c["image"].get<std::string>().empty())) required(at + ".image");
    else string(c["image"], at + ".image");
    for (const char* list : {"command", "args"}) {
      if (!c.contains(list)) continue;
      if (!c[list].is_array()) type(at + "." + list, "array", c[list]);
      else
        for (size_t i = 0; i < c[list].size(); ++i) string(c[list][i], at + "." + list + "[" + std::to_string(i) + "]");
    }
    if (c.contains("workingDir")) string(c["workingDir"], at + ".workingDir");
    if (c.contains("env")) env(c["env"], at + ".env");
    if (c.contains("resources")) resources(c["resources"], at + ".resources");
    if (c.contains("volumeMounts")) {
      if (!c["volumeMounts"].is_array()) type(at + ".volumeMounts", "array", c["volumeMounts"]);
      else
        for (size_t i = 0; i < c["volumeMounts"].size(); ++i) {
          const json& m = c["volumeMounts"][i];
          const std::string f = at + ".volumeMounts[" + std::to_string(i) + "]";
          if (!object(m, f)) continue;
          if (!m.contains("name")) required(f + ".name");
          if (!m.contains("mountPath")) required(f + ".mountPath");
        }
    }
  }

  void tolerations(const json& list, const std::string& at) {
    if (!list.is_array()) return type(at, "array", list);
    for (size_t i = 0; i < list.size(); ++i) {
      const json& t = list[i];
      const std::string f = at + "[" + std::to_string(i) + "]";
      if (!object(t, f)) continue;
      known_fields(t, f, {"key", "operator", "value", "effect", "tolerationSeconds"});
      const std::string op = t.value("operator", "Equal");
      if (op != "Equal" && op != "Exists")
        causes.push_back({"FieldValueNotSupported", f + ".operator", "Unsupported value: \"" + op + "\": supported values: \"Equal\", \"Exists\""});
      if (op == "Exists" && !t.value("value", "").empty())
        invalid(f + ".operator", t["value"], "value must be empty when `operator` is 'Exists'");
      const std::string effect = t.value("effect", "");
      if (!effect.empty() && effect != "NoSchedule" && effect != "PreferNoSchedule" && effect != "NoExecute")
        causes.push_back({"FieldValueNotSupported", f + ".effect", "Unsupported value: \"" + effect + "\""});
    }
  }

  void pod_spec(const json& spec, const std::string& at) {
    if (!object(spec, at)) return;
    known_fields(spec, at, {"containers", "initContainers", "restartPolicy", "volumes", "serviceAccountName",
                            "nodeSelector", "tolerations", "affinity", "securityContext", "imagePullSecrets",
                            "activeDeadlineSeconds", "terminationGracePeriodSeconds", "priorityClassName"});
    if (!spec.contains("containers") || !spec["containers"].is_array() || spec["containers"].empty()) {
      required(at + ".containers");
    } else {
      for (size_t i = 0; i < spec["containers"].size(); ++i)
        container(spec["containers"][i], at + ".containers[" + std::to_string(i) + "]");
    }
    // A Job's pods must not restart on their own (the Job controller decides).
    const json policy = spec.value("restartPolicy", json());
    if (policy.is_null()) required(at + ".restartPolicy");
    else if (policy != "Never" && policy != "OnFailure")
      causes.push_back({"FieldValueNotSupported", at + ".restartPolicy",
                        "Unsupported value: " + policy.dump() + ": supported values: \"OnFailure\", \"Never\""});
    string_map(spec, "nodeSelector", at + ".nodeSelector", false);
    if (spec.contains("tolerations")) tolerations(spec["tolerations"], at + ".tolerations");
    if (spec.contains("serviceAccountName") && string(spec["serviceAccountName"], at + ".serviceAccountName") &&
        !spec["serviceAccountName"].get<std::string>().empty() && !dns_label(spec["serviceAccountName"].get<std::string>()))
      invalid(at + ".serviceAccountName", spec["serviceAccountName"], "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters");
    if (spec.contains("volumes")) {
      if (!spec["volumes"].is_array()) type(at + ".volumes", "array", spec["volumes"]);
      else
        for (size_t i = 0; i < spec["volumes"].size(); ++i)
          if (!spec["volumes"][i].contains("name")) required(at + ".volumes[" + std::to_string(i) + "].name");
    }
  }
};

} // namespace

bool is_quantity(const std::string& text) {
  static const std::regex re("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");
  static const std::set<std::string> suffixes = {"", "m", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  std::smatch match;
  if (!std::regex_match(text, match, re)) return false;
  const std::string suffix = match[2];
  return suffixes.count(suffix) || (suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E'));
}

std::vector<FieldCause> validate_job(const json& job) {
  Checker c;
  if (!job.is_object()) {
    c.type("", "object", job);
    return c.causes;
  }
  c.known_fields(job, "", {"apiVersion", "kind", "metadata", "spec", "status"});
  const json metadata = job.value("metadata", json::object());
  if (c.object(metadata, "metadata")) {
    c.known_fields(metadata, "metadata", {"name", "generateName", "namespace", "labels", "annotations"});
    if (!metadata.contains("name") && !metadata.contains("generateName")) c.required("metadata.name");
    if (metadata.contains("name") && c.string(metadata["name"], "metadata.name") &&
        !Checker::dns_label(metadata["name"].get<std::string>()))
      c.invalid("metadata.name", metadata["name"], "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (max 63)");
    c.string_map(metadata, "labels", "metadata.labels", true);
    c.string_map(metadata, "annotations", "metadata.annotations", false);
  }
  if (!job.contains("spec")) {
    c.required("spec");
    return c.causes;
  }
  const json& spec = job["spec"];
  if (!c.object(spec, "spec")) return c.causes;
  c.known_fields(spec, "spec", {"template", "backoffLimit", "activeDeadlineSeconds", "ttlSecondsAfterFinished",
                                "completions", "parallelism", "selector", "manualSelector", "suspend", "podFailurePolicy",
                                "completionMode", "backoffLimitPerIndex", "maxFailedIndexes", "podReplacementPolicy"});
  c.integer(spec, "backoffLimit", "spec.backoffLimit", 0);
  c.integer(spec, "activeDeadlineSeconds", "spec.activeDeadlineSeconds", 1);
  c.integer(spec, "ttlSecondsAfterFinished", "spec.ttlSecondsAfterFinished", 0);
  c.integer(spec, "completions", "spec.completions", 0);
  c.integer(spec, "parallelism", "spec.parallelism", 0);
  if (!spec.contains("template")) {
    c.required("spec.template");
    return c.causes;
  }
  const json& tmpl = spec["template"];
  if (!c.object(tmpl, "spec.template")) return c.causes;
  c.known_fields(tmpl, "spec.template", {"metadata", "spec"});
  if (tmpl.contains("metadata") && c.object(tmpl["metadata"], "spec.template.metadata"))
    c.string_map(tmpl["metadata"], "labels", "spec.template.metadata.labels", true);
  if (!tmpl.contains("spec")) c.required("spec.template.spec");
  else c.pod_spec(tmpl["spec"], "spec.template.spec");
  return c.causes;
}

} // namespace fanout::test
