#include "fhir/json/json_view.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>

#include <string>

namespace selvhjelp::fhir {
namespace {

const rapidjson::Value* V(const void* node) { return static_cast<const rapidjson::Value*>(node); }

}  // namespace

bool JsonView::is_string() const { return node_ && V(node_)->IsString(); }
bool JsonView::is_object() const { return node_ && V(node_)->IsObject(); }
bool JsonView::is_array() const { return node_ && V(node_)->IsArray(); }

std::string_view JsonView::AsString() const {
  if (!is_string()) return {};
  return {V(node_)->GetString(), V(node_)->GetStringLength()};
}

bool JsonView::AsBool(bool otherwise) const {
  return node_ && V(node_)->IsBool() ? V(node_)->GetBool() : otherwise;
}

JsonView JsonView::operator[](std::string_view key) const {
  if (!is_object()) return JsonView();
  const rapidjson::Value& object = *V(node_);
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    if (std::string_view(it->name.GetString(), it->name.GetStringLength()) == key) return JsonView(&it->value);
  }
  return JsonView();
}

size_t JsonView::size() const { return is_array() ? V(node_)->Size() : 0; }

JsonView JsonView::at(size_t i) const {
  if (i >= size()) return JsonView();
  return JsonView(&(*V(node_))[static_cast<rapidjson::SizeType>(i)]);
}

struct JsonDocument::Impl {
  // A first chunk that most NDJSON lines fit in, so a parse rarely allocates.
  static constexpr size_t kBuffer = 64 * 1024;
  char buffer[kBuffer];
  rapidjson::MemoryPoolAllocator<> allocator{buffer, kBuffer};
  rapidjson::Document document{&allocator};
};

JsonDocument::JsonDocument() : impl_(std::make_unique<Impl>()) {}
JsonDocument::~JsonDocument() = default;

Status JsonDocument::ParseInPlace(char* text) {
  impl_->document.SetNull();
  impl_->allocator.Clear();
  impl_->document.ParseInsitu(text);
  if (impl_->document.HasParseError()) {
    return InvalidArgumentError("offset " + std::to_string(impl_->document.GetErrorOffset()) + ": " +
                                rapidjson::GetParseError_En(impl_->document.GetParseError()));
  }
  return OkStatus();
}

JsonView JsonDocument::root() const { return JsonView(&impl_->document); }

}  // namespace selvhjelp::fhir
