#pragma once
// The cpprestsdk implementation of HttpGet (TLS verified against the system CAs plus `ca_file`).
#include <filesystem>

#include "plugin/groups/http_get.h"

namespace selvhjelp::plugin {

HttpGet MakeHttpGetter(const std::filesystem::path& ca_file);

}  // namespace selvhjelp::plugin
