#pragma once
// RPC endpoint like the reference `host` / `attach` / `dispatch` (spec section 5):
// packets are pack(header || body), the header being the `package` struct.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "sproto/result.hpp"
#include "sproto/schema.hpp"
#include "sproto/session_table.hpp"
#include "sproto/value.hpp"

namespace stratus::sproto::gen {
class writer;
}  // namespace stratus::sproto::gen

namespace stratus::sproto {

/// What a packet's header holds, read without a value tree (views into the unpacked packet).
struct header_fields {
  std::optional<std::int64_t> tag;      ///< protocol tag: present in requests
  std::optional<std::int64_t> session;  ///< present when a reply is expected / in replies
  std::optional<std::string_view> ud;   ///< user data
  std::optional<std::int64_t> seq;      ///< push sequence
  std::size_t used = 0;                 ///< bytes of the header; the body follows
};

/// The header type of a host: where `type`, `session` and `ud` live (looked up by name).
struct package_header {
  schema_ptr owner;                      ///< schema that defines the header type
  const struct_type* type = nullptr;     ///< the header struct
  const field* type_field = nullptr;     ///< protocol tag (integer)
  const field* session_field = nullptr;  ///< session (integer)
  const field* ud_field = nullptr;       ///< user data (string); may be absent from the schema
  const field* seq_field = nullptr;      ///< push sequence (integer); may be absent
  /// True when the header type has no fields besides the four above (read() then needs no
  /// value tree).
  bool only_known_fields = false;

  /// Appends an encoded header with the given parts (absent ones are omitted; `seq` too when
  /// the header type has no `seq` field).
  void encode(const std::optional<std::int64_t>& tag, const std::optional<std::int64_t>& session,
              const std::optional<std::string_view>& ud, std::string& out,
              const std::optional<std::int64_t>& seq = {}) const;
  /// Same, through a generated-code writer.
  void encode(const std::optional<std::int64_t>& tag, const std::optional<std::int64_t>& session,
              const std::optional<std::string_view>& ud, gen::writer& out,
              const std::optional<std::int64_t>& seq = {}) const;
  /// The header of a reply to `session`: the same bytes as encode(nullopt, session, nullopt),
  /// written without its general bookkeeping when the session fits in a field word.
  void encode_reply(std::int64_t session, gen::writer& out) const;
  /// Decodes the header at the start of the unpacked packet `plain`, with the same outcome as
  /// decoding it as a struct of `type` (errors included); bytes after it are not examined.
  result<header_fields> read(std::string_view plain) const;
};

/// A request received by dispatch().
struct incoming_request {
  const protocol* proto = nullptr;               ///< protocol of the host's schema
  value args;                                    ///< decoded request; nil without a request type
  std::optional<std::int64_t> session;           ///< present when a reply is expected
  std::optional<std::string> ud;                 ///< header user data
  std::shared_ptr<const package_header> header;  ///< used to build replies

  /// Protocol name.
  const std::string& name() const { return proto->name; }
  /// True when the sender waits for a reply (the reference returns a response function).
  bool has_responder() const { return session.has_value(); }
  /// Builds the packed reply. `args` must be an object when the protocol has a response type
  /// and nil otherwise.
  result<std::string> respond(const value& args,
                              const std::optional<std::string_view>& ud = {}) const;
  /// Builds a packed error reply: `ud` = code, plus an empty struct when the protocol has a
  /// response type (so that the reference client always decodes it, see wire.md).
  result<std::string> respond_error(std::string_view code) const;
};

/// A reply received by dispatch().
struct incoming_response {
  std::int64_t session = 0;       ///< session of the original request
  value args;                     ///< decoded response; nil when the protocol has none
  std::optional<std::string> ud;  ///< header user data
};

/// What dispatch() found in a packet.
using incoming = std::variant<incoming_request, incoming_response>;

/// One side of an RPC conversation. Not thread-safe (one per connection); schemas are shared.
class host {
 public:
  /// A host that serves the protocols of `incoming` and reads headers of type `package`.
  static result<host> create(schema_ptr incoming, std::string_view package = "package");

  /// Encodes a packed request of protocol `name` from `outgoing` (the reference's
  /// `host:attach(outgoing)(name, args, session, ud)`). With a session, remembers
  /// session -> protocol so that dispatch() can decode the reply.
  result<std::string> request(const schema_ptr& outgoing, std::string_view name, const value& args,
                              const std::optional<std::int64_t>& session = {},
                              const std::optional<std::string_view>& ud = {});
  /// Same, with the host's own schema as the outgoing one.
  result<std::string> request(std::string_view name, const value& args,
                              const std::optional<std::int64_t>& session = {},
                              const std::optional<std::string_view>& ud = {});
  /// Like request(), appending the packet to the caller's `out` (reuse it: no allocation).
  status request_to(const schema_ptr& outgoing, std::string_view name, const value& args,
                    const std::optional<std::int64_t>& session,
                    const std::optional<std::string_view>& ud, std::string& out);
  /// Same, with the host's own schema as the outgoing one.
  status request_to(std::string_view name, const value& args,
                    const std::optional<std::int64_t>& session,
                    const std::optional<std::string_view>& ud, std::string& out);

  /// Unpacks and decodes a packet: a request of the host's schema or a reply to a pending
  /// session (which is then forgotten).
  result<incoming> dispatch(std::string_view packet);
  /// Like dispatch(), into the caller's `in`: when it holds the same kind of message as the
  /// packet (a request, or a reply), its args, ud and header are reused (a loop that keeps one
  /// `incoming` decodes without allocating in the steady state). On error `in` may hold a
  /// partial message.
  status dispatch_to(std::string_view packet, incoming& in);

  /// The header type this host reads and writes.
  const std::shared_ptr<const package_header>& header() const noexcept { return header_; }

  /// Number of requests still waiting for their reply.
  std::size_t pending() const { return pending_.size(); }

 private:
  struct pending_call {
    schema_ptr owner;  // null: the host's own schema
    const protocol* proto;
  };
  host(schema_ptr incoming, std::shared_ptr<const package_header> header)
      : schema_(std::move(incoming)), header_(std::move(header)) {}

  schema_ptr schema_;
  std::shared_ptr<const package_header> header_;
  session_table<pending_call> pending_;
  std::string scratch_;  // unpacked outgoing messages; memory only (see gen::scratch_buffer)
  std::string plain_;    // unpacked incoming packets; memory only
  std::string packed_;   // request()'s packet before it is copied out at its size
  const protocol* last_sent_ = nullptr;  // last protocol requested from schema_, to skip lookups
};

}  // namespace stratus::sproto
