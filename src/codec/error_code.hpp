#pragma once
// The error codes a client can receive in common.Error.code (wire.md, "Error codes").

#include <cstdint>
#include <optional>
#include <string_view>

namespace stratus::codec {

/// Why a request could not be served; spelled on the wire by to_wire().
enum class error_code : std::uint8_t {
  invalid_message,       ///< the packet cannot be decoded
  unknown_message_type,  ///< no handler is registered for header.msg_type
  unauthorized,          ///< missing or expired token where one is required
  bad_request,           ///< decoded, but the arguments are invalid
  rate_limited,          ///< the client sends too fast
  backend_unavailable,   ///< cache or database down
  internal,              ///< the handler threw; details only in the server log
  resume_expired,        ///< a resume came too late, after the buffer overflowed, or for a
                         ///< session that was closed: log in again
};

/// The wire spelling of a code, e.g. "INVALID_MESSAGE".
std::string_view to_wire(error_code code) noexcept;

/// The code spelled `text` on the wire; nullopt when `text` is not a known code.
std::optional<error_code> error_code_from_wire(std::string_view text) noexcept;

}  // namespace stratus::codec
