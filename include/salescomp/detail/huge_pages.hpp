#pragma once
// Asks the kernel to back a large, not yet touched buffer with transparent
// huge pages (2 MiB on x86-64). A crediting run of 10M deals writes ~6 GB of
// fresh rows and columns; with 4 KiB pages that is 1.5M page faults, about a
// sixth of its time. Only a hint: on other systems, or when the kernel says
// no, nothing changes (the contents never depend on it).
#include <cstddef>
#include <cstdint>
#include <new>
#include <vector>

#if defined(__linux__)
#include <sys/mman.h>
#endif

namespace salescomp::detail {

inline void advise_huge_pages(const void* data, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHuge = std::uintptr_t(1) << 21;
  if (bytes < 2 * kHuge) return;
  // Only the whole huge pages inside the buffer: madvise wants aligned ranges.
  const std::uintptr_t begin = (reinterpret_cast<std::uintptr_t>(data) + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t end = (reinterpret_cast<std::uintptr_t>(data) + bytes) & ~(kHuge - 1);
  if (end > begin) (void)madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
#else
  (void)data;
  (void)bytes;
#endif
}

// Reserves room for n elements and advises huge pages for it.
template <class T, class A>
void reserve_huge(std::vector<T, A>& v, std::size_t n) {
  v.reserve(n);
  advise_huge_pages(v.data(), v.capacity() * sizeof(T));
}

// One huge page of fresh memory (kHugePageBytes, aligned to it), for the
// crediting workers' row chunks. Mapped on its own rather than taken from
// malloc: freeing it gives the memory back to the system at once (glibc keeps
// freed blocks of this size in its heap once its mmap threshold has grown),
// so a run's rows are released as they are consumed. Elsewhere it is plain
// aligned operator new.
inline constexpr std::size_t kHugePageBytes = std::size_t(1) << 21;

inline void* allocate_huge_page() {
#if defined(__linux__)
  // Map twice the size and unmap the unaligned ends: only an aligned 2 MiB
  // range can be one huge page.
  void* raw = mmap(nullptr, 2 * kHugePageBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) throw std::bad_alloc();
  const std::uintptr_t at = reinterpret_cast<std::uintptr_t>(raw);
  const std::uintptr_t begin = (at + kHugePageBytes - 1) & ~(kHugePageBytes - 1);
  if (begin > at) (void)munmap(raw, begin - at);
  const std::uintptr_t end = begin + kHugePageBytes;
  if (at + 2 * kHugePageBytes > end)
    (void)munmap(reinterpret_cast<void*>(end), at + 2 * kHugePageBytes - end);
#if defined(MADV_HUGEPAGE)
  (void)madvise(reinterpret_cast<void*>(begin), kHugePageBytes, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void*>(begin);
#else
  return ::operator new(kHugePageBytes, std::align_val_t(kHugePageBytes));
#endif
}

inline void free_huge_page(void* p) noexcept {
  if (!p) return;
#if defined(__linux__)
  (void)munmap(p, kHugePageBytes);
#else
  ::operator delete(p, std::align_val_t(kHugePageBytes));
#endif
}

}  // namespace salescomp::detail
