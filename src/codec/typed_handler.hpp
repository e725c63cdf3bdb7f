#pragma once
// Adapting a typed function (Req in, Resp out) into a handler a message_registry can hold.

#include <functional>
#include <string>
#include <utility>

#include <google/protobuf/message.h>

#include "codec/encode.hpp"
#include "common.pb.h"

namespace stratus::codec {

/// A synchronous handler: given a decoded request, replaces `out` with the reply packet.
using sync_handler = std::function<void(
    const common::Header& header, const google::protobuf::Message& request, std::string& out)>;

/// Wraps `Resp f(const Req&)` into a sync_handler that encodes Resp with the request's
/// session. Register it under Req: `registry.add<Req>(typed_handler<Req>(f))`.
template <class Req, class F>
sync_handler typed_handler(F f) {
  return [f = std::move(f)](const common::Header& header, const google::protobuf::Message& request,
                            std::string& out) {
    auto reply = f(static_cast<const Req&>(request));
    encode(reply, header.session_id(), out);
  };
}

}  // namespace stratus::codec
