#pragma once
// The result of decoding: a value, or the reason it could not be produced.

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <variant>

#include "codec/error_code.hpp"
#include "common/expected.hpp"

namespace stratus::codec {

/// Why a packet could not be decoded; carries what the error reply needs.
struct decode_error {
  error_code code = error_code::invalid_message;  ///< the code for the error reply
  std::string reason;                             ///< for the log and the reply; no secrets
  std::optional<std::int32_t> session;            ///< the request's session, when readable
};

/// Either a T or the decode_error that prevented it; never throws on the failure path.
template <class T>
using result = stratus::expected<T, decode_error>;

}  // namespace stratus::codec
