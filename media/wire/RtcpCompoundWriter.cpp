#include "media/wire/RtcpCompoundWriter.h"

namespace chorus::media {

bool RtcpCompoundWriter::append(std::optional<std::size_t> written) noexcept {
  if (!written || *written > buffer_.size() - size_) {
    return false;
  }
  size_ += *written;
  return true;
}

}  // namespace chorus::media
