#pragma once
// Subcommands of stratus-sproto. Each returns the process exit code.

#include <iosfwd>
#include <string>
#include <vector>

namespace stratus::sproto::cli {

/// `check FILE...`: parse each file; print errors; 1 if any failed.
int check(const std::vector<std::string>& files, std::ostream& out, std::ostream& err);
/// `dump FILE`: types (sorted, fields by tag) and protocols with their tags.
int dump(const std::string& file, std::ostream& out, std::ostream& err);
/// `encode SCHEMA TYPE`: JSON (vector mapping) on `in`, hex out.
int encode(const std::string& file, const std::string& type, std::istream& in, std::ostream& out,
           std::ostream& err);
/// `decode SCHEMA TYPE`: hex on `in`, JSON out.
int decode(const std::string& file, const std::string& type, std::istream& in, std::ostream& out,
           std::ostream& err);
/// `pack` / `unpack`: hex in, hex out.
int pack(bool unpack, std::istream& in, std::ostream& out, std::ostream& err);
/// `rpc-decode C2S S2C [RESPONSE_PROTO]`: packed RPC message (hex) in, JSON description out.
int rpc_decode(const std::string& c2s, const std::string& s2c, const std::string& response_proto,
               std::istream& in, std::ostream& out, std::ostream& err);

/// `gen SCHEMA NAMESPACE OUT_HPP OUT_CPP [INCLUDE]`: C++ structs and codecs for a schema;
/// INCLUDE is how the source includes the header (default: the header's file name).
int gen(const std::string& schema_file, const std::string& ns, const std::string& header_out,
        const std::string& source_out, const std::string& include, std::ostream& err);

}  // namespace stratus::sproto::cli
