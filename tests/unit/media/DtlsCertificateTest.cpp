#include <chrono>

#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <gtest/gtest.h>

#include "DtlsTestCertificate.h"
#include "media/security/DtlsCertificate.h"

namespace chorus::media {
namespace {

// 2026-01-01T00:00:00Z
const std::chrono::system_clock::time_point kNow{std::chrono::seconds(1'767'225'600)};

TEST(DtlsCertificateTest, GeneratesASelfSignedEcdsaP256Certificate) {
  const auto generated = DtlsCertificate::generate(kNow);
  ASSERT_TRUE(generated);
  X509* certificate = generated->certificate();
  EXPECT_EQ(EVP_PKEY_get_base_id(generated->privateKey()), EVP_PKEY_EC);
  EXPECT_EQ(EVP_PKEY_get_bits(generated->privateKey()), 256);
  EXPECT_EQ(X509_check_private_key(certificate, generated->privateKey()), 1);
  // Self-signed: the subject is the issuer and the signature verifies with its own key.
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(certificate), X509_get_issuer_name(certificate)),
            0);
  EXPECT_EQ(X509_verify(certificate, generated->privateKey()), 1);
  std::array<char, 64> commonName{};
  X509_NAME_get_text_by_NID(X509_get_subject_name(certificate), NID_commonName, commonName.data(),
                            static_cast<int>(commonName.size()));
  EXPECT_STREQ(commonName.data(), "chorus");
  EXPECT_EQ(X509_get_signature_nid(certificate), NID_ecdsa_with_SHA256);
}

TEST(DtlsCertificateTest, ValidFromAMonthBeforeToAYearAfterNow) {
  const auto generated = DtlsCertificate::generate(kNow);
  ASSERT_TRUE(generated);
  const auto seconds = std::chrono::system_clock::to_time_t(kNow);
  int days = 0;
  int secs = 0;
  ASN1_TIME* now = ASN1_TIME_set(nullptr, seconds);
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, now, X509_get0_notBefore(generated->certificate())), 1);
  EXPECT_EQ(days, -30);
  EXPECT_EQ(secs, 0);
  ASSERT_EQ(ASN1_TIME_diff(&days, &secs, now, X509_get0_notAfter(generated->certificate())), 1);
  EXPECT_EQ(days, 365);
  EXPECT_EQ(secs, 0);
  ASN1_TIME_free(now);
}

TEST(DtlsCertificateTest, EachCertificateHasItsOwnKeySerialAndFingerprint) {
  const auto a = DtlsCertificate::generate(kNow);
  const auto b = DtlsCertificate::generate(kNow);
  ASSERT_TRUE(a && b);
  EXPECT_FALSE(a->fingerprint() == b->fingerprint());
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->certificate()),
                             X509_get0_serialNumber(b->certificate())),
            0);
  EXPECT_EQ(a->fingerprint().hashFunction(), DtlsHashFunction::kSha256);
}

TEST(DtlsCertificateTest, LoadsPemAndRejectsAKeyThatIsNotTheCertificates) {
  EXPECT_TRUE(DtlsCertificate::fromPem(testing::kCertificatePem, testing::kPrivateKeyPem));
  EXPECT_FALSE(DtlsCertificate::fromPem(testing::kCertificatePem, testing::kOtherPrivateKeyPem));
  EXPECT_FALSE(DtlsCertificate::fromPem("not pem", testing::kPrivateKeyPem));
  EXPECT_FALSE(DtlsCertificate::fromPem(testing::kCertificatePem, ""));
}

}  // namespace
}  // namespace chorus::media
