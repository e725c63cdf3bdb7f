#pragma once
#include <chrono>
#include <cstdint>
#include <string>

#include "codec/encode.hpp"
#include "gate/agent.hpp"
#include "net/connection.hpp"
#include "runtime/clocks.hpp"
#include "runtime/service.hpp"

namespace stratus::gate {

/// What a protobuf handler sees of its client's session: the user, pushes, and the agent
/// service to `co_await self().call(...)` from.
class pb_session {
 public:
  explicit pb_session(agent& a) : agent_(a), conn_(a.connection()) {}

  /// The agent service of this connection (for call/send/sleep).
  runtime::service& self() noexcept { return agent_; }
  /// The logged-in user's id, or 0.
  std::int64_t userid() const noexcept { return userid_; }
  /// The token issued at login on this connection, or empty.
  const std::string& token() const noexcept { return token_; }
  /// Marks the connection as logged in, the user's only one (a connection it had before is
  /// kicked with 4001). The token counts on this connection for `valid_for` (its `expires_in`);
  /// after that the agent asks the token check again, so an expired token gets UNAUTHORIZED
  /// even on the connection that logged in.
  void set_user(std::int64_t userid, std::string token, std::chrono::seconds valid_for) {
    if (userid != userid_) agent_.bind_user(userid);
    userid_ = userid;
    token_ = std::move(token);
    valid_until_ = runtime::coarse_now() + valid_for;
  }
  /// True when `token` is this connection's token and still within its validity.
  bool holds(const std::string& token) const noexcept {
    return !token.empty() && token == token_ && runtime::coarse_now() < valid_until_;
  }
  /// Sends a push (header session 0) to this client; false if the connection is gone. A push
  /// to a logged-in session carries its sequence number (header.seq: 1, 2, 3, ...).
  template <class M>
  bool push(M& message) {
    message.mutable_header()->set_seq(userid_ != 0 ? ++seq_ : 0);
    codec::encode(message, 0, scratch_);
    const bool sent =
        conn_.send({reinterpret_cast<const std::uint8_t*>(scratch_.data()), scratch_.size()});
    if (scratch_.capacity() > 4096) std::string().swap(scratch_);  // one big push: give it back
    return sent;
  }
  /// This connection's id.
  std::uint64_t connection_id() const noexcept { return conn_.id(); }
  /// The client's IP address as text (login throttling, logs).
  std::string peer_address() const { return conn_.remote_endpoint().address().to_string(); }

 private:
  agent& agent_;
  net::connection& conn_;
  std::int64_t userid_ = 0;
  std::uint32_t seq_ = 0;  // pushes sent to the logged-in session
  std::string token_;
  std::chrono::steady_clock::time_point valid_until_{};
  std::string scratch_;
};

}  // namespace stratus::gate
