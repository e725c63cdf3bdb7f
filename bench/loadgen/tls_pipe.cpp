#include "loadgen/tls_pipe.hpp"

#include <openssl/err.h>

namespace stratus::loadgen {

namespace {
std::string last_error(const char* what) {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return what;
  char text[256];
  ERR_error_string_n(e, text, sizeof text);
  return std::string(what) + ": " + text;
}
}  // namespace

std::shared_ptr<SSL_CTX> make_client_tls_context() {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  if (ctx == nullptr) return nullptr;
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
  SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
  return {ctx, SSL_CTX_free};
}

tls_pipe::tls_pipe(SSL_CTX* ctx, const std::string& server_name)
    : ssl_(SSL_new(ctx)), in_(BIO_new(BIO_s_mem())), out_(BIO_new(BIO_s_mem())) {
  BIO_set_mem_eof_return(in_, -1);  // empty means "more later", not end of stream
  SSL_set_bio(ssl_, in_, out_);
  SSL_set_connect_state(ssl_);
  SSL_set_tlsext_host_name(ssl_, server_name.c_str());
}

tls_pipe::~tls_pipe() {
  SSL_free(ssl_);  // frees both BIOs
}

void tls_pipe::drain(std::vector<std::uint8_t>& out) {
  for (;;) {
    const auto pending = static_cast<std::size_t>(BIO_ctrl_pending(out_));
    if (pending == 0) return;
    const std::size_t at = out.size();
    out.resize(at + pending);
    const int n = BIO_read(out_, out.data() + at, static_cast<int>(pending));
    out.resize(at + static_cast<std::size_t>(n > 0 ? n : 0));
    if (n <= 0) return;
  }
}

tls_pipe::step tls_pipe::handshake(std::vector<std::uint8_t>& out) {
  const int r = SSL_do_handshake(ssl_);
  drain(out);
  if (r == 1) return step::done;
  const int e = SSL_get_error(ssl_, r);
  if (e == SSL_ERROR_WANT_READ) return step::want_input;
  problem_ = last_error("TLS handshake");
  return step::failed;
}

void tls_pipe::feed(const std::uint8_t* data, std::size_t n) {
  BIO_write(in_, data, static_cast<int>(n));
}

std::size_t tls_pipe::read(std::uint8_t* dst, std::size_t cap, bool& failed) {
  std::size_t n = 0;
  if (SSL_read_ex(ssl_, dst, cap, &n) == 1) return n;
  const int e = SSL_get_error(ssl_, 0);
  if (e != SSL_ERROR_WANT_READ) {
    failed = true;
    problem_ = e == SSL_ERROR_ZERO_RETURN ? "TLS closed by the server" : last_error("TLS read");
  }
  return 0;
}

bool tls_pipe::seal(const std::vector<std::uint8_t>& plain, std::vector<std::uint8_t>& out) {
  if (!plain.empty()) {
    std::size_t written = 0;
    if (SSL_write_ex(ssl_, plain.data(), plain.size(), &written) != 1 || written != plain.size()) {
      problem_ = last_error("TLS write");
      return false;
    }
  }
  drain(out);
  return true;
}

}  // namespace stratus::loadgen
