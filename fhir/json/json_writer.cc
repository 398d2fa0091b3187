#include "fhir/json/json_writer.h"

#include "fhir/json/json_stream_writer.h"

namespace selvhjelp::fhir {
namespace {

void Emit(const JsonValue& v, JsonStreamWriter& w) {
  switch (v.type()) {
    case JsonValue::Type::kNull: w.Null(); break;
    case JsonValue::Type::kBool: w.Bool(*v.AsBool()); break;
    case JsonValue::Type::kNumber: w.Raw(v.scalar_text()); break;
    case JsonValue::Type::kString: w.String(v.scalar_text()); break;
    case JsonValue::Type::kArray:
      w.StartArray();
      for (const JsonValue& item : v.items()) Emit(item, w);
      w.EndArray();
      break;
    case JsonValue::Type::kObject:
      w.StartObject();
      for (const auto& [key, member] : v.members()) {
        w.Key(std::string_view(key));
        Emit(member, w);
      }
      w.EndObject();
      break;
  }
}

}  // namespace

std::string WriteJson(const JsonValue& value) {
  JsonStreamWriter writer;
  Emit(value, writer);
  return writer.Take();
}

}  // namespace selvhjelp::fhir
