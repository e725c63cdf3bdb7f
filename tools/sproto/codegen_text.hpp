#pragma once
// The two halves of `stratus-sproto gen` output (internal to the generator).

#include <string>

#include "codegen.hpp"
#include "codegen_model.hpp"

namespace stratus::sproto::cli {

/// The header text.
std::string generate_header(const codegen_model& m, const codegen_options& o);
/// The source text.
std::string generate_source(const codegen_model& m, const codegen_options& o);

}  // namespace stratus::sproto::cli
