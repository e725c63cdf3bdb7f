#include "runtime/log.hpp"
#include "runtime/log_format.hpp"

#include <atomic>
#include <chrono>
#include <ctime>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>

#include <spdlog/logger.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/base_sink.h>

namespace stratus::runtime::log {
namespace {

/// Writes to stdout or to a file it can close and open again at the same path.
class reopenable_sink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  ~reopenable_sink() override { close(); }

  /// Switches to `path` (empty: stdout); throws std::runtime_error when it cannot be opened.
  void target(const std::string& path) {
    std::lock_guard lock(mutex_);
    std::FILE* next = path.empty() ? stdout : open(path);
    close();
    file_ = next;
    path_ = path;
  }

  /// Reopens the current file so a moved or deleted one is replaced by a new one.
  void reopen() {
    std::lock_guard lock(mutex_);
    if (path_.empty()) return;
    std::FILE* next = std::fopen(path_.c_str(), "a");
    if (next == nullptr) return;  // keep writing to the old file rather than to nothing
    close();
    file_ = next;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    if (json.load(std::memory_order_relaxed)) return write_json(msg);
    spdlog::memory_buf_t line;
    formatter_->format(msg, line);
    std::fwrite(line.data(), 1, line.size(), file_);
    std::fflush(file_);  // one write per line: a crash loses nothing, tail -f sees it at once
  }
  void flush_() override { std::fflush(file_); }

 public:
  /// One JSON object per line instead of the text pattern.
  std::atomic<bool> json{false};

 private:
  void write_json(const spdlog::details::log_msg& msg);

 private:
  static std::FILE* open(const std::string& path) {
    std::FILE* f = std::fopen(path.c_str(), "a");
    if (f == nullptr) {
      throw std::runtime_error("cannot open log file " + path + ": " + std::strerror(errno));
    }
    return f;
  }
  void close() {
    if (file_ != nullptr && file_ != stdout) std::fclose(file_);
    file_ = nullptr;
  }

  std::FILE* file_ = stdout;
  std::string path_;
};

/// Appends `s` as a JSON string (quotes included).
void append_json_string(fmt::memory_buffer& out, std::string_view s) {
  out.push_back('"');
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '"' || c == '\\') {
      out.push_back('\\');
      out.push_back(ch);
    } else if (c < 0x20) {
      fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    } else {
      out.push_back(ch);  // UTF-8 passes through; the log never holds binary payloads
    }
  }
  out.push_back('"');
}

void reopenable_sink::write_json(const spdlog::details::log_msg& msg) {
  // The text line starts with the service tag: "[:0000000a .cacheproxyd] message" or "[main] ".
  std::string_view text(msg.payload.data(), msg.payload.size());
  std::string_view service;
  if (const auto end = text.find("] "); !text.empty() && text[0] == '[' && end != text.npos) {
    service = text.substr(1, end - 1);
    text.remove_prefix(end + 2);
  }
  // Then, for a line written for a request, "req=<16 hex digits> " (the sink runs on the thread
  // that logged, so its current request tells whether the line has one).
  std::string_view req;
  if (detail::current_request != 0 && text.size() >= 21 && text.substr(0, 4) == "req=" &&
      text[20] == ' ') {
    req = text.substr(4, 16);
    text.remove_prefix(21);
  }
  const auto since = msg.time.time_since_epoch();
  const std::time_t secs = std::chrono::duration_cast<std::chrono::seconds>(since).count();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(since).count() % 1000;
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  fmt::memory_buffer out;
  fmt::format_to(std::back_inserter(out),
                 "{{\"time\":\"{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z\",\"level\":\"{}\","
                 "\"service\":",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 ms, std::string_view(spdlog::level::to_string_view(msg.level).data(),
                                      spdlog::level::to_string_view(msg.level).size()));
  append_json_string(out, service);
  if (!req.empty()) {
    out.append(std::string_view(",\"req\":"));
    append_json_string(out, req);
  }
  out.append(std::string_view(",\"msg\":"));
  append_json_string(out, text);
  out.append(std::string_view("}\n"));
  std::fwrite(out.data(), 1, out.size(), file_);
  std::fflush(file_);
}

struct log_state {
  std::shared_ptr<reopenable_sink> sink = std::make_shared<reopenable_sink>();
  spdlog::logger logger{"stratus", sink};
  log_state() {
    logger.set_pattern("%Y-%m-%d %H:%M:%S.%e [%l] %v");
    logger.set_level(spdlog::level::trace);  // filtering happens before formatting, in log.hpp
  }
};

log_state& state() {
  static log_state* instance = new log_state;  // never destroyed: threads may log during exit
  return *instance;
}

thread_local service_scope* current_scope = nullptr;

spdlog::level::level_enum to_spdlog(level lv) {
  switch (lv) {
    case level::trace:
      return spdlog::level::trace;
    case level::debug:
      return spdlog::level::debug;
    case level::info:
      return spdlog::level::info;
    case level::warn:
      return spdlog::level::warn;
    case level::error:
      return spdlog::level::err;
    case level::off:
      break;
  }
  return spdlog::level::off;
}

}  // namespace

namespace detail {
std::atomic<int> current_level{static_cast<int>(level::info)};

void append_scope(fmt::memory_buffer& out) {
  std::string_view tag = current_scope ? current_scope->tag() : std::string_view("[main]");
  out.append(tag);
  out.push_back(' ');
  if (current_request != 0)
    fmt::format_to(std::back_inserter(out), "req={:016x} ", current_request);
}

void write(level lv, std::string_view line) {
  state().logger.log(to_spdlog(lv), line);
}
}  // namespace detail

std::uint64_t next_request_id() noexcept {
  // Ids are handed out in blocks of 4,096 per thread, so threads never contend on them.
  constexpr std::uint64_t block = 4096;
  static std::atomic<std::uint64_t> next_block{[] {
    std::random_device rd;
    return (static_cast<std::uint64_t>(rd()) << 32) & 0xffffff0000000000ull;
  }()};
  thread_local std::uint64_t next = 0, end = 0;
  if (next == end) {
    next = next_block.fetch_add(block, std::memory_order_relaxed);
    end = next + block;
    if (next == 0) ++next;  // 0 means "no request"
  }
  return next++;
}

level parse_level(std::string_view name) {
  constexpr std::string_view names[] = {"trace", "debug", "info", "warn", "error"};
  for (int i = 0; i < 5; ++i) {
    if (names[i] == name) return static_cast<level>(i);
  }
  throw std::invalid_argument("unknown log level '" + std::string(name) +
                              "' (trace|debug|info|warn|error)");
}

void set_format(std::string_view format) {
  if (format != "text" && format != "json")
    throw std::invalid_argument("unknown log format '" + std::string(format) + "' (text|json)");
  state().sink->json.store(format == "json", std::memory_order_relaxed);
}

void set_level(level lv) {
  detail::current_level.store(static_cast<int>(lv), std::memory_order_relaxed);
}

level current() {
  return static_cast<level>(detail::current_level.load(std::memory_order_relaxed));
}

void init(const options& opts) {
  level lv = parse_level(opts.level);
  state().sink->target(opts.file);
  detail::current_level.store(static_cast<int>(lv), std::memory_order_relaxed);
}

void reopen() {
  state().sink->reopen();
}

void flush() {
  state().logger.flush();
}

service_scope::service_scope(std::uint32_t address, std::string_view name) noexcept
    : previous_(current_scope), address_(address) {
  // The caller's string may not outlive the scope: keep a copy (truncated) in tag_.
  if (name.size() > 47) name = name.substr(0, 47);
  std::memcpy(name_buf_, name.data(), name.size());
  name_view_ = std::string_view(name_buf_, name.size());
  current_scope = this;
}

service_scope::service_scope(std::uint32_t address, const std::string* name) noexcept
    : previous_(current_scope), address_(address), name_(name) {
  current_scope = this;
}

std::string_view service_scope::tag() const {
  std::string_view name = name_ ? std::string_view(*name_) : name_view_;
  if (name.size() > 47) name = name.substr(0, 47);
  auto end = name.empty() ? fmt::format_to_n(tag_, sizeof tag_ - 1, "[:{:08x}]", address_)
                          : fmt::format_to_n(tag_, sizeof tag_ - 1, "[:{:08x} {}]", address_, name);
  return {tag_, end.size < sizeof tag_ - 1 ? end.size : sizeof tag_ - 1};
}

service_scope::~service_scope() {
  current_scope = previous_;
}

bool limiter::allow() {
  std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::steady_clock::now().time_since_epoch())
                         .count();
  std::int64_t last = last_.load(std::memory_order_relaxed);
  if (now - last >= interval_ && last_.compare_exchange_strong(last, now)) return true;
  suppressed_.fetch_add(1, std::memory_order_relaxed);
  return false;
}

}  // namespace stratus::runtime::log
