#pragma once
// The checks a Kubernetes API server makes on a batch/v1 Job before it stores it, as the
// fake API server makes them: required fields, types, enumerations, name and label syntax,
// quantities, and unknown fields (strict field validation), from the API reference of Job,
// PodTemplateSpec, PodSpec, Container, EnvVar, ResourceRequirements and Toleration.

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace fanout::test {

/// One cause of an invalid object, as a Status's details.causes[] item.
struct FieldCause {
  std::string type;    ///< "FieldValueRequired", "FieldValueInvalid", "FieldValueNotSupported", "FieldValueTypeInvalid"
  std::string field;   ///< "spec.template.spec.containers[0].image"
  std::string message; ///< "Required value", "Invalid value: \"x\": ..."
};

/// Every cause that makes `job` invalid; empty when the API server would accept it.
std::vector<FieldCause> validate_job(const nlohmann::json& job);

/// True for a valid Kubernetes quantity ("500m", "2Gi", "1e3", "1.5").
bool is_quantity(const std::string& text);

} // namespace fanout::test
