#include "loadgen/protocol.hpp"

#include "loadgen/protobuf_protocol.hpp"
#include "loadgen/raw_protocol.hpp"
#include "loadgen/sproto_protocol.hpp"

namespace stratus::loadgen {

std::variant<std::unique_ptr<bench_protocol>, std::string> make_protocol(const options& o) {
  if (o.protocol == "protobuf") {
    return std::make_unique<protobuf_protocol>(o.payload, o.request == "login");
  }
  if (o.protocol == "sproto") {
    auto p = sproto_protocol::create(o.payload);
    if (auto* error = std::get_if<std::string>(&p)) return std::move(*error);
    return std::unique_ptr<bench_protocol>(std::move(std::get<0>(p)));
  }
  if (o.protocol == "raw") return std::make_unique<raw_protocol>(o.payload);
  return "unknown protocol " + o.protocol;
}

}  // namespace stratus::loadgen
