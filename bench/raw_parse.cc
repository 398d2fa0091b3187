// The parse floor for bench/run.sh's instructions per call: RapidJSON alone reading a request's
// bytes as the service's own parse does (in situ, numbers as text, SSE2 scans), into nothing
// (`sax`: the reader with a handler that keeps nothing, the least any parse of these bytes costs)
// or into its own DOM (`dom`: a library's whole parse, its pool reused). bench/run.sh runs it
// under callgrind with 0 and with N parses; the difference over N is the instructions a parse.
// Usage: raw_parse sax|dom FILE N
// RapidJSON here has SSE2 on, as in fhir/json/parsed_json.cc, and so a namespace of its own (the
// fhir library's other parses instantiate the same templates without it).
#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2
#endif
#define RAPIDJSON_NAMESPACE raw_parse_rapidjson
#include <rapidjson/document.h>
#include <rapidjson/reader.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "fhir/json/json_file.h"

namespace rapidjson = RAPIDJSON_NAMESPACE;

namespace {

// Keeps nothing: every event accepted.
struct Sink : rapidjson::BaseReaderHandler<rapidjson::UTF8<>, Sink> {
  bool Default() { return true; }
};

constexpr unsigned kFlags = rapidjson::kParseInsituFlag | rapidjson::kParseNumbersAsStringsFlag;

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc == 4 ? argv[1] : "";
  if (mode != "sax" && mode != "dom") {
    std::cerr << "usage: raw_parse sax|dom FILE N\n";
    return 2;
  }
  auto text = selvhjelp::fhir::ReadTextFile(argv[2]);
  if (!text.ok()) {
    std::cerr << text.status().message() << "\n";
    return 1;
  }
  const long parses = std::atol(argv[3]);
  // A copy per parse (in situ changes it), padded for the aligned SIMD reads past the end.
  std::vector<char> buffer(text->size() + 32);
  rapidjson::MemoryPoolAllocator<> pool;
  size_t values = 0;
  for (long i = 0; i < parses; ++i) {
    std::memcpy(buffer.data(), text->data(), text->size() + 1);
    bool ok;
    if (mode == "sax") {
      Sink sink;
      rapidjson::InsituStringStream stream(buffer.data());
      ok = !rapidjson::Reader().Parse<kFlags>(stream, sink).IsError();
    } else {
      rapidjson::Document document(&pool);
      ok = !document.ParseInsitu<kFlags>(buffer.data()).HasParseError();
      values += document.IsObject() ? document.MemberCount() : 0;
      pool.Clear();
    }
    if (!ok) {
      std::cerr << argv[2] << ": not JSON\n";
      return 1;
    }
  }
  std::printf("%ld parses, %zu members\n", parses, values);
  return 0;
}
