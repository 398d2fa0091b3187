#include "fhir/json/json_stream_writer.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>


namespace selvhjelp::fhir {

struct JsonStreamWriter::Impl {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer{buffer};
};

JsonStreamWriter::JsonStreamWriter() : impl_(std::make_unique<Impl>()) {}
JsonStreamWriter::~JsonStreamWriter() = default;

void JsonStreamWriter::StartObject() { impl_->writer.StartObject(); }
void JsonStreamWriter::EndObject() { impl_->writer.EndObject(); }
void JsonStreamWriter::StartArray() { impl_->writer.StartArray(); }
void JsonStreamWriter::EndArray() { impl_->writer.EndArray(); }
void JsonStreamWriter::Key(std::string_view key) {
  impl_->writer.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}
void JsonStreamWriter::String(std::string_view value) {
  impl_->writer.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}
void JsonStreamWriter::Bool(bool value) { impl_->writer.Bool(value); }
void JsonStreamWriter::Int(int64_t value) { impl_->writer.Int64(value); }
void JsonStreamWriter::Raw(std::string_view number) {
  impl_->writer.RawValue(number.data(), number.size(), rapidjson::kNumberType);
}

std::string JsonStreamWriter::Take() {
  std::string text(impl_->buffer.GetString(), impl_->buffer.GetSize());
  impl_->buffer.Clear();
  impl_->writer.Reset(impl_->buffer);
  return text;
}

}  // namespace selvhjelp::fhir
