#pragma once
// Owners of the C Data Interface structs: each releases what it holds exactly
// once (the specification's rule: a consumer that took a struct calls its
// release callback once and never touches it after). Moving a struct in marks
// the source released, as the specification's "move" does.
#include <cstring>
#include <utility>

#include "salescomp/arrow/c_data_interface.hpp"

namespace salescomp::arrow {

template <class Struct>
class Owned {
 public:
  Owned() noexcept { std::memset(&value_, 0, sizeof value_); }
  // Takes over `*source` (which is left released).
  explicit Owned(Struct* source) noexcept : Owned() { take(source); }
  Owned(const Owned&) = delete;
  Owned& operator=(const Owned&) = delete;
  Owned(Owned&& other) noexcept : Owned() { take(&other.value_); }
  Owned& operator=(Owned&& other) noexcept {
    if (this != &other) {
      reset();
      take(&other.value_);
    }
    return *this;
  }
  ~Owned() { reset(); }

  void reset() noexcept {
    if (value_.release != nullptr) value_.release(&value_);
    std::memset(&value_, 0, sizeof value_);
  }
  // Moves the struct out to a consumer (e.g. into a PyCapsule's struct).
  void release_to(Struct* destination) noexcept {
    std::memcpy(destination, &value_, sizeof value_);
    std::memset(&value_, 0, sizeof value_);
  }
  bool valid() const noexcept { return value_.release != nullptr; }
  Struct* get() noexcept { return &value_; }
  const Struct* get() const noexcept { return &value_; }
  Struct* operator->() noexcept { return &value_; }
  const Struct* operator->() const noexcept { return &value_; }

 private:
  void take(Struct* source) noexcept {
    std::memcpy(&value_, source, sizeof value_);
    source->release = nullptr;
  }
  Struct value_;
};

using OwnedSchema = Owned<ArrowSchema>;
using OwnedArray = Owned<ArrowArray>;
using OwnedStream = Owned<ArrowArrayStream>;

}  // namespace salescomp::arrow
