#include <string>

#include <gtest/gtest.h>

#include "DtlsTestCertificate.h"
#include "media/security/DtlsCertificate.h"
#include "media/security/DtlsFingerprint.h"

namespace chorus::media {
namespace {

using testing::kSha256Fingerprint;
using testing::kSha512Fingerprint;

TEST(DtlsFingerprintTest, FingerprintOfACertificateMatchesTheOpensslTool) {
  const auto certificate =
      DtlsCertificate::fromPem(testing::kCertificatePem, testing::kPrivateKeyPem);
  ASSERT_TRUE(certificate);
  EXPECT_EQ(certificate->fingerprint().toSdp(), "sha-256 " + std::string(kSha256Fingerprint));
  const auto sha512 = DtlsFingerprint::of(*certificate->certificate(), DtlsHashFunction::kSha512);
  ASSERT_TRUE(sha512);
  EXPECT_EQ(sha512->toSdp(), "sha-512 " + std::string(kSha512Fingerprint));
}

TEST(DtlsFingerprintTest, ParsesWhatItPrints) {
  const std::string sdp = "sha-256 " + std::string(kSha256Fingerprint);
  const auto parsed = DtlsFingerprint::parse(sdp);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(parsed->hashFunction(), DtlsHashFunction::kSha256);
  ASSERT_EQ(parsed->digest().size(), 32U);
  EXPECT_EQ(parsed->digest()[0], 0x2a);
  EXPECT_EQ(parsed->digest()[31], 0xb3);
  EXPECT_EQ(parsed->toSdp(), sdp);
}

TEST(DtlsFingerprintTest, HashNameIsCaseInsensitiveAndHexEitherCase) {
  std::string lower = "SHA-256 " + std::string(kSha256Fingerprint);
  for (auto& c : lower) {
    if (c >= 'A' && c <= 'F') {
      c = static_cast<char>(c - 'A' + 'a');
    }
  }
  EXPECT_EQ(DtlsFingerprint::parse(lower),
            DtlsFingerprint::parse("sha-256 " + std::string(kSha256Fingerprint)));
}

TEST(DtlsFingerprintTest, RejectsMalformedValues) {
  const std::string digest(kSha256Fingerprint);
  EXPECT_FALSE(DtlsFingerprint::parse(""));
  EXPECT_FALSE(DtlsFingerprint::parse("sha-256"));
  EXPECT_FALSE(DtlsFingerprint::parse("md5 " + digest));
  EXPECT_FALSE(DtlsFingerprint::parse("sha-384 " + digest));            // wrong length for the hash
  EXPECT_FALSE(DtlsFingerprint::parse("sha-256 " + digest + ":00"));    // too long
  EXPECT_FALSE(DtlsFingerprint::parse("sha-256 " + digest.substr(1)));  // misaligned
  std::string badDigit = digest;
  badDigit[4] = 'G';
  EXPECT_FALSE(DtlsFingerprint::parse("sha-256 " + badDigit));
  std::string badSeparator = digest;
  badSeparator[2] = '-';
  EXPECT_FALSE(DtlsFingerprint::parse("sha-256 " + badSeparator));
}

TEST(DtlsFingerprintTest, DifferentHashFunctionsAreDifferentFingerprints) {
  const std::array<std::uint8_t, 32> bytes{};
  EXPECT_FALSE(DtlsFingerprint(DtlsHashFunction::kSha256, bytes) ==
               DtlsFingerprint(DtlsHashFunction::kSha384, bytes));
}

}  // namespace
}  // namespace chorus::media
