#include "sproto/pack.hpp"

#include <cstring>

namespace stratus::sproto {
namespace {

using byte = unsigned char;

// Copies the 8-byte word starting at `i` into `w`, zero-padding past the end.
void load_word(std::string_view in, std::size_t i, byte* w) {
  std::size_t n = in.size() - i < 8 ? in.size() - i : 8;
  std::memcpy(w, in.data() + i, n);
  std::memset(w + n, 0, 8 - n);
}

int nonzero_count(const byte* w) {
  int n = 0;
  for (int k = 0; k < 8; ++k) n += w[k] != 0;
  return n;
}

}  // namespace

void pack_to(std::string_view in, std::string& out) {
  const std::size_t words = (in.size() + 7) / 8;
  out.reserve(out.size() + in.size() + in.size() / 8 + 2 * (words / 256 + 1) + 8);
  byte w[8];
  std::size_t i = 0;
  while (i < words) {
    load_word(in, i * 8, w);
    int nz = nonzero_count(w);
    if (nz == 8) {
      // Raw run: this word plus following words with >= 6 non-zero bytes, 256 words at most.
      std::size_t j = i + 1;
      byte next[8];
      while (j < words && j - i < 256) {
        load_word(in, j * 8, next);
        if (nonzero_count(next) < 6) break;
        ++j;
      }
      out.push_back(static_cast<char>(0xff));
      out.push_back(static_cast<char>(j - i - 1));
      std::size_t start = i * 8;
      std::size_t end = j * 8 < in.size() ? j * 8 : in.size();
      out.append(in.data() + start, end - start);
      out.append(j * 8 - end, '\0');  // padding of a partial last word
      i = j;
      continue;
    }
    byte tag = 0;
    std::size_t tag_pos = out.size();
    out.push_back('\0');
    for (int k = 0; k < 8; ++k) {
      if (w[k] != 0) {
        tag = static_cast<byte>(tag | (1u << k));
        out.push_back(static_cast<char>(w[k]));
      }
    }
    out[tag_pos] = static_cast<char>(tag);
    ++i;
  }
}

std::string pack(std::string_view in) {
  std::string out;
  pack_to(in, out);
  return out;
}

status unpack_to(std::string_view in, std::string& out) {
  const std::size_t start = out.size();
  const auto* p = reinterpret_cast<const byte*>(in.data());
  const std::size_t n = in.size();
  out.reserve(start + n * 2);
  std::size_t i = 0;
  while (i < n) {
    byte tag = p[i++];
    if (tag == 0xff) {
      std::size_t len = i < n ? (static_cast<std::size_t>(p[i]) + 1) * 8 : 0;
      if (i >= n || n - i - 1 < len) {
        out.resize(start);
        return make_error(error_kind::unpack, "Invalid unpack stream: truncated 0xff run");
      }
      ++i;
      out.append(in.data() + i, len);
      i += len;
      continue;
    }
    char word[8];
    for (int k = 0; k < 8; ++k) {
      if (tag & (1u << k)) {
        if (i >= n) {
          out.resize(start);
          return make_error(error_kind::unpack, "Invalid unpack stream: truncated word");
        }
        word[k] = static_cast<char>(p[i++]);
      } else {
        word[k] = 0;
      }
    }
    out.append(word, 8);
  }
  return ok_t{};
}

result<std::string> unpack(std::string_view in) {
  std::string out;
  if (auto st = unpack_to(in, out); !st) return st.err();
  return out;
}

}  // namespace stratus::sproto
