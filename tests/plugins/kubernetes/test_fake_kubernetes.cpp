// The fake API server's own checks: a test that relies on "the fake validates every Job"
// must be able to fail.

#include "tests/support/kube_job_schema.hpp"

#include <catch2/catch.hpp>

using namespace fanout::test;

namespace {

nlohmann::json valid_job() {
  return nlohmann::json::parse(R"({
    "apiVersion": "batch/v1", "kind": "Job",
    "metadata": {"name": "fanout-7-build-0a1b2c3d", "labels": {"fanout/repo": "repo-a"}},
    "spec": {"backoffLimit": 0, "activeDeadlineSeconds": 60, "template": {
      "metadata": {"labels": {"fanout/repo": "repo-a"}},
      "spec": {"restartPolicy": "Never", "containers": [{"name": "session", "image": "agent:1",
        "env": [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}],
        "resources": {"limits": {"memory": "2Gi", "cpu": "500m"}}}]}}}})");
}

std::vector<std::string> fields(const nlohmann::json& job) {
  std::vector<std::string> out;
  for (const auto& cause : validate_job(job)) out.push_back(cause.field + ": " + cause.message);
  return out;
}

} // namespace

TEST_CASE("fake kubernetes: the Job schema accepts a valid Job and names each invalid field", "[kubernetes][fake]") {
  auto job = valid_job();
  CHECK(fields(job).empty());
  SECTION("missing image") {
    job["spec"]["template"]["spec"]["containers"][0].erase("image");
    CHECK(fields(job) == std::vector<std::string>{"spec.template.spec.containers[0].image: Required value"});
  }
  SECTION("no restart policy") {
    job["spec"]["template"]["spec"].erase("restartPolicy");
    CHECK(fields(job) == std::vector<std::string>{"spec.template.spec.restartPolicy: Required value"});
  }
  SECTION("Always is not a Job's restart policy") {
    job["spec"]["template"]["spec"]["restartPolicy"] = "Always";
    CHECK(fields(job) == std::vector<std::string>{
                             "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""});
  }
  SECTION("a negative backoff limit and a string deadline") {
    job["spec"]["backoffLimit"] = -1;
    job["spec"]["activeDeadlineSeconds"] = "60";
    CHECK(fields(job) == std::vector<std::string>{
                             "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0",
                             "spec.activeDeadlineSeconds: Invalid value: \"60\": expected integer"});
  }
  SECTION("a secret reference without a key") {
    job["spec"]["template"]["spec"]["containers"][0]["env"][1]["valueFrom"]["secretKeyRef"].erase("key");
    CHECK(fields(job) == std::vector<std::string>{"spec.template.spec.containers[0].env[1].valueFrom.secretKeyRef.key: Required value"});
  }
  SECTION("a label value that is too long") {
    job["metadata"]["labels"]["fanout/repo"] = std::string(64, 'a');
    CHECK(fields(job).size() == 1);
  }
  SECTION("an unknown field") {
    job["spec"]["template"]["spec"]["containers"][0]["imagePolicy"] = "x";
    CHECK(fields(job) == std::vector<std::string>{"spec.template.spec.containers[0].imagePolicy: unknown field"});
  }
  SECTION("no containers") {
    job["spec"]["template"]["spec"]["containers"] = nlohmann::json::array();
    CHECK(fields(job) == std::vector<std::string>{"spec.template.spec.containers: Required value"});
  }
}

TEST_CASE("fake kubernetes: quantities parse as the API's regular expression and suffixes", "[kubernetes][fake]") {
  for (const char* good : {"1", "500m", "2Gi", "1.5", "128974848", "129e6", "123Mi"}) CHECK(is_quantity(good));
  for (const char* bad : {"lots", "2GB", "", "1.2.3x", "Gi"}) CHECK_FALSE(is_quantity(bad));
}
