#pragma once
#include <cstddef>

namespace stratus::runtime::detail {

/// Memory for coroutine frames. Every request runs a few short coroutines (the root, the
/// agent's step, the handler), so frames come and go at the request rate; each thread keeps
/// the frames it freed, by size class of 64 bytes up to 1 KiB, and hands them out again
/// without going to malloc. Bigger frames, and every frame under AddressSanitizer (so that a
/// use after free is still reported), go straight to operator new.
void* frame_allocate(std::size_t size);
/// Gives back a frame from frame_allocate(size), on any thread.
void frame_deallocate(void* frame, std::size_t size) noexcept;

/// Coroutine promise types derive from this to allocate their frames from the pool.
struct pooled_frame {
  static void* operator new(std::size_t size) { return frame_allocate(size); }
  static void operator delete(void* frame, std::size_t size) noexcept {
    frame_deallocate(frame, size);
  }
};

}  // namespace stratus::runtime::detail
