#include "loadgen/protocol.hpp"

#include "loadgen/protobuf_protocol.hpp"

namespace stratus::loadgen {

std::variant<std::unique_ptr<bench_protocol>, std::string> make_protocol(const options& o) {
  if (o.protocol == "protobuf") return std::make_unique<protobuf_protocol>(o.payload);
  if (o.protocol == "sproto") {
    // The seam: a sproto_protocol (u16 big-endian length, c2s `echo 5`) plugs in here.
    return std::string("sproto is not implemented in stratus-bench yet");
  }
  return "unknown protocol " + o.protocol;
}

}  // namespace stratus::loadgen
