#pragma once
// The server side of TLS for a listener: a certificate and key loaded from PEM files into an
// OpenSSL context (TLS 1.2 and later only), and the holder that lets a reload swap it while
// connections accept.

#include <memory>
#include <mutex>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace stratus::net {

/// PEM files of a listener's certificate (with its chain) and private key; empty cert: plain.
struct tls_files {
  /// Certificate chain file, leaf first.
  std::string cert;
  /// Private key of the leaf certificate (unencrypted PEM).
  std::string key;
  /// True when the listener speaks TLS.
  bool enabled() const noexcept { return !cert.empty(); }
};

/// A context built by load_tls_context, or why it could not be built.
struct tls_load_result {
  /// The new context; null on failure.
  std::shared_ptr<boost::asio::ssl::context> context;
  /// What went wrong (file, OpenSSL's reason); empty on success.
  std::string error;
  /// Subject and serial of the loaded certificate, for the log.
  std::string description;
};

/// Reads `files` into a fresh server context: TLS 1.2+, forward-secret AEAD ciphers on 1.2,
/// server cipher preference, no renegotiation or compression; the key must match the
/// certificate. Never throws on bad files: the reason is in the result.
tls_load_result load_tls_context(const tls_files& files);

/// The context new connections of one listener use. Each connection keeps the context it
/// started with, so a swap never disturbs open connections. Thread-safe.
class tls_context_slot {
 public:
  /// The current context (null: plain TCP); called once per accepted connection.
  std::shared_ptr<boost::asio::ssl::context> current() const {
    std::lock_guard lock(mu_);
    return context_;
  }
  /// Replaces the context for connections accepted from now on.
  void replace(std::shared_ptr<boost::asio::ssl::context> context) {
    std::lock_guard lock(mu_);
    context_.swap(context);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<boost::asio::ssl::context> context_;
};

}  // namespace stratus::net
