#pragma once
// Where the server finds the folders it ships with (proto/, migrations/) when they are not in
// the working directory: beside the binary, in the build and install layouts.
#include <filesystem>
#include <vector>

namespace stratus::runtime {

/// The places to look for `relative`, in order: as given (the working directory, where run.sh
/// starts the server), then the source tree of a build (build/<preset>/bin/../../..,
/// build/bin/../..), then an install (bin/..).
std::vector<std::filesystem::path> install_candidates(const std::filesystem::path& relative);

}  // namespace stratus::runtime
