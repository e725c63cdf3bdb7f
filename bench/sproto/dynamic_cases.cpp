// Dynamic-API cases: the calls of the original sproto_bench, unchanged, so that figures from
// before and after a change compare directly; then (not in the old API) the forms a caller
// uses in a loop: request_to() into a reused buffer, dispatch_to() into a reused message,
// decode_to() into a reused value, and the opt-in decode_view_to() over a kept unpack buffer.

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "measure.hpp"
#include "sproto/codec.hpp"
#include "sproto/host.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"

namespace stratus::sproto::bench {
namespace {

void message_case(const plan& p, const schema& s, const char* name, const char* type,
                  const value& v) {
  const struct_type& t = *s.find_type(type);
  std::string plain;
  std::string packed;
  if (!encode_to(s, t, v, plain)) throw std::runtime_error(std::string(name) + ": the case does not encode");
  pack_to(plain, packed);
  const std::size_t size = packed.size();
  report(p, "dynamic", name, "encode+pack", size, [&] {
    plain.clear();
    packed.clear();
    (void)encode_to(s, t, v, plain);  // checked once above
    pack_to(plain, packed);
  });
  std::string unpacked;
  report(p, "dynamic", name, "unpack+decode", size, [&] {
    unpacked.clear();
    (void)unpack_to(packed, unpacked);
    auto d = decode(s, t, unpacked);
    if (!d) std::abort();
  });
#ifndef SPROTO_BENCH_OLD_API  // defined when built against the library before decode_to()
  {
    value reused;  // decode_to(): the caller's value keeps its storage between messages
    report(p, "dynamic", name, "unpack+decode_to", size, [&] {
      unpacked.clear();
      (void)unpack_to(packed, unpacked);
      if (!decode_to(s, t, unpacked, reused)) std::abort();
    });
  }
  {
    // decode_view_to(): strings view into the unpacked bytes, which the caller keeps unpacking
    // into (unpack_into_kept(), the host's buffer discipline) and does not touch while reading.
    value reused;
    std::string kept;
    report(p, "dynamic", name, "unpack_kept+decode_view", size, [&] {
      auto plain = unpack_into_kept(packed, kept);
      if (!plain || !decode_view_to(s, t, *plain, reused)) std::abort();
    });
  }
#endif
}

value medium_value() {
  value v;
  for (int i = 0; i < 5; ++i) v["f" + std::to_string(i)] = i * 1000003;
  for (int i = 5; i < 9; ++i) v["f" + std::to_string(i)] = "text field " + std::to_string(i);
  v["f9"] = true;
  v["f10"] = false;
  v["f11"] = 3.25;
  v["f12"] = -1e10;
  v["f13"] = 12.5;
  v["f14"] = -7;
  v["f15"] = 1LL << 40;
  v["f16"] = "sixteen";
  for (int i = 0; i < 8; ++i) v["f17"].push_back(i * 77);
  v["f18"] = 18;
  for (int i = 0; i < 10; ++i) {
    value pt;
    pt["x"] = i;
    pt["y"] = -i * 100000;
    pt["name"] = "point" + std::to_string(i);
    v["points"].push_back(std::move(pt));
  }
  return v;
}

}  // namespace

void run_dynamic(const plan& p) {
  auto parsed = load_schema_file(STRATUS_SPROTO_SHAPES);
  if (!parsed) std::abort();
  schema_ptr s = *parsed;

  // Small RPC: the whole request path, header included, as a gate sees it.
  host client = *host::create(s);
  host server = *host::create(s);
  value args;
  args["userid"] = "alice";
  std::string packet = *client.request("signin", args, 1);
  report(p, "dynamic", "signin", "request (enc+pack)", packet.size(),
         [&] { packet = *client.request("signin", args, 1); });
  report(p, "dynamic", "signin", "dispatch (unp+dec)", packet.size(), [&] {
    if (!server.dispatch(packet)) std::abort();
  });
#ifndef SPROTO_BENCH_OLD_API
  {
    incoming in;  // dispatch_to(): the caller's message is reused between packets
    report(p, "dynamic", "signin", "dispatch_to (unp+dec)", packet.size(), [&] {
      if (!server.dispatch_to(packet, in)) std::abort();
    });
  }
  {
    std::string out;  // request_to(): appends to the caller's buffer
    report(p, "dynamic", "signin", "request_to (enc+pack)", packet.size(), [&] {
      out.clear();
      if (!client.request_to("signin", args, 1, {}, out)) std::abort();
    });
  }
#endif

  message_case(p, *s, "medium", "Medium", medium_value());
  value blob;
  blob["data"] = std::string(4096, '\x5a');
  message_case(p, *s, "4KiB", "Blob", blob);
}

}  // namespace stratus::sproto::bench
