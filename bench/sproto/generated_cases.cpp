// Generated-code cases: the same three shapes through the C++ that `stratus-sproto gen` made
// from src/sproto/testdata/shapes.sproto, with reused buffers and messages.

#include <cstdlib>
#include <string>

#include "measure.hpp"
#include "samples/shapes.hpp"
#include "sproto/gen/rpc_host.hpp"

namespace stratus::sproto::bench {
namespace {

namespace shapes = stratus::sproto::samples::shapes;

template <class Owned, class View>
void message_case(const plan& p, const char* name, const Owned& m) {
  std::string scratch, packed;
  if (!gen::pencode(m, scratch, packed)) std::abort();
  const std::size_t size = packed.size();
  report(p, "generated", name, "encode+pack", size, [&] {
    packed.clear();
    if (!gen::pencode(m, scratch, packed)) std::abort();
  });
  std::string unpacked;
  View view;
  report(p, "generated", name, "unpack+decode (view)", size, [&] {
    if (!gen::pdecode(packed, view, unpacked)) std::abort();
  });
  Owned owned;
  report(p, "generated", name, "unpack+decode (owned)", size, [&] {
    if (!gen::pdecode(packed, owned, unpacked)) std::abort();
  });
}

shapes::Medium medium_value() {
  shapes::Medium m;
  m.f0 = 0;
  m.f1 = 1000003;
  m.f2 = 2000006;
  m.f3 = 3000009;
  m.f4 = 4000012;
  m.f5 = "text field 5";
  m.f6 = "text field 6";
  m.f7 = "text field 7";
  m.f8 = "text field 8";
  m.f9 = true;
  m.f10 = false;
  m.f11 = 3.25;
  m.f12 = -1e10;
  m.f13 = 12.5;
  m.f14 = -7;
  m.f15 = std::int64_t{1} << 40;
  m.f16 = "sixteen";
  for (int i = 0; i < 8; ++i) m.f17.emplace().push_back(i * 77);
  m.f18 = 18;
  for (int i = 0; i < 10; ++i) {
    shapes::Point pt;
    pt.x = i;
    pt.y = -i * 100000;
    pt.name = "point" + std::to_string(i);
    m.points.emplace().push_back(std::move(pt));
  }
  return m;
}

}  // namespace

void run_generated(const plan& p) {
  using host = gen::rpc_host<shapes::package_view>;
  using signin = shapes::protocol::signin;
  host client, server;
  shapes::signin_request_view args;
  args.userid = std::string_view("alice");
  std::string packet;
  if (!client.request<signin>(args, 1, packet)) std::abort();
  std::string out;
  report(p, "generated", "signin", "request (enc+pack)", packet.size(), [&] {
    out.clear();
    if (!client.request<signin>(args, 1, out)) std::abort();
  });
  report(p, "generated", "signin", "dispatch (unp+dec)", packet.size(), [&] {
    if (!server.dispatch(packet)) std::abort();
    auto st = shapes::visit_request<std::string_view>(
        server.tag(), server.body(), [&](auto, const auto& a) {
          if constexpr (requires { a.userid; }) {
            if (a.userid->empty()) std::abort();
          }
        });
    if (!st) std::abort();
  });

  message_case<shapes::Medium, shapes::Medium_view>(p, "medium", medium_value());
  shapes::Blob blob;
  blob.data = std::string(4096, '\x5a');
  message_case<shapes::Blob, shapes::Blob_view>(p, "4KiB", blob);
}

}  // namespace stratus::sproto::bench
