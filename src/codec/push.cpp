#include "codec/push.hpp"

#include <google/protobuf/io/coded_stream.h>

#include "codec/sproto_wire.hpp"
#include "common.pb.h"
#include "sproto/pack.hpp"
#include "sproto/rpc_api.hpp"

namespace stratus::codec {

namespace {

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::size_t varint_size(std::uint64_t v) {
  std::size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// Skips one field of the protobuf wire at `p` (its key already read); false when malformed.
bool skip_field(std::string_view& rest, std::uint32_t wire_type) {
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(rest.data()),
                                            static_cast<int>(rest.size()));
  std::uint64_t v = 0;
  std::uint32_t n = 0;
  switch (wire_type) {
    case 0: if (!in.ReadVarint64(&v)) return false; break;
    case 1: if (!in.Skip(8)) return false; break;
    case 2: if (!in.ReadVarint32(&n) || !in.Skip(static_cast<int>(n))) return false; break;
    case 5: if (!in.Skip(4)) return false; break;
    default: return false;
  }
  rest.remove_prefix(static_cast<std::size_t>(in.CurrentPosition()));
  return true;
}

}  // namespace

push_ptr pb_push(const google::protobuf::Message& message) {
  auto body = std::make_shared<push_body>();
  body->type = message.GetDescriptor()->full_name();
  std::string all = message.SerializeAsString();
  // A header the caller set is dropped: each session's framing writes its own. Generated
  // messages serialize fields in number order, so it is a prefix when present; walk anyway.
  std::string_view rest(all);
  std::string& out = body->bytes;
  out.reserve(all.size());
  while (!rest.empty()) {
    google::protobuf::io::CodedInputStream in(reinterpret_cast<const std::uint8_t*>(rest.data()),
                                              static_cast<int>(rest.size()));
    const std::uint32_t key = in.ReadTag();
    if (key == 0) break;
    const std::string_view field_start = rest;
    rest.remove_prefix(static_cast<std::size_t>(in.CurrentPosition()));
    if (!skip_field(rest, key & 7)) break;
    if ((key >> 3) != 1) out.append(field_start.data(), field_start.size() - rest.size());
  }
  return body;
}

bool pb_push_framer::frame(const push_body& push, std::uint32_t seq, std::string& out) const {
  // Header{msg_type = 1, seq = 4}; session_id (2) is 0 for a push and left out.
  const std::size_t header = 1 + varint_size(push.type.size()) + push.type.size() +
                             (seq != 0 ? 1 + varint_size(seq) : 0);
  const std::size_t length = 1 + varint_size(header) + header + push.bytes.size();
  if (length > 0xffffffffu) return false;
  out.clear();
  out.reserve(4 + length);
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((length >> (8 * i)) & 0xff));
  out.push_back(0x0a);  // field 1, length-delimited: the header
  put_varint(out, header);
  out.push_back(0x0a);  // Header.msg_type
  put_varint(out, push.type.size());
  out.append(push.type);
  if (seq != 0) {
    out.push_back(0x20);  // Header.seq, varint
    put_varint(out, seq);
  }
  out.append(push.bytes);
  return true;
}

push_ptr pb_push_framer::kicked(std::string_view reason) const {
  common::Kicked message;
  message.set_reason(std::string(reason));
  return pb_push(message);
}

push_ptr sproto_push_framer::kicked(std::string_view reason) const {
  sproto::value args;
  args["reason"] = sproto::value(reason);
  auto p = make("kicked", args);
  if (p) return *p;
  // A schema without `kicked`: the client only sees the close code.
  return nullptr;
}

sproto::result<std::shared_ptr<const sproto_push_framer>> sproto_push_framer::create(
    sproto::schema_ptr s2c) {
  auto host = sproto::host::create(s2c);
  if (!host) return host.error();
  return std::shared_ptr<const sproto_push_framer>(
      new sproto_push_framer(std::move(s2c), host->header()));
}

sproto::result<push_ptr> sproto_push_framer::make(std::string_view name,
                                                  const sproto::value& args) const {
  const sproto::protocol* p = s2c_->find_protocol(name);
  if (!p) return sproto::make_error(sproto::error_kind::unknown_name,
                                    "unknown s2c protocol " + std::string(name));
  auto body = std::make_shared<push_body>();
  body->type = p->name;
  body->tag = p->tag;
  if (auto st = sproto::encode_body(*s2c_, *p, true, args, body->bytes); !st) return st.error();
  return push_ptr(std::move(body));
}

bool sproto_push_framer::frame(const push_body& push, std::uint32_t seq, std::string& out) const {
  thread_local std::string plain;
  plain.clear();
  header_->encode(push.tag, std::nullopt, std::nullopt, plain,
                  seq != 0 ? std::optional<std::int64_t>(seq) : std::nullopt);
  plain.append(push.bytes);
  thread_local std::string packed;
  packed.clear();
  sproto::pack_to(plain, packed);
  const bool ok = frame_sproto(packed, out);
  if (plain.capacity() > 64 * 1024) std::string().swap(plain);
  if (packed.capacity() > 64 * 1024) std::string().swap(packed);
  return ok;
}

}  // namespace stratus::codec
