#include "plugin/groups/directory_capability.h"

#include "plugin/groups/directory_query.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

JsonValue DirectoryCapabilityStatement(const std::string& base_url, const std::string& date) {
  JsonValue cs = JsonValue::Object();
  cs.Set("resourceType", "CapabilityStatement");
  cs.Set("status", "active");
  cs.Set("date", date);
  cs.Set("publisher", "selvhjelp");
  cs.Set("description", "The regional directory of self-help groups, read-only: each group is a HealthcareService "
                        "with its meeting place contained and its organisation in providedBy.");
  cs.Set("kind", "instance");
  JsonValue& software = cs.Set("software", JsonValue::Object());
  software.Set("name", "selvhjelp");
  JsonValue& implementation = cs.Set("implementation", JsonValue::Object());
  implementation.Set("description", "selvhjelp group directory");
  implementation.Set("url", base_url);
  cs.Set("fhirVersion", "4.0.1");
  cs.Set("format", JsonValue::Array()).Append(JsonValue::String("json"));
  JsonValue& rest = cs.Set("rest", JsonValue::Array()).Append(JsonValue::Object());
  rest.Set("mode", "server");
  rest.Set("documentation", "Open to read, like a public listing: the directory holds no patient data. Unknown "
                            "search parameters are refused (400) unless the request says Prefer: handling=lenient; "
                            "_count is at most 1000.");
  JsonValue& resource = rest.Set("resource", JsonValue::Array()).Append(JsonValue::Object());
  resource.Set("type", "HealthcareService");
  JsonValue& interactions = resource.Set("interaction", JsonValue::Array());
  for (const char* code : {"read", "search-type"}) interactions.Append(JsonValue::Object()).Set("code", code);
  resource.Set("versioning", "versioned");
  resource.Set("readHistory", JsonValue::Bool(false));
  resource.Set("conditionalRead", "not-match");
  JsonValue& parameters = resource.Set("searchParam", JsonValue::Array());
  for (const SearchParameterInfo& p : ServiceSearchParameters()) {
    JsonValue& parameter = parameters.Append(JsonValue::Object());
    parameter.Set("name", p.name);
    parameter.Set("definition", p.definition);
    parameter.Set("type", p.type);
    parameter.Set("documentation", p.documentation);
  }
  return cs;
}

}  // namespace selvhjelp::plugin
