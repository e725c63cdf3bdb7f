#pragma once
// A child process for tests: started with fork/exec, killed when the test process dies.

#include <sys/types.h>
#include <string>
#include <vector>

namespace stratus::test_support {

/// One running program. The child gets SIGKILL when the test process exits or crashes
/// (PR_SET_PDEATHSIG), and the destructor kills and reaps it, so no server outlives a test run.
class child_process {
 public:
  /// Starts `argv` (argv[0] is looked up in PATH) with stdout and stderr appended to `log_path`.
  /// Throws std::runtime_error when the program cannot be found or forked.
  child_process(const std::vector<std::string>& argv, const std::string& log_path);
  /// Kills (SIGKILL) and reaps the child if it still runs.
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  /// Sends SIGKILL and waits for the child to exit.
  void kill();
  /// True while the child has not exited.
  bool running();
  /// The child's process id.
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
};

/// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int free_loopback_port();

/// A fresh directory under $TMPDIR (or /tmp), removed with its contents by the destructor.
class scratch_dir {
 public:
  /// Creates the directory; `prefix` names it for people reading /tmp.
  explicit scratch_dir(const std::string& prefix);
  /// Removes the directory tree.
  ~scratch_dir();
  scratch_dir(const scratch_dir&) = delete;
  scratch_dir& operator=(const scratch_dir&) = delete;

  /// Absolute path of the directory.
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace stratus::test_support
