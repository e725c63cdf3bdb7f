#include "fanout/proc_stats.hpp"

#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>

namespace stratus::fanout {

proc_reading read_proc(int pid) {
  const std::string dir = pid > 0 ? "/proc/" + std::to_string(pid) : "/proc/self";
  proc_reading r;
  std::ifstream stat(dir + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return r;
  // Fields after the command name (which may hold spaces) start at field 3 (state).
  const auto close = line.rfind(')');
  if (close == std::string::npos) return r;
  std::istringstream rest(line.substr(close + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  r.cpu_seconds = static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
  std::ifstream status(dir + "/status");
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      r.rss_kb = std::stoull(line.substr(6));
      break;
    }
  }
  r.ok = true;
  return r;
}

}  // namespace stratus::fanout
