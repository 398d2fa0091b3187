#pragma once
// The cpprestsdk implementation of HttpSend (TLS verified against the system CAs plus `ca_file`).
#include <chrono>
#include <filesystem>

#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

HttpSend MakeHttpSender(const std::filesystem::path& ca_file, std::chrono::milliseconds timeout);

}  // namespace selvhjelp::plugin
