// libFuzzer target over the sproto library, fed any bytes:
//  * dynamic API: unpack + decode of every type of fuzz.sproto + RPC dispatch; a decoded value
//    must encode again and decode to the same value; decode_to() and decode_view_to() into
//    values reused from input to input, and dispatch_to() into a reused message, must agree
//    with decode() and dispatch();
//  * generated code (fuzz.sproto through `stratus-sproto gen`): every type's decoder, in both
//    string flavours, differentially against the dynamic decoder (same verdict, same bytes
//    used, same re-encoded bytes), and gen::rpc_host dispatch;
//  * the gate's typed request path (gate::sproto_driver::decode): unpacked_size(), unpack,
//    package_header::read() and the generated decoder picked by protocol tag, in both string
//    flavours, each against its dynamic counterpart;
//  * pack_raw()/unpack_raw() against pack()/unpack().
// Any input must give a value or an error, never a crash or a bad read.

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "fuzzgen/fuzz.hpp"
#include "sproto/codec.hpp"
#include "sproto/gen/rpc_host.hpp"
#include "sproto/host.hpp"
#include "sproto/pack.hpp"
#include "sproto/parser.hpp"
#include "sproto/rpc_api.hpp"
#include "sproto/unpacked_size.hpp"

namespace {

using namespace stratus::sproto;
namespace generated = stratus::sproto::fuzzing::fuzz;

const schema_ptr& fuzz_schema() {
  static schema_ptr s = [] {
    auto r = load_schema_file(STRATUS_FUZZ_SCHEMA);
    if (!r) std::abort();
    return *r;
  }();
  return s;
}

void decode_all(const schema& s, std::string_view bytes) {
  // Reused across types and inputs, as a caller's would be (views left dangling by the last
  // input are replaced, never read).
  static value reused;
  static value viewed;
  for (const auto& t : s.types()) {
    auto d = decode(s, t, bytes);
    auto into = decode_to(s, t, bytes, reused);
    auto view = decode_view_to(s, t, bytes, viewed);
    if (into.ok() != d.ok() || view.ok() != d.ok()) std::abort();
    if (!d) continue;
    if (d->consumed > bytes.size()) std::abort();
    if (*into != d->consumed || *view != d->consumed) std::abort();
    if (!(reused == d->v) || !(viewed == d->v)) std::abort();
    // Decimals may not survive a re-encode (scaling can overflow), so skip those failures.
    auto again = encode(s, t, d->v);
    if (!again) continue;
    auto back = decode(s, t, *again);
    if (!back) std::abort();
    if (!(back->v == d->v)) {
      // A large decimal (integer(N)) read as int / 10^N and written as round(x * 10^N) in a
      // double may come back one unit off (2^51 and up): the bytes must settle after one round.
      auto twice = encode(s, t, back->v);
      if (!twice || *twice != *again) std::abort();
    }
  }
}

// The generated decoder of `e` must agree with the dynamic one on `bytes`.
void check_generated(const schema& s, const gen::type_entry& e, std::string_view bytes) {
  const struct_type& t = *s.find_type(e.name);
  auto dynamic = decode(s, t, bytes);
  for (gen::transcode_fn fn : {e.owned, e.view}) {
    std::string out;
    std::size_t used = 0;
    status st = fn(bytes, out, used);
    if (!dynamic) {
      // Both must refuse. Which error is named may differ when a message holds two faults: the
      // generated decoder checks a map element's key as it goes, the dynamic one after reading
      // every element (a keyless element followed by a truncated one: map_key vs malformed).
      if (st) std::abort();
      continue;
    }
    auto again = encode(s, t, dynamic->v);
    if (!again) {
      if (st) std::abort();  // the generated encoder must refuse what the dynamic one does
      continue;
    }
    if (!st || used != dynamic->consumed || out != *again) std::abort();
  }
}

void fuzz_generated(const schema& s, std::string_view bytes) {
  for (const auto& e : generated::type_table()) check_generated(s, e, bytes);
}

void fuzz_generated_host(std::string_view packet) {
  gen::rpc_host<generated::package_view> h;
  std::string scratch;
  generated::Item args;  // echo's request type
  (void)h.request<generated::protocol::echo>(args, 1, scratch);
  (void)h.request<generated::protocol::ping>(gen::no_body{}, 2, scratch);
  auto kind = h.dispatch(packet);
  if (!kind) return;
  auto visit = [](auto, const auto&) {};
  if (*kind == gen::rpc_host<generated::package_view>::kind::request) {
    (void)generated::visit_request<std::string_view>(h.tag(), h.body(), visit);
  } else {
    (void)generated::visit_response<std::string>(h.tag(), h.body(), visit);
  }
}

// The gate's typed path on `packet` (a packed packet without its length prefix): every step
// must agree with the dynamic API.
void fuzz_typed_driver_path(const schema_ptr& s, std::string_view packet) {
  auto size = unpacked_size(packet);
  auto plain = unpack(packet);
  if (size.has_value() != plain.ok()) std::abort();
  if (!plain) return;
  if (*size != plain->size()) std::abort();
  static const std::shared_ptr<const package_header> header = host::create(s)->header();
  auto h = header->read(*plain);
  auto d = decode(*s, *header->type, *plain);
  if (h.ok() != d.ok()) std::abort();
  if (!h) return;
  if (h->used != d->consumed) std::abort();
  const value* tag = d->v.find("type");
  if (h->tag.has_value() != (tag != nullptr) || (tag && tag->as_int() != *h->tag)) std::abort();
  if (!h->tag) return;
  const std::string_view body = std::string_view(*plain).substr(h->used);
  auto visit = [](auto, const auto&) {};
  auto view = generated::visit_request<std::string_view>(*h->tag, body, visit);
  auto owned = generated::visit_request<std::string>(*h->tag, body, visit);
  const protocol* p = s->find_protocol(*h->tag);
  const bool dynamic_ok = p && decode_body(*s, *p, true, body).ok();
  if (view.ok() != dynamic_ok || owned.ok() != dynamic_ok) std::abort();
}

// The raw-memory packing forms give the bytes and verdicts of the string forms.
void fuzz_raw_packing(std::string_view in) {
  auto packed = std::make_unique<char[]>(pack_bound(in.size()));
  if (std::string_view(packed.get(), pack_raw(in.data(), in.size(), packed.get())) != pack(in))
    std::abort();
  auto out = std::make_unique<char[]>(unpack_bound(in.size()));
  auto raw = unpack_raw(in, out.get());
  auto str = unpack(in);
  if (raw.ok() != str.ok()) std::abort();
  if (raw && std::string_view(out.get(), *raw) != *str) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const schema_ptr& s = fuzz_schema();
  std::string_view in(reinterpret_cast<const char*>(data), size);
  decode_all(*s, in);
  fuzz_generated(*s, in);
  if (auto plain = unpack(in)) {
    decode_all(*s, *plain);
    fuzz_generated(*s, *plain);
    if (plain->size() % 8 != 0) std::abort();
  }
  auto h = host::create(s);
  (void)h->request("echo", value::make_object(), 1);
  (void)h->request("ping", value(), 2);
  // A second host in the same state: dispatch_to() into a reused message must agree.
  auto h2 = host::create(s);
  (void)h2->request("echo", value::make_object(), 1);
  (void)h2->request("ping", value(), 2);
  static incoming reused_message;
  const bool reused_ok = h2->dispatch_to(in, reused_message).ok();
  if (auto msg = h->dispatch(in)) {
    if (!reused_ok || msg->index() != reused_message.index()) std::abort();
    if (auto* req = std::get_if<incoming_request>(&*msg)) {
      const auto& other = std::get<incoming_request>(reused_message);
      if (req->proto->tag != other.proto->tag || !(req->args == other.args) ||
          req->session != other.session || req->ud != other.ud)
        std::abort();
      (void)req->respond_error("INTERNAL");
    } else {
      const auto& a = std::get<incoming_response>(*msg);
      const auto& b = std::get<incoming_response>(reused_message);
      if (a.session != b.session || !(a.args == b.args) || a.ud != b.ud) std::abort();
    }
  } else if (reused_ok) {
    std::abort();
  }
  fuzz_generated_host(in);
  fuzz_typed_driver_path(s, in);
  fuzz_raw_packing(in);
  return 0;
}
