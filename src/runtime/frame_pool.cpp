#include "runtime/frame_pool.hpp"

#include <cstdint>
#include <new>

namespace stratus::runtime::detail {

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool pooling = false;
#else
constexpr bool pooling = true;
#endif

constexpr std::size_t granule = 64;
constexpr std::size_t classes = 16;      // 64, 128, ... 1024 bytes
constexpr std::uint32_t max_kept = 512;  // per class and thread (all classes full: 4.3 MiB)

struct free_frame {
  free_frame* next;
};

struct frame_cache {
  free_frame* head[classes] = {};
  std::uint32_t count[classes] = {};
  ~frame_cache();
};

// Set once this thread's cache is destroyed: frames freed later (thread-local destructors
// that run after it) go back to operator delete.
thread_local bool cache_gone = false;
thread_local frame_cache cache;

frame_cache::~frame_cache() {
  for (std::size_t c = 0; c < classes; ++c) {
    while (free_frame* f = head[c]) {
      head[c] = f->next;
      ::operator delete(f);
    }
  }
  cache_gone = true;
}

std::size_t class_of(std::size_t size) noexcept {
  return (size + granule - 1) / granule - 1;
}

}  // namespace

void* frame_allocate(std::size_t size) {
  std::size_t c = class_of(size);
  if (!pooling || c >= classes) return ::operator new(size);
  if (!cache_gone) {
    if (free_frame* f = cache.head[c]) {
      cache.head[c] = f->next;
      --cache.count[c];
      return f;
    }
  }
  // Always the class's full size: the frame may be kept and reused for any size in its class.
  return ::operator new((c + 1) * granule);
}

void frame_deallocate(void* frame, std::size_t size) noexcept {
  std::size_t c = class_of(size);
  if (!pooling || c >= classes || cache_gone || cache.count[c] >= max_kept) {
    ::operator delete(frame);
    return;
  }
  auto* f = static_cast<free_frame*>(frame);
  f->next = cache.head[c];
  cache.head[c] = f;
  ++cache.count[c];
}

}  // namespace stratus::runtime::detail
