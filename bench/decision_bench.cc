// In-process cost of one hook call, by stage, without HTTP: parse the request JSON, decide
// (prefetch present, so no FHIR calls; card rows go to the store as in a real call) and write the
// answer. With two requests (bench/run.sh: the patient with and without a geolocation) the calls
// alternate, so both see the same machine load and their ratio is fair within one run.
// Prints, per request, the mean CPU time a call costs the process (its background threads' share,
// such as the card rows' batched writes, included; a loaded machine's waits not), the mean of
// each stage and the median wall time a call, then
// RapidJSON's own DOM parse of the first request (what a parser alone costs) and, with two
// requests, the ratio of the first's mean to the second's.
// Usage: decision_bench CONFIG ITERATIONS REQUEST_JSON [OTHER_REQUEST_JSON]
#include <rapidjson/document.h>

#include <time.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "fhir/json/json_file.h"
#include "fhir/json/parsed_json.h"
#include "plugin/cds/hook_definitions.h"
#include "plugin/runtime.h"

using Clock = std::chrono::steady_clock;

namespace {

struct Request {
  std::string name;  // the file's stem
  std::string body;
  double parse_us = 0, decide_us = 0;  // CPU, summed
  std::vector<double> wall_us;
  size_t bytes = 0;
};

double Micros(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::micro>(to - from).count();
}

// CPU time of the whole process so far, in microseconds.
double CpuMicros() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::cerr << "usage: decision_bench CONFIG ITERATIONS REQUEST_JSON [OTHER_REQUEST_JSON]\n";
    return 2;
  }
  const int iterations = std::max(1, std::atoi(argv[2]));
  auto runtime = selvhjelp::plugin::LoadRuntime(argv[1], 0, true, {});  // file sources only
  if (!runtime.ok()) {
    std::cerr << runtime.status().message() << "\n";
    return 1;
  }
  std::vector<Request> requests;
  for (int i = 3; i < argc; ++i) {
    auto body = selvhjelp::fhir::ReadTextFile(argv[i]);
    if (!body.ok()) {
      std::cerr << body.status().message() << "\n";
      return 1;
    }
    Request& request = requests.emplace_back();
    request.name = std::filesystem::path(argv[i]).stem().string();
    request.body = std::move(body).value();
  }
  (void)(*runtime)->directory->LoadAll();
  const auto& service = *selvhjelp::plugin::FindHookService("selvhjelp-patient-view");
  const int warm_up = iterations / 10 + 1;  // not timed: first calls fill caches
  const selvhjelp::plugin::TraceContext trace = selvhjelp::plugin::TraceContext::Fresh();
  for (int i = -warm_up; i < iterations; ++i) {
    for (Request& request : requests) {
      const auto t0 = Clock::now();
      const double c0 = CpuMicros();
      auto json = selvhjelp::fhir::ParsedJson::Parse(request.body);  // as the hook route reads it
      const double c1 = CpuMicros();
      selvhjelp::Result<std::string> answer = selvhjelp::InternalError("no answer");
      (*runtime)->service->Handle(service, std::move(json).value(), "", trace,
                                  [&answer](auto result) { answer = std::move(result); });
      const double c2 = CpuMicros();
      const auto t2 = Clock::now();
      if (!answer.ok()) {
        std::cerr << request.name << ": " << answer.status().ToString() << "\n";
        return 1;
      }
      if (i < 0) continue;
      request.bytes = answer->size();
      request.parse_us += c1 - c0;
      request.decide_us += c2 - c1;
      request.wall_us.push_back(Micros(t0, t2));
    }
  }
  double raw_us = 0;
  for (int i = 0; i < iterations; ++i) {
    const auto t0 = Clock::now();
    rapidjson::Document document;
    document.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag>(
        requests[0].body.data(), requests[0].body.size());
    raw_us += Micros(t0, Clock::now());
    if (document.HasParseError()) return 1;
  }
  std::vector<double> means;
  for (Request& r : requests) {
    std::sort(r.wall_us.begin(), r.wall_us.end());
    const double mean = (r.parse_us + r.decide_us) / iterations;
    means.push_back(mean);
    std::printf("hook call %s: CPU %.1f us (parse %.1f, decide and write %.1f), wall p50 %.1f us; %zu bytes answered\n",
                r.name.c_str(), mean, r.parse_us / iterations, r.decide_us / iterations,
                r.wall_us[r.wall_us.size() / 2], r.bytes);
  }
  std::printf("RapidJSON DOM parse of %s alone: %.1f us\n", requests[0].name.c_str(), raw_us / iterations);
  if (means.size() == 2) {
    std::printf("ratio %s / %s (CPU): %.2f\n", requests[0].name.c_str(), requests[1].name.c_str(),
                means[0] / means[1]);
  }
  return 0;
}
