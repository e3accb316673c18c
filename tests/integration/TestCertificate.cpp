#include "tests/integration/TestCertificate.h"

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <system_error>

#include <openssl/bio.h>
#include <openssl/buffer.h>
#include <openssl/pem.h>

#include <gtest/gtest.h>

#include "media/security/DtlsCertificate.h"

namespace chorus::test {
namespace {

// The text a PEM writer puts in a memory BIO.
template <typename Write>
std::string pemText(Write write) {
  const media::BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1) {
    throw std::runtime_error("PEM encoding failed");
  }
  BUF_MEM* memory = nullptr;
  BIO_get_mem_ptr(bio.get(), &memory);
  return {memory->data, memory->length};
}

}  // namespace

TestCertificate::TestCertificate() {
  std::string folder = ::testing::TempDir() + "chorus-tls-XXXXXX";
  if (mkdtemp(folder.data()) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  folder_ = folder;
  const auto certificate =
      media::DtlsCertificate::generate(std::chrono::system_clock::now(), "localhost");
  if (!certificate) {
    throw std::runtime_error("cannot generate a certificate");
  }
  certificatePem_ =
      pemText([&](BIO* bio) { return PEM_write_bio_X509(bio, certificate->certificate()); });
  std::ofstream(certificateFile()) << certificatePem_;
  std::ofstream(privateKeyFile()) << pemText([&](BIO* bio) {
    return PEM_write_bio_PrivateKey(bio, certificate->privateKey(), nullptr, nullptr, 0, nullptr,
                                    nullptr);
  });
}

TestCertificate::~TestCertificate() {
  std::error_code ignored;
  std::filesystem::remove_all(folder_, ignored);
}

}  // namespace chorus::test
