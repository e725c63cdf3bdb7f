#pragma once
// C++ code generation from a schema (`stratus-sproto gen`): one struct template per type with
// encode/decode functions that know every tag at compile time (see src/sproto/gen/).

#include <string>

#include "sproto/result.hpp"
#include "sproto/schema.hpp"

namespace stratus::sproto::cli {

/// How to name and place the generated code.
struct codegen_options {
  std::string ns;           ///< C++ namespace, e.g. `stratus::proto::c2s`
  std::string include;      ///< how the source includes the header, e.g. `proto/c2s.hpp`
  std::string schema_name;  ///< schema file name, quoted in the generated comments
};

/// Generated header and source text.
struct generated_code {
  std::string header;  ///< struct templates, protocol descriptors, declarations
  std::string source;  ///< encode/decode definitions, instantiated for both string flavours
};

/// Generates C++ for every type and protocol of `s`.
result<generated_code> generate_cpp(const schema& s, const codegen_options& options);

}  // namespace stratus::sproto::cli
