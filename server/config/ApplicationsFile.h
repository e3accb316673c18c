#pragma once

#include <string>

#include "signaling/auth/ApplicationRegistry.h"

namespace chorus::server {

// Reads auth.applications_file: a YAML mapping of application key to HS256 secret,
//   app-1: "a secret of at least 32 bytes..."
// An empty path gives no application. Throws ConfigError for an unreadable file, a file that
// is not such a mapping, or a key or secret ApplicationRegistry refuses.
signaling::ApplicationRegistry loadApplications(const std::string& path);

}  // namespace chorus::server
