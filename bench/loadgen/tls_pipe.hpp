#pragma once
// The client side of TLS for the load tools, on memory buffers: the connection keeps reading
// and writing its socket itself (non-blocking, one system call per batch) and only passes the
// bytes through here, so wss:// costs the client the encryption and nothing else.

#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace stratus::loadgen {

/// A client SSL_CTX for load runs: TLS 1.2+, no certificate check (a benchmark talks to its
/// own server, usually with a self-signed pair).
std::shared_ptr<SSL_CTX> make_client_tls_context();

/// One TLS client connection over memory BIOs.
class tls_pipe {
 public:
  /// What handshake() needs next.
  enum class step { done, want_input, failed };

  /// A client session of `ctx`, sending `server_name` as SNI.
  tls_pipe(SSL_CTX* ctx, const std::string& server_name);
  ~tls_pipe();
  tls_pipe(const tls_pipe&) = delete;
  tls_pipe& operator=(const tls_pipe&) = delete;

  /// Advances the handshake; appends the records to send to `out`.
  step handshake(std::vector<std::uint8_t>& out);
  /// Bytes received from the socket.
  void feed(const std::uint8_t* data, std::size_t n);
  /// Decrypts into dst (at most cap bytes); 0 when nothing is ready. Sets `failed` on a TLS
  /// error or the server's close_notify.
  std::size_t read(std::uint8_t* dst, std::size_t cap, bool& failed);
  /// Encrypts `plain` and appends the records to `out`; false on a TLS error.
  bool seal(const std::vector<std::uint8_t>& plain, std::vector<std::uint8_t>& out);
  /// OpenSSL's last error, for reports.
  std::string problem() const { return problem_; }

 private:
  void drain(std::vector<std::uint8_t>& out);  // the write BIO into out

  SSL* ssl_ = nullptr;
  BIO* in_ = nullptr;   // records from the server (owned by ssl_)
  BIO* out_ = nullptr;  // records for the server (owned by ssl_)
  std::string problem_;
};

}  // namespace stratus::loadgen
