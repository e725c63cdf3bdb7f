#pragma once
// Pushes encoded once and framed per session (wire.md "Sessions": every push to a logged-in
// session carries that session's `seq`). The expensive part, the message itself, is encoded
// once into a push_body shared by every recipient (a room of 10,000 members); a framer adds the
// few bytes that differ per session: the header with its `seq`, and the length prefix.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <google/protobuf/message.h>

#include "sproto/host.hpp"
#include "sproto/result.hpp"

namespace stratus::codec {

/// A push ready for any number of sessions: everything but the per-session header.
struct push_body {
  std::string type;      ///< protobuf: the message's full name; sproto: the s2c protocol name
  std::int64_t tag = 0;  ///< sproto: the s2c protocol tag; protobuf: unused
  std::string bytes;     ///< protobuf: the fields after the header; sproto: unpacked content
};
/// Shared, immutable: one body for all recipients and for their resume buffers.
using push_ptr = std::shared_ptr<const push_body>;

/// How one protocol turns a push_body into one session's packet.
class push_framer {
 public:
  virtual ~push_framer() = default;
  /// Replaces `out` with the framed packet of `push` carrying `seq` (0: no seq, as before a
  /// login). False when the packet cannot be framed (sproto: over 65,535 bytes packed).
  virtual bool frame(const push_body& push, std::uint32_t seq, std::string& out) const = 0;
  /// The protocol's Kicked push (protobuf common.Kicked, sproto `kicked`) with `reason`.
  virtual push_ptr kicked(std::string_view reason) const = 0;
};

/// protobuf mode: u32 LE length || Header{msg_type, seq} as field 1 || the message's fields.
class pb_push_framer final : public push_framer {
 public:
  bool frame(const push_body& push, std::uint32_t seq, std::string& out) const override;
  push_ptr kicked(std::string_view reason) const override;
};

/// The body of a protobuf push: `message`'s fields other than its header (field 1, which is
/// ignored if set). `message` must be a generated message whose field 1 is a common.Header.
push_ptr pb_push(const google::protobuf::Message& message);

/// sproto mode: u16 BE length || pack(package{type, seq} || content), with the s2c schema.
class sproto_push_framer final : public push_framer {
 public:
  /// `s2c`: the schema of the server's pushes; its `package` type gives the header (with
  /// `seq 3 : integer` in wire.md's schemas; a schema without it gets pushes without seq).
  static sproto::result<std::shared_ptr<const sproto_push_framer>> create(sproto::schema_ptr s2c);

  /// The body of the s2c request `name` with `args` (nil for a protocol without request).
  sproto::result<push_ptr> make(std::string_view name, const sproto::value& args = {}) const;
  bool frame(const push_body& push, std::uint32_t seq, std::string& out) const override;
  push_ptr kicked(std::string_view reason) const override;

 private:
  sproto_push_framer(sproto::schema_ptr s2c, std::shared_ptr<const sproto::package_header> h)
      : s2c_(std::move(s2c)), header_(std::move(h)) {}
  sproto::schema_ptr s2c_;
  std::shared_ptr<const sproto::package_header> header_;
};

}  // namespace stratus::codec
