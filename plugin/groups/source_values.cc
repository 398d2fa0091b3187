#include "plugin/groups/source_values.h"

namespace selvhjelp::plugin {

using fhir::FieldPath;
using fhir::JsonValue;

namespace {

std::string ReadCheckedLink(const JsonValue& object, std::string_view key, std::string_view field,
                            fhir::DataProblems& problems, bool (*accept)(std::string_view), const char* expected) {
  const JsonValue* value = object.Find(key);
  if (value == nullptr) return {};
  std::optional<std::string_view> link = value->AsString();
  if (!link || (!link->empty() && !accept(*link))) {
    problems.Add(*value, FieldPath(field, key), expected);
    return {};
  }
  return std::string(*link);
}

}  // namespace

std::string ReadLink(const JsonValue& object, std::string_view key, std::string_view field,
                     fhir::DataProblems& problems) {
  return ReadCheckedLink(object, key, field, problems, IsSafeLink, "expected an http(s), mailto or tel URL (left out)");
}

std::string ReadReportLink(const JsonValue& object, std::string_view key, std::string_view field,
                           fhir::DataProblems& problems) {
  return ReadCheckedLink(object, key, field, problems, IsReportLink, "expected an http(s) or mailto URL (left out)");
}

void ReadCoordinates(const JsonValue& object, std::string_view lat_key, std::string_view lon_key,
                     std::string_view field, fhir::DataProblems& problems, Group& g) {
  if (const JsonValue* lat = object.Find(lat_key)) {
    std::optional<double> d = lat->AsDouble();
    if (d && IsLatitude(*d)) g.address.latitude = d;
    else problems.Add(*lat, FieldPath(field, lat_key), "expected degrees of latitude, -90 to 90");
  }
  if (const JsonValue* lon = object.Find(lon_key)) {
    std::optional<double> d = lon->AsDouble();
    if (d && IsLongitude(*d)) g.address.longitude = d;
    else problems.Add(*lon, FieldPath(field, lon_key), "expected degrees of longitude, -180 to 180");
  }
}

}  // namespace selvhjelp::plugin
