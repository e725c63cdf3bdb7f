#include "admin/process_figures.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

namespace stratus::admin {

namespace {

std::string read_all(const char* path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// btime from /proc/stat: the boot time, seconds since the epoch.
double boot_time_seconds() {
  std::istringstream in(read_all("/proc/stat"));
  std::string key;
  double value = 0;
  while (in >> key) {
    if (key == "btime" && in >> value) return value;
    in.ignore(1 << 20, '\n');
  }
  return 0;
}

double count_open_fds() {
  std::error_code ec;
  double n = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec))
    ++n;
  return n;
}

}  // namespace

bool parse_proc_stat(const std::string& text, long ticks_per_s, long page_size, double boot_time_s,
                     process_figures& out) {
  // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
  const auto close = text.rfind(')');
  if (close == std::string::npos || ticks_per_s <= 0) return false;
  std::istringstream in(text.substr(close + 1));
  std::vector<std::string> f;  // f[0] is field 3 (state)
  for (std::string word; in >> word;) f.push_back(word);
  if (f.size() < 22) return false;
  try {
    const double utime = std::stod(f[11]), stime = std::stod(f[12]);  // fields 14, 15
    out.cpu_seconds = (utime + stime) / static_cast<double>(ticks_per_s);
    out.threads = std::stod(f[17]);  // field 20
    out.start_time_seconds = boot_time_s + std::stod(f[19]) / static_cast<double>(ticks_per_s);
    out.virtual_bytes = std::stod(f[20]);                                    // field 23
    out.resident_bytes = std::stod(f[21]) * static_cast<double>(page_size);  // field 24
  } catch (const std::exception&) {
    return false;
  }
  return true;
}

process_figures read_process_figures() {
  process_figures out;
  parse_proc_stat(read_all("/proc/self/stat"), ::sysconf(_SC_CLK_TCK), ::sysconf(_SC_PAGESIZE),
                  boot_time_seconds(), out);
  out.open_fds = count_open_fds();
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0) out.max_fds = static_cast<double>(lim.rlim_cur);
  return out;
}

}  // namespace stratus::admin
