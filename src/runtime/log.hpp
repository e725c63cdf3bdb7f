#pragma once
// The node's log (spdlog underneath). Every line: time with milliseconds, level, the service
// that logged it (`[:0000000a .cacheproxyd]`, or `[main]` outside services), the message.
// Levels are checked before any formatting, so a disabled line costs one atomic load.
// A line written while a client request is being handled also carries that request's id
// (`req=00c0ffee00000001`), in the handler and in every service it calls, so one grep finds
// everything one request did.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

namespace stratus::runtime::log {

/// Severity of one line, lowest first.
enum class level : int { trace, debug, info, warn, error, off };

/// Where and what to log.
struct options {
  std::string level = "info";  ///< trace|debug|info|warn|error
  std::string file;            ///< log file path; empty = stdout
};

/// Configures the log; calling it again re-targets it. Thread-safe.
/// Throws std::invalid_argument for an unknown level and std::runtime_error when the file
/// cannot be opened (start-up failures).
void init(const options& opts);
/// Changes the lowest level written, at run time (the console's `log LEVEL`). Thread-safe.
void set_level(level lv);
/// The lowest level written now.
level current();
/// Reopens the log file at the same path (SIGHUP after logrotate moved it). No-op on stdout.
void reopen();
/// Writes out buffered lines.
void flush();
/// Parses trace|debug|info|warn|error; throws std::invalid_argument otherwise.
level parse_level(std::string_view name);

/// Marks lines logged on this thread as coming from a service until destroyed (nestable).
/// Cheap to open: the tag is formatted only when a line is actually written.
class service_scope {
 public:
  /// Makes `address`/`name` the current service of this thread (name truncated to 47 bytes).
  service_scope(std::uint32_t address, std::string_view name) noexcept;
  /// The same, reading `*name` when a line is written (so a later rename shows).
  service_scope(std::uint32_t address, const std::string* name) noexcept;
  /// Restores the scope that was current before.
  ~service_scope();
  service_scope(const service_scope&) = delete;
  service_scope& operator=(const service_scope&) = delete;

  /// The tag written on lines: `[:0000000a .cacheproxyd]`.
  std::string_view tag() const;

 private:
  service_scope* previous_;
  std::uint32_t address_;
  std::string_view name_view_;
  const std::string* name_ = nullptr;
  char name_buf_[48];
  mutable char tag_[64];
};

namespace detail {
/// The request the calling thread works for now; 0: none.
inline constinit thread_local std::uint64_t current_request = 0;
}  // namespace detail

/// The id of the request the calling thread works for now (0: none). Messages a service
/// sends or calls carry it, so the receiver's lines show it too.
inline std::uint64_t current_request() noexcept { return detail::current_request; }

/// A fresh request id, unique in this process and unlikely to repeat in another (the high
/// bits are random per process). No lock and no allocation: each thread takes a block of ids.
std::uint64_t next_request_id() noexcept;

/// Makes `id` the current request of this thread until destroyed (nestable; 0: none). Only
/// for synchronous code: a coroutine that suspends inside a scope would leave it set. The
/// runtime carries the id over a suspension itself (calls, sleeps, offloads, remote calls).
class request_scope {
 public:
  explicit request_scope(std::uint64_t id) noexcept : previous_(detail::current_request) {
    detail::current_request = id;
  }
  ~request_scope() { detail::current_request = previous_; }
  request_scope(const request_scope&) = delete;
  request_scope& operator=(const request_scope&) = delete;

 private:
  std::uint64_t previous_;
};

/// At most one line per interval from one call site; the next line says how many were suppressed.
class limiter {
 public:
  /// Allows one line per `interval`.
  explicit limiter(std::chrono::milliseconds interval) : interval_(interval.count()) {}
  /// True when a line may be written now; otherwise counts it as suppressed.
  bool allow();
  /// The number of suppressed lines since the last call, reset to zero.
  std::uint64_t take_suppressed() { return suppressed_.exchange(0, std::memory_order_relaxed); }

 private:
  std::int64_t interval_;
  std::atomic<std::int64_t> last_{INT64_MIN / 2};  // "long ago", without overflow
  std::atomic<std::uint64_t> suppressed_{0};
};

namespace detail {
extern std::atomic<int> current_level;
/// Appends the current thread's service tag and a space.
void append_scope(fmt::memory_buffer& out);
/// Hands a finished line (without time and level) to the sink.
void write(level lv, std::string_view line);

template <class... A>
void emit(level lv, fmt::format_string<A...> format, A&&... args) {
  fmt::memory_buffer line;
  append_scope(line);
  fmt::format_to(std::back_inserter(line), format, std::forward<A>(args)...);
  write(lv, {line.data(), line.size()});
}

template <class... A>
void emit_limited(level lv, limiter& lim, fmt::format_string<A...> format, A&&... args) {
  if (!lim.allow()) return;
  fmt::memory_buffer line;
  append_scope(line);
  fmt::format_to(std::back_inserter(line), format, std::forward<A>(args)...);
  if (std::uint64_t n = lim.take_suppressed(); n > 0) {
    fmt::format_to(std::back_inserter(line), " ({} similar lines suppressed)", n);
  }
  write(lv, {line.data(), line.size()});
}
}  // namespace detail

/// True when lines of level `lv` are written.
inline bool enabled(level lv) {
  return static_cast<int>(lv) >= detail::current_level.load(std::memory_order_relaxed);
}

/// Logs at trace level.
template <class... A>
void trace(fmt::format_string<A...> f, A&&... a) {
  if (enabled(level::trace)) detail::emit(level::trace, f, std::forward<A>(a)...);
}
/// Logs at debug level.
template <class... A>
void debug(fmt::format_string<A...> f, A&&... a) {
  if (enabled(level::debug)) detail::emit(level::debug, f, std::forward<A>(a)...);
}
/// Logs at info level.
template <class... A>
void info(fmt::format_string<A...> f, A&&... a) {
  if (enabled(level::info)) detail::emit(level::info, f, std::forward<A>(a)...);
}
/// Logs at warn level.
template <class... A>
void warn(fmt::format_string<A...> f, A&&... a) {
  if (enabled(level::warn)) detail::emit(level::warn, f, std::forward<A>(a)...);
}
/// Logs at error level.
template <class... A>
void error(fmt::format_string<A...> f, A&&... a) {
  if (enabled(level::error)) detail::emit(level::error, f, std::forward<A>(a)...);
}

/// Info line limited by `lim`.
template <class... A>
void info_limited(limiter& lim, fmt::format_string<A...> f, A&&... a) {
  if (enabled(level::info)) detail::emit_limited(level::info, lim, f, std::forward<A>(a)...);
}
/// Warn line limited by `lim`.
template <class... A>
void warn_limited(limiter& lim, fmt::format_string<A...> f, A&&... a) {
  if (enabled(level::warn)) detail::emit_limited(level::warn, lim, f, std::forward<A>(a)...);
}
/// Error line limited by `lim`.
template <class... A>
void error_limited(limiter& lim, fmt::format_string<A...> f, A&&... a) {
  if (enabled(level::error)) detail::emit_limited(level::error, lim, f, std::forward<A>(a)...);
}

}  // namespace stratus::runtime::log
