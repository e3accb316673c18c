#pragma once

// Debian's libsrtp2, the reference our SRTP is checked and measured against (tests and
// benchmarks only: chorus_media never links it).
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include <srtp2/srtp.h>

#include "media/security/SrtpProfile.h"

namespace chorus::media::testing {

struct LibSrtpFree {
  void operator()(srtp_ctx_t* session) const noexcept { srtp_dealloc(session); }
};
using LibSrtp = std::unique_ptr<srtp_ctx_t, LibSrtpFree>;

// A libsrtp2 session for one direction (ssrc_any_outbound or ssrc_any_inbound) configured as
// SrtpContext behaves: 128-packet replay window, retransmissions allowed on outbound.
inline LibSrtp libsrtpSession(SrtpProfile profile, const SrtpMasterKey& master,
                              srtp_ssrc_type_t type) {
  static const bool initialised = srtp_init() == srtp_err_status_ok;
  if (!initialised) {
    throw std::runtime_error("srtp_init failed");
  }
  srtp_policy_t policy{};
  switch (profile) {
    case SrtpProfile::kAes128CmSha1Tag80:
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtp);
      srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&policy.rtcp);
      break;
    case SrtpProfile::kAeadAes128Gcm:
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_128_16_auth(&policy.rtcp);
      break;
    case SrtpProfile::kAeadAes256Gcm:
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtp);
      srtp_crypto_policy_set_aes_gcm_256_16_auth(&policy.rtcp);
      break;
  }
  // libsrtp takes the master key and salt as one contiguous buffer.
  const SrtpProfileSizes sizes = sizesOf(profile);
  std::vector<std::uint8_t> keyAndSalt(master.key.begin(), master.key.begin() + sizes.keyBytes);
  keyAndSalt.insert(keyAndSalt.end(), master.salt.begin(), master.salt.begin() + sizes.saltBytes);
  policy.key = keyAndSalt.data();
  policy.ssrc.type = type;
  policy.window_size = 128;
  policy.allow_repeat_tx = 1;  // retransmissions protect again, as ours do
  srtp_t session = nullptr;
  if (srtp_create(&session, &policy) != srtp_err_status_ok) {
    throw std::runtime_error("srtp_create failed");
  }
  return LibSrtp(session);
}

}  // namespace chorus::media::testing
