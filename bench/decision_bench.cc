// In-process cost of one hook call, by stage, without HTTP: parse the request JSON, decide
// (prefetch present, so no FHIR calls) and serialise the answer.
// Usage: decision_bench CONFIG REQUEST_JSON [ITERATIONS]
#include <rapidjson/document.h>

#include <chrono>
#include <iostream>

#include "fhir/json/json_file.h"
#include "fhir/json/parsed_json.h"
#include "plugin/cds/hook_definitions.h"
#include "plugin/runtime.h"

using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: decision_bench CONFIG REQUEST_JSON [ITERATIONS]\n";
    return 2;
  }
  const int iterations = argc > 3 ? std::atoi(argv[3]) : 20000;
  auto runtime = selvhjelp::plugin::LoadRuntime(argv[1], 0, true, {});  // file sources only
  auto body = selvhjelp::fhir::ReadTextFile(argv[2]);
  if (!runtime.ok() || !body.ok()) {
    std::cerr << (runtime.ok() ? body.status() : runtime.status()).message() << "\n";
    return 1;
  }
  (void)(*runtime)->directory->LoadAll();
  const auto& service = *selvhjelp::plugin::FindHookService("selvhjelp-patient-view");
  double parse_us = 0, decide_us = 0;
  size_t bytes = 0;
  for (int i = 0; i < iterations; ++i) {
    auto t0 = Clock::now();
    auto json = selvhjelp::fhir::ParsedJson::Parse(*body);  // as the hook route reads it
    auto t1 = Clock::now();
    selvhjelp::Result<std::string> answer = selvhjelp::InternalError("no answer");
    (*runtime)->service->Handle(service, std::move(json).value(), "",
                                [&answer](auto result) { answer = std::move(result); });
    auto t2 = Clock::now();
    if (!answer.ok()) {
      std::cerr << answer.status().ToString() << "\n";
      return 1;
    }
    bytes += answer->size();
    parse_us += std::chrono::duration<double, std::micro>(t1 - t0).count();
    decide_us += std::chrono::duration<double, std::micro>(t2 - t1).count();
  }
  // Reference: RapidJSON's own DOM parse of the same bytes (what a parser alone costs).
  double raw_us = 0;
  for (int i = 0; i < iterations; ++i) {
    auto t0 = Clock::now();
    rapidjson::Document document;
    document.Parse<rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseValidateEncodingFlag>(
        body->data(), body->size());
    raw_us += std::chrono::duration<double, std::micro>(Clock::now() - t0).count();
    if (document.HasParseError()) return 1;
  }
  std::cout << "RapidJSON DOM parse of the same body: " << raw_us / iterations << " us\n";
  std::cout << "per hook call (mean of " << iterations << "): parse " << parse_us / iterations
            << " us, decide and write the answer " << decide_us / iterations << " us ("
            << bytes / iterations << " bytes)\n";
  return 0;
}
