#pragma once

#include <filesystem>
#include <string>

namespace chorus::test {

// A self-signed ECDSA P-256 certificate for CN=localhost (the name the test clients verify)
// and its key, as PEM files in a folder of their own: ctest may run these tests in parallel.
class TestCertificate {
 public:
  TestCertificate();
  ~TestCertificate();
  TestCertificate(const TestCertificate&) = delete;
  TestCertificate& operator=(const TestCertificate&) = delete;

  const std::string& pem() const { return certificatePem_; }
  std::string certificateFile() const { return folder_ / "certificate.pem"; }
  std::string privateKeyFile() const { return folder_ / "key.pem"; }

 private:
  std::filesystem::path folder_;
  std::string certificatePem_;
};

}  // namespace chorus::test
