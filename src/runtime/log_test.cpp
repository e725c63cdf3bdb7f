#include "runtime/log.hpp"
#include "runtime/log_format.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

namespace stratus::runtime::log {
namespace {

namespace fs = std::filesystem;

/// Sends the log to a fresh file for one test and back to stdout afterwards.
class log_file : public ::testing::Test {
 protected:
  fs::path dir_ = fs::temp_directory_path() / ("stratus_log_test_" + std::to_string(getpid()));
  fs::path file_ = dir_ / "node.log";

  void SetUp() override {
    fs::create_directories(dir_);
    init({.level = "info", .file = file_.string()});
  }
  void TearDown() override {
    init({});
    fs::remove_all(dir_);
  }

  static std::vector<std::string> lines_of(const fs::path& path) {
    flush();
    std::ifstream in(path);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
  }
  /// True when `line` starts with "YYYY-MM-DD HH:MM:SS.mmm ".
  static bool has_timestamp(const std::string& line) {
    const std::string shape = "dddd-dd-dd dd:dd:dd.ddd ";
    if (line.size() < shape.size()) return false;
    for (std::size_t i = 0; i < shape.size(); ++i) {
      bool digit = line[i] >= '0' && line[i] <= '9';
      if (shape[i] == 'd' ? !digit : line[i] != shape[i]) return false;
    }
    return true;
  }
  /// The part after "<date> <time> [level] ".
  static std::string body(const std::string& line) {
    auto at = line.find("] ");
    return at == std::string::npos ? line : line.substr(at + 2);
  }
};

TEST_F(log_file, line_has_time_with_milliseconds_level_scope_and_message) {
  info("hello {} {}", 42, "world");
  warn("careful");
  auto lines = lines_of(file_);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_TRUE(has_timestamp(lines[0])) << lines[0];
  EXPECT_EQ(lines[0].substr(24), "[info] [main] hello 42 world");
  EXPECT_NE(lines[1].find("[warning] [main] careful"), std::string::npos) << lines[1];
}

TEST_F(log_file, lines_below_the_level_are_not_written) {
  debug("invisible {}", 1);
  trace("invisible");
  EXPECT_FALSE(enabled(level::debug));
  init({.level = "debug", .file = file_.string()});
  debug("visible");
  auto lines = lines_of(file_);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(body(lines[0]), "[main] visible");
  EXPECT_THROW(init({.level = "loud", .file = {}}), std::invalid_argument);
}

TEST_F(log_file, service_scopes_nest_and_restore) {
  {
    service_scope outer(0x0a, ".cacheproxyd");
    info("in outer");
    {
      service_scope inner(0x1234, "agent");
      info("in inner");
    }
    info("outer again");
  }
  info("outside");
  std::thread([] {
    service_scope other(7, "");
    info("other thread");
  }).join();
  auto lines = lines_of(file_);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(body(lines[0]), "[:0000000a .cacheproxyd] in outer");
  EXPECT_EQ(body(lines[1]), "[:00001234 agent] in inner");
  EXPECT_EQ(body(lines[2]), "[:0000000a .cacheproxyd] outer again");
  EXPECT_EQ(body(lines[3]), "[main] outside");
  EXPECT_EQ(body(lines[4]), "[:00000007] other thread");
}

TEST_F(log_file, lines_of_a_request_carry_its_id_in_text_and_json) {
  {
    service_scope scope(0x0a, ".cacheproxyd");
    request_scope request(0x00c0ffee00000001);
    info("inside");
    {
      request_scope none(0);
      info("not for the request");
    }
    set_format("json");
    info("as json");
    set_format("text");
  }
  info("outside");
  auto lines = lines_of(file_);
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(body(lines[0]), "[:0000000a .cacheproxyd] req=00c0ffee00000001 inside");
  EXPECT_EQ(body(lines[1]), "[:0000000a .cacheproxyd] not for the request");
  EXPECT_NE(lines[2].find(R"("service":":0000000a .cacheproxyd","req":"00c0ffee00000001",)"
                          R"("msg":"as json"})"),
            std::string::npos)
      << lines[2];
  EXPECT_EQ(body(lines[3]), "[main] outside");
  EXPECT_EQ(current_request(), 0u);
}

TEST_F(log_file, long_service_names_are_truncated) {
  service_scope scope(1, std::string(100, 'n'));
  EXPECT_EQ(scope.tag(), "[:00000001 " + std::string(47, 'n') + "]");
}

TEST_F(log_file, limiter_writes_one_line_per_interval_and_counts_the_rest) {
  limiter lim(std::chrono::milliseconds(200));
  for (int i = 0; i < 5; ++i) warn_limited(lim, "overload {}", i);
  std::this_thread::sleep_for(std::chrono::milliseconds(250));
  warn_limited(lim, "overload {}", 5);
  warn_limited(lim, "overload {}", 6);
  auto lines = lines_of(file_);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(body(lines[0]), "[main] overload 0");
  EXPECT_EQ(body(lines[1]), "[main] overload 5 (4 similar lines suppressed)");
  EXPECT_EQ(lim.take_suppressed(), 1u);
  EXPECT_EQ(lim.take_suppressed(), 0u);
}

TEST_F(log_file, reopen_after_the_file_was_moved_creates_a_new_file) {
  info("before rotation");
  fs::path rotated = dir_ / "node.log.1";
  fs::rename(file_, rotated);
  info("still to the moved file");
  reopen();
  info("after rotation");
  auto old_lines = lines_of(rotated);
  auto new_lines = lines_of(file_);
  ASSERT_EQ(old_lines.size(), 2u);
  EXPECT_EQ(body(old_lines[1]), "[main] still to the moved file");
  ASSERT_EQ(new_lines.size(), 1u);
  EXPECT_EQ(body(new_lines[0]), "[main] after rotation");
}

TEST_F(log_file, unwritable_log_file_is_a_startup_error) {
  EXPECT_THROW(init({.level = "info", .file = (dir_ / "no/such/dir/x.log").string()}),
               std::runtime_error);
  info("still works");
  EXPECT_EQ(lines_of(file_).size(), 1u);
}

TEST_F(log_file, many_threads_write_whole_lines) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t] {
      service_scope scope(static_cast<std::uint32_t>(t), "writer");
      for (int i = 0; i < 200; ++i) info("line {} of {}", i, t);
    });
  }
  for (auto& thread : threads) thread.join();
  auto lines = lines_of(file_);
  ASSERT_EQ(lines.size(), 800u);
  std::vector<int> per_writer(4);
  for (const auto& line : lines) {
    ASSERT_TRUE(has_timestamp(line)) << line;
    ASSERT_EQ(line.substr(24, 26),
              "[info] [:0000000" + std::to_string(line[40] - '0') + " writer] ");
    ASSERT_EQ(line.substr(line.size() - 5, 4), " of ");
    ++per_writer[line.back() - '0'];
  }
  EXPECT_EQ(per_writer, (std::vector<int>{200, 200, 200, 200}));
}

}  // namespace
}  // namespace stratus::runtime::log
