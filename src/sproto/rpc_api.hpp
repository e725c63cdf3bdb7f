#pragma once
// Header-less RPC helpers (spec 5.4): a protocol's request/response bodies without the package
// header and without packing.

#include <string>
#include <string_view>

#include "sproto/codec.hpp"

namespace stratus::sproto {

/// Body and tag of an encoded request.
struct encoded_request {
  std::string body;  ///< encoded request struct; empty when the protocol has no request type
  int tag = 0;       ///< protocol tag
};

/// Decoded request and the protocol's name.
struct decoded_request {
  value args;        ///< nil when the protocol has no request type
  std::string name;  ///< protocol name
};

/// Encodes the request of protocol `proto`. `args` must be an object when the protocol has a
/// request type; it is ignored otherwise.
result<encoded_request> request_encode(const schema& s, std::string_view proto, const value& args);

/// Decodes a request body of protocol `proto` (nil args when it has no request type).
result<decoded_request> request_decode(const schema& s, std::string_view proto,
                                       std::string_view body);

/// Encodes the response of `proto`: an object when it has a response type, else `args` must
/// be nil and the body is empty.
result<std::string> response_encode(const schema& s, std::string_view proto, const value& args);

/// Decodes a response body of `proto` (nil when it has no response type).
result<value> response_decode(const schema& s, std::string_view proto, std::string_view body);

/// Appends the body of `p`'s request (or response) to `out`, checking `args` as above.
status encode_body(const schema& s, const protocol& p, bool request, const value& args,
                   std::string& out);

/// Same, appending through a generated-code writer (host packets: header and body in one buffer).
status encode_body(const schema& s, const protocol& p, bool request, const value& args,
                   gen::writer& out);

/// Decodes the body of `p`'s request (or response); nil when that part has no type.
result<value> decode_body(const schema& s, const protocol& p, bool request, std::string_view body);

/// Same, into `out` (reusing its storage as decode_to() does).
status decode_body_to(const schema& s, const protocol& p, bool request, std::string_view body,
                      value& out);

}  // namespace stratus::sproto
