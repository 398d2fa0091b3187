#pragma once
// ParsedJson and JsonRef: read-only JSON for text read on a hot path (a CDS Hooks request).
//
// ParsedJson copies the text into its own buffer and parses it there, in place, into one flat
// array of nodes: no allocation per value, strings point into the buffer, and a document's
// buffers are reused by the next parse on the thread that parsed it, when it is released on that
// thread (released elsewhere, it is freed: other threads hold no spare). It accepts
// exactly what ParseJson (json_reader.h) accepts and fails with the same messages, line and
// column included; it keeps no line numbers of its own.
//
// JsonRef reads a node of a ParsedJson, or a JsonValue, through the same checked accessors, so
// code that reads received FHIR data takes a JsonRef whichever way the data came (a request's
// prefetch, or a JsonValue from the FHIR client). A JsonRef borrows: what it refers to must
// outlive it. Cheap to copy. Thread-safety: a ParsedJson and JsonRefs into it are immutable and
// may be read from any number of threads.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "fhir/base/result.h"
#include "fhir/json/json_value.h"

namespace selvhjelp::fhir {

namespace internal {
// A value of a ParsedJson. Containers are followed by their contents (an object's members as a
// key node then the value's nodes), so a subtree is `span` consecutive nodes.
struct JsonNode {
  JsonValue::Type type;
  bool boolean;
  uint32_t length;      // text length; for arrays and objects, the number of elements / members
  uint32_t span;        // nodes in this subtree, itself included
  const char* text;     // string or number text (not NUL-terminated for numbers)
};
}  // namespace internal

class JsonMembers;

class JsonRef {
 public:
  // Absent: what Find returns for a missing member.
  JsonRef() = default;
  // Refers to `value` (implicit, so any JsonValue can be passed where a JsonRef is read).
  JsonRef(const JsonValue& value) : value_(&value) {}  // NOLINT(google-explicit-constructor)
  explicit JsonRef(const internal::JsonNode* node) : node_(node) {}

  // False for an absent value (a missing member); JSON null is present.
  bool present() const { return value_ != nullptr || node_ != nullptr; }
  explicit operator bool() const { return present(); }

  // The JSON type; kNull also when absent.
  JsonValue::Type type() const;
  bool is_null() const { return type() == JsonValue::Type::kNull; }
  bool is_string() const { return type() == JsonValue::Type::kString; }
  bool is_array() const { return type() == JsonValue::Type::kArray; }
  bool is_object() const { return type() == JsonValue::Type::kObject; }

  // Typed reads, as JsonValue's: std::nullopt when absent or of another type (AsDouble also when
  // the number does not fit a finite double).
  std::optional<bool> AsBool() const;
  std::optional<double> AsDouble() const;
  std::optional<std::string_view> AsString() const;

  // Object member by key; absent when missing or when this is not an object.
  JsonRef Find(std::string_view key) const;
  // Shortcuts for Find(key).AsX().
  std::optional<std::string_view> FindString(std::string_view key) const { return Find(key).AsString(); }
  std::optional<bool> FindBool(std::string_view key) const { return Find(key).AsBool(); }
  // Find("a").Find("b")...; absent on the first miss.
  JsonRef FindPath(std::initializer_list<std::string_view> keys) const;

  // The JsonValue this refers to; nullptr when it refers into a ParsedJson (or is absent).
  const JsonValue* value() const { return value_; }

  // Array elements, in order; empty for anything else. `for (JsonRef item : ref.items())`.
  class Iterator {
   public:
    JsonRef operator*() const { return value_ ? JsonRef(*value_) : JsonRef(node_); }
    Iterator& operator++() {
      if (value_) ++value_;
      else node_ += node_->span;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return value_ != o.value_ || node_ != o.node_; }

   private:
    friend class JsonRef;
    const JsonValue* value_ = nullptr;
    const internal::JsonNode* node_ = nullptr;
  };
  class Items {
   public:
    Iterator begin() const { return begin_; }
    Iterator end() const { return end_; }
    size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

   private:
    friend class JsonRef;
    Iterator begin_, end_;
    size_t size_ = 0;
  };
  Items items() const;

  // Object members in source order (duplicates included), as {key, value}; empty for anything
  // else. `for (const JsonMember& m : ref.members())`.
  JsonMembers members() const;

 private:
  const JsonValue* value_ = nullptr;
  const internal::JsonNode* node_ = nullptr;
};

// A member of an object, as JsonRef::members() gives it.
struct JsonMember {
  std::string_view key;
  JsonRef value;
};

// JsonRef::members(): iterates a JsonValue's members or an object's key nodes.
class JsonMembers {
 public:
  class Iterator {
   public:
    JsonMember operator*() const {
      if (value_) return {value_->first, JsonRef(value_->second)};
      return {std::string_view(node_->text, node_->length), JsonRef(node_ + 1)};
    }
    Iterator& operator++() {
      if (value_) ++value_;
      else node_ += 1 + node_[1].span;
      return *this;
    }
    bool operator!=(const Iterator& o) const { return value_ != o.value_ || node_ != o.node_; }

   private:
    friend class JsonRef;
    const JsonValue::Member* value_ = nullptr;
    const internal::JsonNode* node_ = nullptr;  // the member's key node
  };
  Iterator begin() const { return begin_; }
  Iterator end() const { return end_; }
  size_t size() const { return size_; }

 private:
  friend class JsonRef;
  Iterator begin_, end_;
  size_t size_ = 0;
};

class ParsedJson {
 public:
  // Parses `text` (copied first; the caller's text is not changed). InvalidArgument exactly as
  // ParseJson: "line L, column C: <what>" for malformed text, nesting deeper than kMaxJsonDepth
  // or content after the value. Released on the thread that parsed it, the document is kept for
  // that thread's next Parse; released on another thread, it is freed.
  [[nodiscard]] static Result<std::shared_ptr<const ParsedJson>> Parse(std::string_view text);

  JsonRef root() const { return JsonRef(nodes_.data()); }

  ParsedJson(const ParsedJson&) = delete;
  ParsedJson& operator=(const ParsedJson&) = delete;
  ~ParsedJson();

 private:
  ParsedJson();
  struct Builder;
  Status ParseInto(std::string_view text);

  std::unique_ptr<char[]> text_;  // the parsed copy, NUL-terminated and padded for SIMD reads
  size_t text_capacity_ = 0;
  std::vector<internal::JsonNode> nodes_;
};

}  // namespace selvhjelp::fhir
