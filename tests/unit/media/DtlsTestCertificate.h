#pragma once

#include <string_view>

namespace chorus::media::testing {

// An ECDSA P-256 certificate and key made with the openssl command-line tool:
//   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 \
//     -subj /CN=chorus-test -keyout key.pem -out cert.pem
inline constexpr std::string_view kCertificatePem = R"(-----BEGIN CERTIFICATE-----
MIIBgTCCASegAwIBAgIUVn4xL2WK14BQH6zCJiwqnRWXzrowCgYIKoZIzj0EAwIw
FjEUMBIGA1UEAwwLY2hvcnVzLXRlc3QwHhcNMjYxMTI2MTA0ODQ5WhcNMzYxMTIz
MTA0ODQ5WjAWMRQwEgYDVQQDDAtjaG9ydXMtdGVzdDBZMBMGByqGSM49AgEGCCqG
SM49AwEHA0IABIE5tvJJ0y6WkcRrwDLqefaFzOFgDgCBAQIWG88VsELVPku2V0DF
AcGIOyrrNRGxuZnW3Xo6PYprJV5OYEOTkU6jUzBRMB0GA1UdDgQWBBQy58iy9sLJ
RXDr2PxbYNj0abfrNTAfBgNVHSMEGDAWgBQy58iy9sLJRXDr2PxbYNj0abfrNTAP
BgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0gAMEUCIFF9pyd8A1qP/L7v80I7
G8JUoA2stB3XGRulWL6fQfCeAiEAg0oB8sP69847hLpuR8FfprG24cxmZu+XlTml
vb5GyRM=
-----END CERTIFICATE-----
)";

inline constexpr std::string_view kPrivateKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg7KTDw8r8rBC+mVwl
rMWfz2QlFFaN0htfcG1QjQ74wpKhRANCAASBObbySdMulpHEa8Ay6nn2hczhYA4A
gQECFhvPFbBC1T5LtldAxQHBiDsq6zURsbmZ1t16Oj2KayVeTmBDk5FO
-----END PRIVATE KEY-----
)";

// Another P-256 key (openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256).
inline constexpr std::string_view kOtherPrivateKeyPem = R"(-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZEP76UnrPUR4+++Q
A7ubQo9TXnEQHVuslawYKCEass+hRANCAATcn2maNkut73vuFsYtXrljqtfx/dUP
f5+D6xVddr6J84avsuUNOs8Jq64Cw3Meuni5ojYrxcnlw1z+AIJp4MZ4
-----END PRIVATE KEY-----
)";

// `openssl x509 -noout -fingerprint -sha256` / `-sha512` of kCertificatePem.
inline constexpr std::string_view kSha256Fingerprint =
    "2A:E5:DA:6A:36:EA:44:5F:39:A2:12:06:82:46:B2:5A:31:85:1A:54:62:B6:42:71:49:A0:38:B9:D8:F1:2F:"
    "B3";
inline constexpr std::string_view kSha512Fingerprint =
    "7E:EA:E6:F9:65:B9:63:A8:C5:40:F3:7A:B1:0C:5A:40:CE:84:62:14:7C:5A:FF:CF:BE:56:CE:1B:F3:72:61:"
    "1A:A5:1D:F2:9D:DE:2B:9A:3A:0F:AD:89:B4:ED:C8:43:3A:E5:ED:12:9F:52:B5:D4:03:E8:59:CE:37:9A:6F:"
    "AE:B8";

}  // namespace chorus::media::testing
