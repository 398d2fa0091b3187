#pragma once
// JsonDocument / JsonView: a fast, read-only parse for streams of many small documents (FHIR
// Bulk Data NDJSON lines), where building an owned JsonValue tree per line would cost more than
// the parse. The text is parsed in place and must outlive the views; a document is reused from
// line to line. Use JsonValue (json_value.h) for anything that is kept, edited or needs line
// numbers.
#include <cstddef>
#include <memory>
#include <string_view>

#include "fhir/base/status.h"

namespace selvhjelp::fhir {

// A node of a JsonDocument; an absent node is a view for which present() is false. Cheap to copy.
class JsonView {
 public:
  JsonView() = default;
  bool present() const { return node_ != nullptr; }
  bool is_string() const;
  bool is_object() const;
  bool is_array() const;
  // The string (empty for anything else).
  std::string_view AsString() const;
  // The boolean, or `otherwise` for anything else.
  bool AsBool(bool otherwise) const;
  // Member `key` of an object; absent for a missing key or a non-object.
  JsonView operator[](std::string_view key) const;
  // Array length (0 for anything else) and element access.
  size_t size() const;
  JsonView at(size_t i) const;
  // Convenience: (*this)[key].AsString().
  std::string_view String(std::string_view key) const { return (*this)[key].AsString(); }

 private:
  friend class JsonDocument;
  explicit JsonView(const void* node) : node_(node) {}
  const void* node_ = nullptr;
};

class JsonDocument {
 public:
  JsonDocument();
  ~JsonDocument();
  JsonDocument(const JsonDocument&) = delete;
  JsonDocument& operator=(const JsonDocument&) = delete;
  // Parses the NUL-terminated `text` in place (it is changed). InvalidArgument "offset N: what"
  // when it is not JSON. Views of the previous parse are invalid afterwards.
  Status ParseInPlace(char* text);
  JsonView root() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace selvhjelp::fhir
