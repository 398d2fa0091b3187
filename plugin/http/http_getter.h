#pragma once
// The cpprestsdk implementation of HttpSend (TLS verified against the system CAs plus `ca_file`).
#include <chrono>
#include <filesystem>
#include <stop_token>

#include "plugin/net/http_call.h"

namespace selvhjelp::plugin {

// Each call times out after `timeout`. Once `stop` is requested, calls in flight are cancelled
// (their connection closed) and new calls fail at once: Unavailable "...: cancelled".
HttpSend MakeHttpSender(const std::filesystem::path& ca_file, std::chrono::milliseconds timeout,
                        std::stop_token stop = {});

}  // namespace selvhjelp::plugin
