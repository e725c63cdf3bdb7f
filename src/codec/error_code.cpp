#include "codec/error_code.hpp"

#include <array>
#include <utility>

namespace stratus::codec {
namespace {

constexpr std::array<std::pair<error_code, std::string_view>, 8> wire_names{{
    {error_code::invalid_message, "INVALID_MESSAGE"},
    {error_code::unknown_message_type, "UNKNOWN_MESSAGE_TYPE"},
    {error_code::unauthorized, "UNAUTHORIZED"},
    {error_code::bad_request, "BAD_REQUEST"},
    {error_code::rate_limited, "RATE_LIMITED"},
    {error_code::backend_unavailable, "BACKEND_UNAVAILABLE"},
    {error_code::internal, "INTERNAL"},
    {error_code::resume_expired, "RESUME_EXPIRED"},
}};

}  // namespace

std::string_view to_wire(error_code code) noexcept {
  for (const auto& [value, name] : wire_names) {
    if (value == code) return name;
  }
  return "INTERNAL";
}

std::optional<error_code> error_code_from_wire(std::string_view text) noexcept {
  for (const auto& [value, name] : wire_names) {
    if (name == text) return value;
  }
  return std::nullopt;
}

}  // namespace stratus::codec
