#include "backend/result.hpp"

namespace stratus::backend {

std::string_view to_string(error_code code) {
  switch (code) {
    case error_code::backend_unavailable:
      return "backend_unavailable";
    case error_code::timeout:
      return "timeout";
    case error_code::bad_request:
      return "bad_request";
    case error_code::conflict:
      return "conflict";
    case error_code::internal:
      return "internal";
  }
  return "unknown";
}

}  // namespace stratus::backend
