#include "net/tls_context.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <boost/asio/ssl/context.hpp>

#include <array>

namespace stratus::net {

namespace ssl = boost::asio::ssl;

namespace {

// TLS 1.2 suites with forward secrecy and authenticated encryption (TLS 1.3 has only such
// suites and keeps OpenSSL's defaults).
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string x509_name(const X509_NAME* name) {
  std::array<char, 256> text{};
  X509_NAME_oneline(name, text.data(), static_cast<int>(text.size()));
  return text.data();
}

/// "subject ..., serial ..." of the context's leaf certificate.
std::string describe(SSL_CTX* ctx) {
  X509* cert = SSL_CTX_get0_certificate(ctx);
  if (cert == nullptr) return "no certificate";
  std::string serial = "?";
  if (BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)) {
    if (char* hex = BN_bn2hex(bn)) {
      serial = hex;
      OPENSSL_free(hex);
    }
    BN_free(bn);
  }
  return "subject " + x509_name(X509_get_subject_name(cert)) + ", serial " + serial;
}

}  // namespace

tls_load_result load_tls_context(const tls_files& files) {
  tls_load_result r;
  if (files.cert.empty() || files.key.empty()) {
    r.error = "both a certificate and a key file are needed";
    return r;
  }
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  SSL_CTX* native = ctx->native_handle();
  boost::system::error_code ec;
  auto step = [&](const std::string& what) {
    r.error = what + ": " + ec.message();
    return r;
  };
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                       ssl::context::no_compression | ssl::context::single_dh_use,
                   ec);
  if (ec) return step("TLS options");
  if (SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(native, tls12_ciphers) != 1) {
    r.error = "TLS protocol or cipher settings refused by OpenSSL";
    return r;
  }
  SSL_CTX_set_options(native, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  // Idle connections give their record buffers back to OpenSSL's allocator.
  SSL_CTX_set_mode(native, SSL_MODE_RELEASE_BUFFERS);
  ctx->use_certificate_chain_file(files.cert, ec);
  if (ec) return step("certificate " + files.cert);
  ctx->use_private_key_file(files.key, ssl::context::pem, ec);
  if (ec) return step("key " + files.key);
  if (SSL_CTX_check_private_key(native) != 1) {
    ERR_clear_error();
    r.error = "key " + files.key + " does not match certificate " + files.cert;
    return r;
  }
  r.description = describe(native);
  r.context = std::move(ctx);
  return r;
}

}  // namespace stratus::net
