#pragma once
// Name-based UUIDs (RFC 9562 version 5: SHA-1 of a namespace and a name), for ids that must stay
// the same from one run to the next, such as the HSDS export's: the same name always gives the
// same UUID, and different names practically never the same one. Thread-safe.
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

// The UUID for `name` in `name_space` (a UUID in its 36-character text form, e.g.
// "6ba7b811-9dad-11d1-80b4-00c04fd430c8"), lowercase. `name_space` is the caller's constant:
// a malformed one is a programming error (assert).
std::string Uuid5(std::string_view name_space, std::string_view name);

}  // namespace selvhjelp::plugin
