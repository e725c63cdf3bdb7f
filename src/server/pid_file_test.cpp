#include "server/pid_file.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <optional>
#include <sstream>

namespace stratus::server {
namespace {

namespace fs = std::filesystem;

struct pid_file_test : ::testing::Test {
  fs::path dir = fs::temp_directory_path() / ("stratus_pid_test_" + std::to_string(getpid()));
  fs::path path = dir / "sub" / "stratus.pid";
  void TearDown() override { fs::remove_all(dir); }
  std::string content() const {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

TEST_F(pid_file_test, writes_the_pid_and_removes_the_file_on_exit) {
  {
    pid_file pids(path);  // creates the missing folder
    pids.write(4242);
    EXPECT_EQ(content(), "4242\n");
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST_F(pid_file_test, a_second_holder_is_refused_with_the_running_pid) {
  pid_file first(path);
  first.write(777);
  try {
    pid_file second(path);
    FAIL() << "the lock was taken twice";
  } catch (const already_running& e) {
    EXPECT_EQ(std::string(e.what()),
              "stratus is already running (pid 777, pid file " + path.string() + ")");
  }
  EXPECT_EQ(content(), "777\n");  // the refused attempt left the file alone
}

TEST_F(pid_file_test, a_stale_file_without_a_lock_is_taken_over) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "99999999\n";
  pid_file pids(path);
  pids.write(12);
  EXPECT_EQ(content(), "12\n");
}

TEST_F(pid_file_test, an_unwritten_file_is_not_removed) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << "5\n";
  { pid_file pids(path); }
  EXPECT_TRUE(fs::exists(path));
}

}  // namespace
}  // namespace stratus::server
