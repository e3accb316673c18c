// cluster.peers entries: http or https URLs of a host name, an IPv4 or a bracketed IPv6
// address, with or without a port and a trailing slash; anything else is refused at
// configuration time.
#include <gtest/gtest.h>

#include "signaling/cluster/PeerUrl.h"

namespace chorus::signaling {
namespace {

TEST(PeerUrlTest, ParsesNamesAddressesAndPorts) {
  const auto named = PeerUrl::parse("http://chorus-1.chorus.default.svc:8080/");
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->host, "chorus-1.chorus.default.svc");
  EXPECT_EQ(named->port, 8080);
  EXPECT_EQ(named->text(), "http://chorus-1.chorus.default.svc:8080");

  const auto v4 = PeerUrl::parse("http://10.0.0.5");
  ASSERT_TRUE(v4.has_value());
  EXPECT_EQ(v4->port, 80);

  const auto v6 = PeerUrl::parse("http://[fd00::5]:8081");
  ASSERT_TRUE(v6.has_value());
  EXPECT_EQ(v6->host, "fd00::5");
  EXPECT_EQ(v6->text(), "http://[fd00::5]:8081");
  EXPECT_FALSE(v6->tls);
}

TEST(PeerUrlTest, HttpsMeansTlsAndPort443ByDefault) {
  const auto secure = PeerUrl::parse("https://10.0.0.5");
  ASSERT_TRUE(secure.has_value());
  EXPECT_TRUE(secure->tls);
  EXPECT_EQ(secure->port, 443);
  EXPECT_EQ(secure->text(), "https://10.0.0.5:443");
  const auto named = PeerUrl::parse("https://chorus-2.example.com:8443/");
  ASSERT_TRUE(named.has_value());
  EXPECT_EQ(named->port, 8443);
  EXPECT_EQ(named->text(), "https://chorus-2.example.com:8443");
}

TEST(PeerUrlTest, RefusesOtherSchemesPathsAndBadPorts) {
  for (const std::string_view text :
       {"", "10.0.0.5:8080", "https://", "ws://10.0.0.5/ws", "http://", "http://:80",
        "http://10.0.0.5:", "http://10.0.0.5:0", "http://10.0.0.5:65536", "http://10.0.0.5:8x",
        "http://10.0.0.5/cluster", "http://[fd00::5", "http://[]:80", "http://user@host",
        "http://a b"}) {
    EXPECT_FALSE(PeerUrl::parse(text).has_value()) << text;
  }
}

}  // namespace
}  // namespace chorus::signaling
