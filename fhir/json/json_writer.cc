#include "fhir/json/json_writer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace selvhjelp::fhir {
namespace {

template <typename Writer>
void Emit(const JsonValue& v, Writer& w) {
  switch (v.type()) {
    case JsonValue::Type::kNull: w.Null(); break;
    case JsonValue::Type::kBool: w.Bool(*v.AsBool()); break;
    case JsonValue::Type::kNumber:
      w.RawValue(v.scalar_text().data(), v.scalar_text().size(), rapidjson::kNumberType);
      break;
    case JsonValue::Type::kString:
      w.String(v.scalar_text().data(), static_cast<rapidjson::SizeType>(v.scalar_text().size()));
      break;
    case JsonValue::Type::kArray:
      w.StartArray();
      for (const JsonValue& item : v.items()) Emit(item, w);
      w.EndArray();
      break;
    case JsonValue::Type::kObject:
      w.StartObject();
      for (const auto& [key, member] : v.members()) {
        w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
        Emit(member, w);
      }
      w.EndObject();
      break;
  }
}

}  // namespace

std::string WriteJson(const JsonValue& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  Emit(value, writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}


}  // namespace selvhjelp::fhir
