#pragma once
// An allocator that gives each allocation its own anonymous mapping, so that freeing it returns its
// pages to the system at once (from the heap they could stay resident). For the few large arrays
// whose peak decides the memory of a run (dedup's band keys and partition entries).

#include <sys/mman.h>

#include <cstddef>
#include <new>

namespace dqprep {

template <class T>
struct MappedAllocator {
  using value_type = T;
  MappedAllocator() = default;
  template <class U>
  MappedAllocator(const MappedAllocator<U>&) {}
  T* allocate(size_t n) {
    void* p = ::mmap(nullptr, n * sizeof(T), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::bad_alloc();
    return static_cast<T*>(p);
  }
  void deallocate(T* p, size_t n) { ::munmap(p, n * sizeof(T)); }
  friend bool operator==(const MappedAllocator&, const MappedAllocator&) { return true; }
};

}  // namespace dqprep
