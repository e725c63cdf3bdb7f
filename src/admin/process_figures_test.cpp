// /proc parsing: fields after the command name, which may hold spaces and parentheses.
#include "admin/process_figures.hpp"

#include <gtest/gtest.h>

namespace stratus::admin {
namespace {

TEST(ProcessFigures, ParsesStatPastAnOddCommandName) {
  // pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime
  // cutime cstime priority nice num_threads itrealvalue starttime vsize rss
  const std::string stat =
      "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 250 150 0 0 20 0 7 0 1000 8192000 300 x";
  process_figures p;
  ASSERT_TRUE(parse_proc_stat(stat, 100, 4096, 1'000'000, p));
  EXPECT_DOUBLE_EQ(p.cpu_seconds, 4.0);
  EXPECT_DOUBLE_EQ(p.threads, 7);
  EXPECT_DOUBLE_EQ(p.start_time_seconds, 1'000'010);
  EXPECT_DOUBLE_EQ(p.virtual_bytes, 8192000);
  EXPECT_DOUBLE_EQ(p.resident_bytes, 300.0 * 4096);
  EXPECT_FALSE(parse_proc_stat("garbage", 100, 4096, 0, p));
}

TEST(ProcessFigures, ReadsThisProcess) {
  const process_figures p = read_process_figures();
  EXPECT_GT(p.resident_bytes, 0);
  EXPECT_GT(p.open_fds, 2);
  EXPECT_GE(p.threads, 1);
}

}  // namespace
}  // namespace stratus::admin
