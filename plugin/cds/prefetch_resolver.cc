#include "plugin/cds/prefetch_resolver.h"

#include <memory>
#include <mutex>

#include "fhir/r4/bundle.h"
#include "fhir/r4/operation_outcome.h"

namespace selvhjelp::plugin {

using fhir::JsonRef;
using fhir::JsonValue;

void ResolvedData::Set(std::string_view key, JsonValue value) {
  kept_.push_back(std::make_unique<const JsonValue>(std::move(value)));
  SetView(key, *kept_.back());
}

void ResolvedData::SetView(std::string_view key, JsonRef value) {
  for (auto& [name, held] : values_) {
    if (name == key) {
      held = value;
      return;
    }
  }
  values_.emplace_back(std::string(key), value);
}

void ResolvedData::SetNull(std::string_view key) {
  static const JsonValue kNull;
  SetView(key, kNull);
}

JsonRef ResolvedData::Find(std::string_view key) const {
  for (const auto& [name, value] : values_) {
    if (name == key) return value;
  }
  return JsonRef();
}

std::optional<std::string> ExpandTemplate(const std::string& query, const CdsRequest& request) {
  std::string_view practitioner;
  if (request.user_id.rfind("Practitioner/", 0) == 0) practitioner = std::string_view(request.user_id).substr(13);
  // Views: a call expands every template, so nothing here is copied but the query.
  const std::pair<std::string_view, std::string_view> tokens[] = {
      {"{{context.patientId}}", request.patient_id},
      {"{{context.encounterId}}", request.encounter_id},
      {"{{context.userId}}", request.user_id},
      {"{{userPractitionerId}}", practitioner},
  };
  std::string out = query;
  for (const auto& [token, value] : tokens) {
    for (size_t at = out.find(token); at != std::string::npos; at = out.find(token, at)) {
      if (value.empty()) return std::nullopt;
      out.replace(at, token.size(), value);
      at += value.size();
    }
  }
  return out;
}

namespace {

enum class KeyState { kData, kNoData, kFetch };

KeyState StateOf(const CdsRequest& request, const std::string& key) {
  const JsonRef value = request.prefetch.Find(key);
  if (!value) return KeyState::kFetch;
  if (fhir::IsEmptyResult(value)) return KeyState::kNoData;
  if (!value.is_object() || !value.FindString("resourceType")) return KeyState::kFetch;
  if (fhir::IsOrContainsOperationOutcome(value)) return KeyState::kFetch;
  return KeyState::kData;
}

struct Pending {
  std::mutex mutex;
  ResolvedData data;
  Status failure;
  int outstanding = 0;
  std::function<void(Result<ResolvedData>)> done;
};

void FinishOne(const std::shared_ptr<Pending>& pending) {
  bool last;
  {
    std::lock_guard<std::mutex> lock(pending->mutex);
    last = --pending->outstanding == 0;
  }
  if (!last) return;
  if (!pending->failure.ok()) {
    pending->done(pending->failure);
  } else {
    pending->done(std::move(pending->data));
  }
}

}  // namespace

void ResolvePrefetch(CdsRequest& request, const HookService& service,
                     fhir::FhirClient& client, const fhir::FhirReadOptions& base_options,
                     std::function<void(Result<ResolvedData>)> done) {
  auto pending = std::make_shared<Pending>();
  pending->done = std::move(done);
  const bool can_fetch = !request.fhir_server.empty() && !request.access_token.empty();
  struct Fetch {
    std::string key, url;
    bool required;
  };
  std::vector<Fetch> fetches;
  for (const PrefetchTemplate& t : service.prefetch) {
    std::optional<std::string> url = ExpandTemplate(t.query, request);
    KeyState state = url ? StateOf(request, t.key) : KeyState::kNoData;
    if (state == KeyState::kData) {
      pending->data.SetView(t.key, request.prefetch.Find(t.key));
    } else if (state == KeyState::kNoData) {
      pending->data.SetNull(t.key);
    } else if (can_fetch) {
      fetches.push_back({t.key, *url, t.required});
    } else if (t.required) {
      pending->done(FailedPreconditionError("prefetch." + t.key +
                                            ": not sent, and no fhirServer/fhirAuthorization to fetch it"));
      return;
    }  // an optional key that cannot be had stays absent
  }
  if (fetches.empty()) {
    pending->done(std::move(pending->data));
    return;
  }
  pending->outstanding = static_cast<int>(fetches.size());
  fhir::FhirReadOptions options = base_options;
  options.bearer_token = request.access_token;
  for (const Fetch& f : fetches) {
    client.Read(request.fhir_server, f.url, options,
                [pending, key = f.key, required = f.required](Result<JsonValue> result) {
                  {
                    std::lock_guard<std::mutex> lock(pending->mutex);
                    if (result.ok()) {
                      pending->data.Set(key, std::move(result).value());
                    } else if (required && pending->failure.ok()) {
                      pending->failure = FailedPreconditionError(
                          "prefetch." + key + ": could not be read from fhirServer (" +
                          std::string(StatusCodeName(result.status().code())) + ")");
                    }  // an optional key that could not be read stays absent
                  }
                  FinishOne(pending);
                });
  }
}

}  // namespace selvhjelp::plugin
