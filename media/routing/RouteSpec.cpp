#include "media/routing/RouteSpec.h"

namespace chorus::media {

std::array<std::uint8_t, 256> extensionIdMap(const RtpExtensionIds& publisher,
                                             const RtpExtensionIds& subscriber) noexcept {
  std::array<std::uint8_t, 256> map{};
  const auto rename = [&map](std::uint8_t from, std::uint8_t to) {
    if (from != 0) {
      map[from] = to;
    }
  };
  rename(publisher.absSendTime, subscriber.absSendTime);
  rename(publisher.transportCc, subscriber.transportCc);
  rename(publisher.audioLevel, subscriber.audioLevel);
  rename(publisher.videoOrientation, subscriber.videoOrientation);
  rename(publisher.playoutDelay, subscriber.playoutDelay);
  return map;
}

}  // namespace chorus::media
