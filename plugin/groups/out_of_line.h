#pragma once
// OutOfLine<T>: a T kept on the heap and made only when something is written to it, so an owner
// that leaves it empty pays one pointer. Reads of one never written see an empty T. A value:
// copies copy the T.
#include <memory>
#include <type_traits>
#include <utility>

namespace selvhjelp::plugin {

template <class T>
class OutOfLine {
 public:
  OutOfLine() = default;
  OutOfLine(const OutOfLine& other) : value_(other.value_ ? std::make_unique<T>(*other.value_) : nullptr) {}
  OutOfLine(OutOfLine&&) noexcept = default;
  OutOfLine& operator=(const OutOfLine& other) {
    if (this != &other) value_ = other.value_ ? std::make_unique<T>(*other.value_) : nullptr;
    return *this;
  }
  OutOfLine& operator=(OutOfLine&&) noexcept = default;

  const T& operator*() const { return value_ ? *value_ : Empty(); }
  const T* operator->() const { return &**this; }
  // The T to change, made (empty) on first use.
  T& Edit() {
    if (!value_) value_ = std::make_unique<T>();
    return *value_;
  }
  // Sets `member` to `value`, making the T only when that changes it (so setting an empty value
  // on one never written keeps it unmade).
  template <class M>
  void Set(M T::*member, std::type_identity_t<M> value) {
    if (value == (**this).*member) return;
    Edit().*member = std::move(value);
  }

 private:
  static const T& Empty() {
    static const T empty;
    return empty;
  }
  std::unique_ptr<T> value_;
};

}  // namespace selvhjelp::plugin
