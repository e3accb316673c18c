// The SRTP transforms and key derivation against the RFCs' own test vectors, byte for byte.
#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <gtest/gtest.h>

#include "media/security/SrtpCipher.h"
#include "media/security/SrtpKeyDerivation.h"
#include "tests/unit/media/SrtpTestPackets.h"

namespace chorus::media {
namespace {

using testing::fromHex;

SrtpSessionKeys sessionKeys(std::string_view key, std::string_view salt) {
  SrtpSessionKeys keys;
  const auto keyBytes = fromHex(key);
  const auto saltBytes = fromHex(salt);
  std::copy(keyBytes.begin(), keyBytes.end(), keys.encryptionKey.begin());
  std::copy(saltBytes.begin(), saltBytes.end(), keys.salt.begin());
  return keys;
}

std::vector<std::uint8_t> slice(std::span<const std::uint8_t> bytes, std::size_t at,
                                std::size_t count) {
  const auto part = bytes.subspan(at, count);
  return {part.begin(), part.end()};
}

// RFC 3711 Appendix B.2: the AES-CM keystream for SSRC 0, index 0. Encrypting zeros exposes it.
TEST(SrtpCipherTest, AesCmKeystreamMatchesRfc3711AppendixB2) {
  SrtpCipher cipher(SrtpProfile::kAes128CmSha1Tag80, sessionKeys("2b7e151628aed2a6abf7158809cf4f3c",
                                                                 "f0f1f2f3f4f5f6f7f8f9fafbfcfd"));
  constexpr std::size_t kHeader = 12;
  constexpr std::size_t kBlocks = 0xff02;  // up to the block whose counter is ...ff01
  std::vector<std::uint8_t> packet(kHeader + 16 * kBlocks + 10, 0);
  packet[0] = 0x80;
  ASSERT_TRUE(cipher.protectRtp(packet, kHeader, kHeader + 16 * kBlocks, 0, 0));
  const auto block = [&](std::size_t counter) { return slice(packet, kHeader + 16 * counter, 16); };
  EXPECT_EQ(block(0x0000), fromHex("e03ead0935c95e80e166b16dd92b4eb4"));
  EXPECT_EQ(block(0x0001), fromHex("d23513162b02d0f72a43a2fe4a5f97ab"));
  EXPECT_EQ(block(0x0002), fromHex("41e95b3bb0a2e8dd477901e4fca894c0"));
  EXPECT_EQ(block(0xfeff), fromHex("ec8cdf7398607cb0f2d21675ea9ea1e4"));
  EXPECT_EQ(block(0xff00), fromHex("362b7c3c6773516318a077d7fc5073ae"));
  EXPECT_EQ(block(0xff01), fromHex("6a2cc3787889374fbeb4c81b17ba6c44"));
}

// RFC 3711 Appendix B.3: session keys from a master key with kdr = 0 and index 0.
TEST(SrtpCipherTest, KeyDerivationMatchesRfc3711AppendixB3) {
  SrtpMasterKey master;
  const auto key = fromHex("e1f97a0d3e018be0d64fa32c06de4139");
  const auto salt = fromHex("0ec675ad498afeebb6960b3aabe6");
  std::copy(key.begin(), key.end(), master.key.begin());
  std::copy(salt.begin(), salt.end(), master.salt.begin());
  const SrtpSessionKeys keys =
      deriveSessionKeys(SrtpProfile::kAes128CmSha1Tag80, master, SrtpKeyUse::kRtp);
  EXPECT_EQ(slice(keys.encryptionKey, 0, 16), fromHex("c61e7a93744f39ee10734afe3ff7a087"));
  EXPECT_EQ(slice(keys.salt, 0, 14), fromHex("30cbbc08863d8c85d49db34a9ae1"));
  EXPECT_EQ(slice(keys.authKey, 0, 20), fromHex("cebe321f6ff7716b6fd4ab49af256a156d38baa4"));
}

// RFC 7714 §16: AEAD test vectors. The same session key bytes serve both sizes (AES-256 takes
// all 32), with one salt; the RTP packet has SSRC 0x5501a0b2, SEQ 0xf17b and ROC 0; the RTCP
// packet is a sender report with SRTCP index 0x5d4.
constexpr std::string_view kRfc7714Key =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr std::string_view kRfc7714Salt = "517569642070726f2071756f";
constexpr std::string_view kRfc7714RtpPlain =
    "8040f17b8041f8d35501a0b2"
    "47616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573";
constexpr std::string_view kRfc7714RtcpPlain =
    "81c8000d4d617273"
    "4e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";

struct Rfc7714Case {
  SrtpProfile profile;
  std::size_t keyBytes;
  std::string_view rtpProtected;
  std::string_view rtcpProtected;
};

const std::array<Rfc7714Case, 2> kRfc7714Cases{{
    {SrtpProfile::kAeadAes128Gcm, 16,
     "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de"
     "3adf8833899d7f27beb16a9152cf765ee4390cce",
     "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b468630"
     "3ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4"},
    {SrtpProfile::kAeadAes256Gcm, 32,
     "8040f17b8041f8d35501a0b232b1de78a822fe12ef9f78fa332e33aab18012389a58e2f3b50b2a0276ffae0f1ba6"
     "3799b87b7aa3db36dfffd6b0f9bb7878d7a76c13",
     "81c8000d4d617273d50ae4d1f5ce5d304ba297e47d470c282c3ece5dbffe0a50a2eaa5c1110555be8415f658c61d"
     "e0476f1b6fad1d1eb30c4446839f57ff6f6cb26ac3be800005d4"},
}};

SrtpCipher rfc7714Cipher(const Rfc7714Case& test) {
  return {test.profile, sessionKeys(kRfc7714Key.substr(0, 2 * test.keyBytes), kRfc7714Salt)};
}

TEST(SrtpCipherTest, GcmRtpMatchesRfc7714Section16BothWays) {
  for (const auto& test : kRfc7714Cases) {
    SrtpCipher cipher = rfc7714Cipher(test);
    const auto plain = fromHex(kRfc7714RtpPlain);
    auto buffer = testing::withRoom(plain);
    ASSERT_TRUE(cipher.protectRtp(buffer, 12, plain.size(), 0x5501a0b2, 0xf17b));
    EXPECT_EQ(slice(buffer, 0, plain.size() + 16), fromHex(test.rtpProtected));

    auto received = fromHex(test.rtpProtected);
    ASSERT_TRUE(cipher.unprotectRtp(received, 12, received.size(), 0x5501a0b2, 0xf17b));
    EXPECT_EQ(slice(received, 0, plain.size()), plain);
  }
}

TEST(SrtpCipherTest, GcmRtcpMatchesRfc7714Section16BothWays) {
  for (const auto& test : kRfc7714Cases) {
    SrtpCipher cipher = rfc7714Cipher(test);
    const auto plain = fromHex(kRfc7714RtcpPlain);
    auto buffer = testing::withRoom(plain);
    ASSERT_TRUE(cipher.protectRtcp(buffer, plain.size(), 0x4d617273, 0x5d4));
    EXPECT_EQ(slice(buffer, 0, plain.size() + 20), fromHex(test.rtcpProtected));

    auto received = fromHex(test.rtcpProtected);
    EXPECT_EQ(cipher.rtcpTrailerAt(received.size()), received.size() - 4);
    ASSERT_TRUE(cipher.unprotectRtcp(received, received.size(), 0x4d617273, 0x5d4));
    EXPECT_EQ(slice(received, 0, plain.size()), plain);
  }
}

TEST(SrtpCipherTest, GcmRejectsAnyFlippedBitOfHeaderPayloadOrTag) {
  for (const auto& test : kRfc7714Cases) {
    SrtpCipher cipher = rfc7714Cipher(test);
    const auto sealed = fromHex(test.rtpProtected);
    for (const std::size_t at : {std::size_t{1}, std::size_t{20}, sealed.size() - 1}) {
      auto forged = sealed;
      forged[at] ^= 0x01;
      EXPECT_FALSE(cipher.unprotectRtp(forged, 12, forged.size(), 0x5501a0b2, 0xf17b)) << at;
    }
    auto wrongIndex = sealed;
    EXPECT_FALSE(cipher.unprotectRtp(wrongIndex, 12, wrongIndex.size(), 0x5501a0b2, 0x1f17b));
  }
}

TEST(SrtpCipherTest, HmacRejectsFlippedBitAndWrongRoc) {
  SrtpSessionKeys keys =
      sessionKeys("2b7e151628aed2a6abf7158809cf4f3c", "f0f1f2f3f4f5f6f7f8f9fafbfcfd");
  keys.authKey.fill(0x42);
  SrtpCipher cipher(SrtpProfile::kAes128CmSha1Tag80, keys);
  const auto plain = testing::rtpPacket(0x1234, 7, 100);
  auto sealed = testing::withRoom(plain);
  ASSERT_TRUE(cipher.protectRtp(sealed, 12, plain.size(), 0x1234, 7));
  const std::size_t length = plain.size() + 10;
  for (const std::size_t at : {std::size_t{2}, std::size_t{50}, length - 1}) {
    auto forged = sealed;
    forged[at] ^= 0x80;
    EXPECT_FALSE(cipher.unprotectRtp(forged, 12, length, 0x1234, 7)) << at;
  }
  auto otherRoc = sealed;
  EXPECT_FALSE(cipher.unprotectRtp(otherRoc, 12, length, 0x1234, 0x10007));
  ASSERT_TRUE(cipher.unprotectRtp(sealed, 12, length, 0x1234, 7));
  EXPECT_EQ(slice(sealed, 0, plain.size()), plain);
}

}  // namespace
}  // namespace chorus::media
