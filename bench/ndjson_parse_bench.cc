// The yardstick for the audit's throughput: RapidJSON's raw parse rate of the same NDJSON files
// (one in-situ DOM parse per line, one reused document, nothing else done with the result).
// Usage: ndjson_parse_bench DIR   -> prints "rapidjson_parse_mb_per_s <rate> bytes <n> seconds <s>"
#include <rapidjson/document.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: ndjson_parse_bench DIR\n";
    return 2;
  }
  static char buffer[64 * 1024];
  rapidjson::MemoryPoolAllocator<> allocator(buffer, sizeof buffer);
  rapidjson::Document document(&allocator);
  char* line = nullptr;
  size_t capacity = 0;
  int64_t bytes = 0, members = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const auto& entry : std::filesystem::directory_iterator(argv[1])) {
    if (entry.path().extension() != ".ndjson") continue;
    FILE* in = std::fopen(entry.path().c_str(), "r");
    if (in == nullptr) return 3;
    std::setvbuf(in, nullptr, _IOFBF, 1 << 20);
    ssize_t length;
    while ((length = ::getline(&line, &capacity, in)) > 0) {
      bytes += length;
      document.SetNull();
      allocator.Clear();
      document.ParseInsitu(line);
      if (document.HasParseError()) return 1;
      members += document.IsObject() ? document.MemberCount() : 0;  // keeps the parse from being optimised away
    }
    std::fclose(in);
  }
  std::free(line);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("rapidjson_parse_mb_per_s %.1f bytes %lld seconds %.2f (members %lld)\n", bytes / seconds / 1e6,
              static_cast<long long>(bytes), seconds, static_cast<long long>(members));
  return 0;
}
