#include "codec/protobuf_log.hpp"

#include <google/protobuf/stubs/logging.h>

#include <cstdio>
#include <string>
#include <string_view>

namespace stratus::codec {
namespace {

bool is_parse_complaint(std::string_view file) {
  // Parsing diagnostics come from the wire-format readers; everything else is a real bug.
  return file.find("wire_format") != std::string_view::npos ||
         file.find("parse_context") != std::string_view::npos;
}

void filtered_handler(google::protobuf::LogLevel level, const char* filename, int line,
                      const std::string& message) {
  if (level < google::protobuf::LOGLEVEL_FATAL && is_parse_complaint(filename)) return;
  static constexpr const char* level_names[] = {"INFO", "WARNING", "ERROR", "FATAL"};
  std::fprintf(stderr, "[libprotobuf %s %s:%d] %s\n", level_names[level], filename, line,
               message.c_str());
}

}  // namespace

void silence_protobuf_parse_logs() {
  google::protobuf::SetLogHandler(&filtered_handler);
}

}  // namespace stratus::codec
