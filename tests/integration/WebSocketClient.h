#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace chorus::test {

// A minimal blocking WebSocket client for tests: every call runs its own io_context for at
// most `timeout`, so a server that stops answering fails the test instead of hanging it.
class WebSocketClient {
 public:
  static constexpr std::chrono::seconds kTimeout{10};

  // wss: TLS first, the server's certificate verified against `trustedCertificatePem` for the
  // name localhost.
  struct Tls {
    std::string trustedCertificatePem;
  };

  // Connects to ws://127.0.0.1:port/ws (wss:// with `tls`) and completes the handshake,
  // sending `origin` as the Origin header as a browser would; throws on failure.
  explicit WebSocketClient(std::uint16_t port, std::string_view origin = {},
                           const std::optional<Tls>& tls = std::nullopt);
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;
  WebSocketClient(WebSocketClient&& other) noexcept;
  WebSocketClient& operator=(WebSocketClient&& other) noexcept;

  // Sends one text message; false if the connection failed.
  bool send(std::string_view text);
  // The next message, or nothing if the connection closed (see closeCode()) or timed out.
  std::optional<std::string> receive();
  // The close code the server sent, once receive() has seen the close; 0 otherwise.
  std::uint16_t closeCode() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace chorus::test
