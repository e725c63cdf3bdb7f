#pragma once
#include <cstdint>

#include "runtime/address.hpp"
#include "runtime/payload.hpp"

namespace stratus::runtime {

/// What an envelope carries.
enum class message_kind : std::uint8_t {
  send,      ///< one-way message (session 0) or a call's request (session != 0)
  response,  ///< a call's result
  error,     ///< a call's failure (body is a call_error)
  start,     ///< first message of every service
  kill,      ///< asks the service to exit
};

/// One message in a mailbox.
struct envelope {
  address source = no_address;
  std::int32_t session = 0;
  message_kind kind = message_kind::send;
  payload body;
  std::uint64_t request = 0;  ///< the client request it was sent for (log::current_request)
};

}  // namespace stratus::runtime
