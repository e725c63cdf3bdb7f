#include "loadgen/frame_reader.hpp"

#include <algorithm>
#include <cstring>

namespace stratus::loadgen {

frame_reader::frame_reader(std::size_t max_message) : max_message_(max_message) {}

frame_reader::frame_reader(net::tcp_framing prefix, std::size_t max_message)
    : max_message_(max_message), prefix_(prefix) {}

std::span<std::uint8_t> frame_reader::space(std::size_t min) {
  if (begin_ == end_) {
    begin_ = end_ = 0;
  } else if (begin_ > 0 && buffer_.size() - end_ < min) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  const std::size_t want = std::max(end_ + min, begin_ + needed_);
  if (buffer_.size() < want) buffer_.resize(want);
  return {buffer_.data() + end_, buffer_.size() - end_};
}

std::string_view frame_reader::unparsed() const noexcept {
  return {reinterpret_cast<const char*>(buffer_.data()) + begin_, end_ - begin_};
}

frame_reader::event frame_reader::fail(std::string what) {
  problem_ = std::move(what);
  return event::error;
}

frame_reader::event frame_reader::next_packet(std::string_view& payload) {
  const std::uint8_t* p = buffer_.data() + begin_;
  const std::size_t avail = end_ - begin_;
  const std::size_t prefix = prefix_.prefix_bytes;
  if (avail < prefix) return event::none;
  std::size_t body = 0;
  for (std::size_t i = 0; i < prefix; ++i) {
    body = (body << 8) | (prefix_.big_endian ? p[i] : p[prefix - 1 - i]);
  }
  if (body > max_message_) return fail("packet of " + std::to_string(body) + " bytes");
  if (avail < prefix + body) {
    needed_ = prefix + body;  // the next space() makes room for it
    return event::none;
  }
  payload = std::string_view(reinterpret_cast<const char*>(p), prefix + body);
  begin_ += prefix + body;
  needed_ = 0;
  return event::message;
}

frame_reader::event frame_reader::next(std::string_view& payload) {
  if (prefix_.prefix_bytes != 0) return next_packet(payload);
  for (;;) {
    const std::uint8_t* p = buffer_.data() + begin_;
    const std::size_t avail = end_ - begin_;
    if (avail < 2) return event::none;
    const bool fin = (p[0] & 0x80) != 0;
    const auto op = static_cast<ws_opcode>(p[0] & 0x0f);
    if ((p[0] & 0x70) != 0) return fail("reserved bits set (no extension was negotiated)");
    if ((p[1] & 0x80) != 0) return fail("masked frame from the server");
    std::uint64_t size = p[1] & 0x7f;
    std::size_t head = 2;
    if (size == 126) {
      if (avail < 4) return event::none;
      size = (std::uint64_t{p[2]} << 8) | p[3];
      head = 4;
    } else if (size == 127) {
      if (avail < 10) return event::none;
      size = 0;
      for (int i = 0; i < 8; ++i) size = (size << 8) | p[2 + i];
      head = 10;
    }
    if (size > max_message_) return fail("frame of " + std::to_string(size) + " bytes");
    if (avail < head + size) {
      needed_ = head + static_cast<std::size_t>(size);  // the next space() makes room for it
      return event::none;
    }
    const std::string_view body(reinterpret_cast<const char*>(p) + head,
                                static_cast<std::size_t>(size));
    begin_ += head + static_cast<std::size_t>(size);
    needed_ = 0;
    switch (op) {
      case ws_opcode::ping:
      case ws_opcode::pong:
      case ws_opcode::close:
        if (!fin || size > 125) return fail("bad control frame");
        payload = body;
        return op == ws_opcode::ping   ? event::ping
               : op == ws_opcode::pong ? event::pong
                                       : event::close;
      case ws_opcode::binary:
      case ws_opcode::text:
        if (in_fragments_) return fail("new message inside a fragmented one");
        if (fin) {
          payload = body;
          return op == ws_opcode::binary ? event::message : event::text;
        }
        in_fragments_ = true;
        fragment_opcode_ = op;
        fragments_.assign(body);
        continue;
      case ws_opcode::continuation:
        if (!in_fragments_) return fail("continuation frame outside a message");
        if (fragments_.size() + body.size() > max_message_) return fail("message too large");
        fragments_.append(body);
        if (!fin) continue;
        in_fragments_ = false;
        payload = fragments_;
        return fragment_opcode_ == ws_opcode::binary ? event::message : event::text;
      default:
        return fail("unknown opcode " + std::to_string(static_cast<int>(op)));
    }
  }
}

}  // namespace stratus::loadgen
