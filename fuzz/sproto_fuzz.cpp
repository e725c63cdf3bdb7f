// libFuzzer target: unpack + decode (every type of a schema that uses every field kind) +
// RPC dispatch. Any input must give a value or an error, never a crash or a bad read; a decoded
// value must encode again and decode to the same value.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "sproto/codec.hpp"
#include "sproto/host.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"

namespace {

using namespace stratus::sproto;

constexpr std::string_view schema_text = R"(
.package { type 0 : integer session 1 : integer ud 2 : string }
.Item { id 0 : integer name 1 : string }
.Pair { k 0 : string v 1 : Item }
.All {
  i 0 : integer
  b 1 : boolean
  s 2 : string
  bin 3 : binary
  d 4 : double
  dec 5 : integer(2)
  ints 6 : *integer
  bools 7 : *boolean
  strs 8 : *string
  dbls 9 : *double
  items 10 : *Item
  by_id 11 : *Item(id)
  pairs 12 : *Pair()
  next 13 : All
  far 300 : integer
}
ping 1 {}
signin 3 { request { userid 0 : string } response { ok 0 : boolean } }
echo 5 { request Item response All }
)";

const schema_ptr& fuzz_schema() {
  static schema_ptr s = [] {
    auto r = parse_schema(schema_text, "fuzz.sproto");
    if (!r) std::abort();
    return *r;
  }();
  return s;
}

void decode_all(const schema& s, std::string_view bytes) {
  for (const auto& t : s.types()) {
    auto d = decode(s, t, bytes);
    if (!d) continue;
    if (d->consumed > bytes.size()) std::abort();
    // Decimals may not survive a re-encode (scaling can overflow), so skip those failures.
    auto again = encode(s, t, d->v);
    if (!again) continue;
    auto back = decode(s, t, *again);
    if (!back || !(back->v == d->v)) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const schema_ptr& s = fuzz_schema();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  decode_all(*s, in);
  if (auto plain = unpack(in)) {
    decode_all(*s, *plain);
    if (plain->size() % 8 != 0) std::abort();
  }
  auto h = host::create(s);
  (void)h->request("echo", value::make_object(), 1);
  (void)h->request("ping", value(), 2);
  if (auto msg = h->dispatch(in)) {
    if (auto* req = std::get_if<incoming_request>(&*msg)) {
      (void)req->respond_error("INTERNAL");
    }
  }
  return 0;
}
