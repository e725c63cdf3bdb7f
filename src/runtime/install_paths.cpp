#include "runtime/install_paths.hpp"

namespace stratus::runtime {

std::vector<std::filesystem::path> install_candidates(const std::filesystem::path& relative) {
  std::vector<std::filesystem::path> out{relative};
  if (relative.is_absolute()) return out;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return out;
  for (const char* up : {"../../..", "../..", ".."})
    out.push_back((exe.parent_path() / up / relative).lexically_normal());
  return out;
}

}  // namespace stratus::runtime
