// sproto throughput: encode+pack and unpack+decode for a small RPC (signin), a medium struct
// (20 fields with a nested array of 10 structs) and a 4 KiB binary. Prints messages/s and MB/s
// (MB of packed bytes, 10^6).

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>

#include "sproto/codec.hpp"
#include "sproto/host.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"

namespace {

using namespace stratus::sproto;
using clock_type = std::chrono::steady_clock;

constexpr const char* schema_text = R"(
.package { type 0 : integer session 1 : integer ud 2 : string }
.Point { x 0 : integer y 1 : integer name 2 : string }
.Medium {
  f0 0 : integer  f1 1 : integer  f2 2 : integer  f3 3 : integer  f4 4 : integer
  f5 5 : string   f6 6 : string   f7 7 : string   f8 8 : string   f9 9 : boolean
  f10 10 : boolean f11 11 : double f12 12 : double f13 13 : integer(2) f14 14 : integer
  f15 15 : integer f16 16 : string f17 17 : *integer f18 18 : integer points 19 : *Point
}
.Blob { data 0 : binary }
signin 3 { request { userid 0 : string } response { ok 0 : boolean } }
)";

void report(const char* name, const char* op, std::size_t bytes, const std::function<void()>& fn) {
  for (int i = 0; i < 1000; ++i) fn();  // warm-up
  std::size_t n = 0;
  auto start = clock_type::now();
  double secs = 0;
  do {
    for (int i = 0; i < 1000; ++i) fn();
    n += 1000;
    secs = std::chrono::duration<double>(clock_type::now() - start).count();
  } while (secs < 1.0);
  std::printf("%-8s %-16s %12.0f msg/s %9.1f MB/s  (%zu packed bytes)\n", name, op, n / secs,
              n * static_cast<double>(bytes) / secs / 1e6, bytes);
}

void message_case(const schema& s, const char* name, const char* type, const value& v) {
  const struct_type& t = *s.find_type(type);
  std::string plain;
  std::string packed;
  encode_to(s, t, v, plain);
  pack_to(plain, packed);
  const std::size_t size = packed.size();
  report(name, "encode+pack", size, [&] {
    plain.clear();
    packed.clear();
    encode_to(s, t, v, plain);
    pack_to(plain, packed);
  });
  std::string unpacked;
  report(name, "unpack+decode", size, [&] {
    unpacked.clear();
    (void)unpack_to(packed, unpacked);
    auto d = decode(s, t, unpacked);
    if (!d) std::abort();
  });
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
    value p;
    p["x"] = i;
    p["y"] = -i * 100000;
    p["name"] = "point" + std::to_string(i);
    v["points"].push_back(std::move(p));
  }
  return v;
}

}  // namespace

int main() {
  auto parsed = parse_schema(schema_text, "bench.sproto");
  if (!parsed) {
    std::fprintf(stderr, "%s\n", parsed.err().message.c_str());
    return 1;
  }
  schema_ptr s = *parsed;

  // Small RPC: the whole request path, header included, as a gate sees it.
  host client = *host::create(s);
  host server = *host::create(s);
  value args;
  args["userid"] = "alice";
  std::string packet = *client.request("signin", args, 1);
  report("signin", "request (enc+pack)", packet.size(),
         [&] { packet = *client.request("signin", args, 1); });
  report("signin", "dispatch (unp+dec)", packet.size(), [&] {
    if (!server.dispatch(packet)) std::abort();
  });

  message_case(*s, "medium", "Medium", medium_value());
  value blob;
  blob["data"] = std::string(4096, '\x5a');
  message_case(*s, "4KiB", "Blob", blob);
  return 0;
}
