#include "plugin/groups/live_directory.h"

#include <algorithm>
#include <cctype>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <map>
#include <set>

#include "fhir/base/status_macros.h"
#include "fhir/json/json_file.h"
#include "fhir/r4/date_time.h"
#include "plugin/log.h"
#include "plugin/net/url_redaction.h"
#include "plugin/store/record_facts.h"

#include "plugin/groups/fhir_directory_source.h"
#include "plugin/groups/group_csv_source.h"
#include "plugin/groups/group_file_source.h"
#include "plugin/groups/hsds_package.h"
#include "plugin/groups/hsds_source.h"
#include "plugin/groups/meeting_guide_source.h"
#include "plugin/groups/source_defaults.h"

namespace selvhjelp::plugin {

using fhir::JsonValue;

namespace {

// The groups in `text` of a file-type source.
Result<std::vector<Group>> ParseByType(const config::GroupSourceConfig& c, const SourceReaders& readers,
                                       std::string_view text, const std::string& where) {
  if (c.type == "json") return ParseGroupDocument(text, where, c.name);
  if (c.type == "csv") return ParseGroupCsv(text, where, c.name);
  if (c.type == "meeting-guide") {
    return ParseMeetingGuide(text, where, {c.name, c.organisation, c.themes, readers.meeting_types, readers.geography});
  }
  return ParseHsds(text, where, {c.name, readers.hsds_taxonomy, readers.geography});
}

}  // namespace

struct LiveDirectory::Fetched {
  bool not_modified = false;  // a url answered 304: the content we have is current
  std::vector<Group> groups;
  std::vector<std::string> rejected;  // records left out, one line each
  std::string etag, last_modified;
};

Result<LiveDirectory::Fetched> LiveDirectory::Fetch(const config::GroupSourceConfig& c, const SourceReaders& readers,
                                                    const std::vector<Group>& previous, int64_t changes_since,
                                                    const std::string& etag, const std::string& last_modified) {
  Fetched out;
  std::string token;
  if (!c.url.empty() && readers.token_for) {
    SELVHJELP_ASSIGN_OR_RETURN(token, readers.token_for(c.name));
  }
  if (c.type == "fhir") {
    if (readers.client == nullptr) return InternalError("no FHIR client");
    SELVHJELP_ASSIGN_OR_RETURN(SourceContent content,
                               FetchFhirDirectory(*readers.client, c.url, token, c.name, readers.fhir_categories,
                                                  {c.max_pages, c.max_items, c.max_bytes}, readers.stop));
    out.groups = std::move(content.groups);
    out.rejected = std::move(content.rejected);
    return out;
  }
  if (c.type == "hsds-package") {
    SELVHJELP_ASSIGN_OR_RETURN(out.groups, LoadHsdsPackage(c.path, {c.name, readers.hsds_taxonomy, readers.geography}));
    return out;
  }
  if (!c.url.empty() && !readers.http_send) return InternalError("no HTTP client");
  if (c.type == "hsds-api") {
    SELVHJELP_ASSIGN_OR_RETURN(out.groups, FetchHsdsApi(readers.http_send, c.url, {c.name, readers.hsds_taxonomy, readers.geography},
                                                        previous, changes_since, {c.max_pages, c.max_items, c.max_bytes}));
    return out;
  }
  if (c.url.empty()) {
    SELVHJELP_ASSIGN_OR_RETURN(std::string text, fhir::ReadTextFile(c.path));
    SELVHJELP_ASSIGN_OR_RETURN(out.groups, ParseByType(c, readers, text, c.path.string()));
    return out;
  }
  HttpRequestSpec request{"GET", c.url, {}, "", c.max_bytes};
  if (!token.empty()) request.headers["Authorization"] = "Bearer " + token;
  if (!previous.empty() && !etag.empty()) request.headers["If-None-Match"] = etag;
  if (!previous.empty() && !last_modified.empty()) request.headers["If-Modified-Since"] = last_modified;
  Result<HttpResponse> answer = readers.http_send(request);
  if (answer.status().code() == StatusCode::kResourceExhausted) {
    return ReadBoundReached(c.url, "maxBytes", c.max_bytes);
  }
  SELVHJELP_ASSIGN_OR_RETURN(HttpResponse response, std::move(answer));
  if (response.status == 304 && !previous.empty()) {
    out.not_modified = true;
    return out;
  }
  if (response.status != 200) return UnavailableError(c.url + ": HTTP " + std::to_string(response.status));
  SELVHJELP_ASSIGN_OR_RETURN(out.groups, ParseByType(c, readers, response.body, RedactUrls(c.url)));
  out.etag = response.etag;
  out.last_modified = response.last_modified;
  return out;
}

namespace {

// Gives the heap's free pages back to the system: reading a source (its text, a JSON tree, a
// snapshot string) takes several times the memory of the groups it yields, and glibc keeps the
// freed pages otherwise, so serve's resident size would stay at that peak.
void ReturnFreeMemory() {
#ifdef __GLIBC__
  malloc_trim(0);
#endif
}

// Sources read over the network (the ones an instance shares with the others); files on this
// machine's disk are read by each instance.
bool ReadOverNetwork(const config::GroupSourceConfig& c) {
  return !c.url.empty() || c.type == "fhir" || c.type == "hsds-api";
}

// The records left out, as the reading instance shares them: one line each, at most `max_bytes`.
std::string SharedRejected(const std::vector<std::string>& rejected, size_t max_bytes) {
  std::vector<std::string> kept;
  size_t bytes = 0;
  for (const std::string& line : rejected) {
    if (bytes + line.size() + 1 > max_bytes) {
      kept.push_back("(" + std::to_string(rejected.size() - kept.size()) + " more records left out)");
      break;
    }
    bytes += line.size() + 1;
    kept.push_back(line);
  }
  return JoinLines(kept);
}

std::string MergeKey(const Group& g) {
  std::string key;
  for (char c : g.name) {
    if (!std::isspace(static_cast<unsigned char>(c))) key.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  key += "|" + (MeetsInPerson(g) ? g.address.municipality : std::string("digital"));
  if (!g.meetings.empty()) key += "|" + g.meetings[0].rrule + " " + g.meetings[0].start_time;
  return key;
}

}  // namespace

LiveDirectory::LiveDirectory(std::vector<config::GroupSourceConfig> sources, SourceReaders readers,
                             Ledger* ledger, std::function<int64_t()> clock, StalePolicy stale)
    : readers_(readers), ledger_(ledger), clock_(std::move(clock)), stale_(stale),
      confirmations_(std::make_unique<SourceConfirmations>(stale.after_seconds, clock_)),
      current_(std::make_shared<GroupDirectory>(GroupDirectory::Build({}))) {
  for (auto& config : sources) {
    Source s;
    s.state.name = config.name;
    s.state.type = config.type;
    s.config = std::move(config);
    sources_.push_back(std::move(s));
  }
}

LiveDirectory::~LiveDirectory() { Stop(); }

void LiveDirectory::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  stop_changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<const Group*> LiveDirectory::Merge(const std::vector<std::shared_ptr<const std::vector<Group>>>& per_source) {
  std::vector<const Group*> merged;
  std::set<std::string> seen;
  for (const auto& groups : per_source) {
    for (const Group& g : *groups) {
      if (seen.insert(MergeKey(g)).second) merged.push_back(&g);
    }
  }
  return merged;
}

LiveDirectory::Refreshed LiveDirectory::Refresh(size_t index) {
  config::GroupSourceConfig config;
  std::shared_ptr<const std::vector<Group>> previous;
  int64_t changes_since = 0;  // hsds-api: ask only for changes since then; 0 = a full read
  std::string etag, last_modified;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const Source& s = sources_[index];
    config = s.config;
    previous = s.groups;
    // Incremental only within a day of the last full read.
    changes_since = clock_() - s.last_full_read < kFullReadSeconds ? s.state.last_success : 0;
    etag = s.etag;
    last_modified = s.last_modified;
  }
  // Over the network, with a store: read by the instance that claims it (with a store of one
  // process, always this one).
  const bool shared = ledger_ != nullptr && ReadOverNetwork(config);
  bool claimed = false;
  if (shared) {
    Result<SourceReadClaim> claim = ledger_->ClaimSourceRead(config.name, clock_());
    if (!claim.ok()) {
      // The store cannot say who reads it: read it here rather than serve older content.
      Log(LogLevel::kWarning, "groups.claim_failed",
          "group source " + config.name + ": cannot claim its read in the store (read here, not shared): " +
              claim.status().message(),
          {}, {{"source", config.name}});
    } else if (!claim->claimed) {
      return Refreshed{Follow(index, claim->shared), false};
    } else {
      claimed = true;
    }
  }
  // Slow: outside the lock.
  Result<Fetched> fetched = Fetch(config, readers_, *previous, changes_since, etag, last_modified);
  const int64_t now = clock_();
  std::unique_lock<std::mutex> lock(mutex_);
  Source& s = sources_[index];
  std::optional<std::string> snapshot = ApplyRead(s, std::move(fetched), changes_since == 0, now);
  const Refreshed result{snapshot.has_value(), true};
  if (ledger_ == nullptr || (shared && !claimed)) return result;  // nothing to save, or not ours to share
  // The snapshot is written (an fsync) outside the lock; the next refresh of this source is a
  // refresh interval away, so snapshots of one source are never written concurrently.
  if (!shared) {
    lock.unlock();
    if (snapshot) (void)ledger_->SaveSnapshot(config.name, *snapshot, now);
    return result;
  }
  SourceReadReport report{now, s.next_refresh, s.state.last_error,
                          s.state.shrink_refused ? static_cast<int64_t>(s.state.refused_groups) : -1,
                          SharedRejected(s.state.rejected, kMaxSharedRejectedBytes), result.changed,
                          std::move(snapshot).value_or(""), s.etag, s.last_modified};
  lock.unlock();
  Result<int64_t> version = ledger_->FinishSourceRead(config.name, report);
  if (!version.ok()) {
    // Served here all the same; the others keep what they have until the next read.
    Log(LogLevel::kWarning, "groups.read_not_shared",
        "group source " + config.name + ": read here, but its outcome is not shared: " + version.status().message(),
        {}, {{"source", config.name}});
  } else if (result.changed) {
    lock.lock();
    s.version = *version;  // our own content: nothing to load
  }
  return result;
}

std::optional<std::string> LiveDirectory::ApplyRead(Source& s, Result<Fetched> fetched, bool full_read, int64_t now) {
  const config::GroupSourceConfig& config = s.config;
  s.state.last_attempt = now;
  s.state.loading = false;
  s.next_refresh = now + config.refresh_seconds;
  if (!fetched.ok()) {
    ++s.state.failures;
    s.state.last_error = RedactUrls(fetched.status().message());  // logged and shown: no query, no userinfo
    s.state.stale = true;
    s.state.shrink_refused = false;
    return std::nullopt;
  }
  const size_t got = fetched->groups.size();
  if (!fetched->not_modified && s.baseline > 0 &&
      got * 100 < s.baseline * static_cast<size_t>(100 - config.max_shrink_percent)) {
    ++s.state.failures;
    s.state.last_error = "answered " + std::to_string(got) + " groups where it had " + std::to_string(s.baseline) +
                         "; kept the previous content (more than maxShrinkPercent " +
                         std::to_string(config.max_shrink_percent) + "% fewer)";
    s.state.stale = true;
    s.state.shrink_refused = true;
    s.state.refused_groups = got;
    return std::nullopt;
  }
  s.state.last_success = now;
  confirmations_->Confirm(config.name, now);
  s.state.last_error.clear();
  s.state.stale = false;
  s.state.shrink_refused = false;
  s.state.refused_groups = 0;
  if (full_read) s.last_full_read = now;
  if (fetched->not_modified) return std::nullopt;  // what we have is current
  // The snapshot keeps what the source said, before the source's configured defaults (national,
  // reportTo): those are applied on load as after every read, so a changed configuration takes
  // effect at once, also for a source served from its snapshot.
  std::string snapshot = ledger_ != nullptr ? GroupsToJson(fetched->groups) : std::string();
  ApplySourceDefaults(config, fetched->groups);
  s.state.rejected = std::move(fetched->rejected);
  for (std::string& line : s.state.rejected) line = RedactUrls(line);  // logged and shown, as last_error
  s.groups = std::make_shared<const std::vector<Group>>(std::move(fetched->groups));
  s.etag = std::move(fetched->etag);
  s.last_modified = std::move(fetched->last_modified);
  s.state.groups = s.groups->size();
  s.baseline = s.groups->size();
  return snapshot;
}

bool LiveDirectory::Follow(size_t index, const SharedSourceState& shared) {
  int64_t have = 0;
  std::string name;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    have = sources_[index].version;
    name = sources_[index].config.name;
  }
  bool changed = false;
  bool behind = false;  // the store has content we could not load
  if (shared.version != 0 && shared.version != have) {
    changed = AdoptSnapshot(index).has_value();
    behind = !changed;
    if (behind) {
      Log(LogLevel::kWarning, "groups.snapshot_not_loaded",
          "group source " + name + ": the content another instance read could not be loaded from the store; "
          "serving what this instance has", {}, {{"source", name}});
    }
  }
  const int64_t now = clock_();
  std::lock_guard<std::mutex> lock(mutex_);
  Source& s = sources_[index];
  // The reader's next read is due at next_read_at (at most our own interval away: an instance
  // may be configured otherwise); until then its outcome is current. While it reads (or its
  // claim runs out, when it died), look again shortly.
  const bool current = shared.next_read_at > now;
  s.next_refresh = current ? std::min<int64_t>(shared.next_read_at, now + s.config.refresh_seconds)
                           : now + std::min<int64_t>(s.config.refresh_seconds, kFollowPollSeconds);
  if (behind) s.last_full_read = 0;  // hsds-api: our content is older than the reader's, so read it whole
  if (current) s.state.loading = false;
  if (shared.attempted_at == 0) return changed;  // never read yet
  s.state.last_attempt = shared.attempted_at;
  s.state.last_success = std::max(s.state.last_success, shared.succeeded_at);  // or its snapshot's
  if (shared.succeeded_at > 0) confirmations_->Confirm(name, shared.succeeded_at);
  s.state.last_error = shared.error;
  // Serving older content than the reader's is not fresh either.
  if (behind && s.state.last_error.empty()) s.state.last_error = "the content read by another instance could not be loaded";
  s.state.stale = !s.state.last_error.empty();
  s.state.shrink_refused = shared.refused_groups >= 0;
  s.state.refused_groups = s.state.shrink_refused ? static_cast<size_t>(shared.refused_groups) : 0;
  s.state.rejected = SplitLines(shared.rejected);
  return changed;
}

std::optional<int64_t> LiveDirectory::AdoptSnapshot(size_t index) {
  const config::GroupSourceConfig& config = sources_[index].config;  // never changes
  auto snapshot = ledger_->LoadSnapshot(config.name);
  if (!snapshot.ok() || !snapshot->has_value()) return std::nullopt;
  auto groups = ParseGroupDocument((*snapshot)->groups_json, "snapshot of " + config.name, config.name);
  if (!groups.ok()) return std::nullopt;
  ApplySourceDefaults(config, *groups);  // as configured now: the snapshot has none
  std::lock_guard<std::mutex> lock(mutex_);
  Source& s = sources_[index];
  // The last good content: the shrink guard's measure, and what is served until the source is
  // read (or while it cannot be).
  s.groups = std::make_shared<const std::vector<Group>>(std::move(groups).value());
  s.state.groups = s.groups->size();
  s.baseline = s.groups->size();
  s.version = (*snapshot)->version;
  // Its validators: whichever instance reads it next asks the source whether it changed since.
  s.etag = std::move((*snapshot)->etag);
  s.last_modified = std::move((*snapshot)->last_modified);
  return (*snapshot)->saved_at;
}

void LiveDirectory::Rebuild() {
  std::vector<std::shared_ptr<const std::vector<Group>>> shown, all;
  std::vector<const Group*> hidden;  // stale sources' groups under hide: found by id, never chosen
  {
    std::set<std::string> stale = stale_.hide ? confirmations_->StaleSources() : std::set<std::string>{};
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Source& s : sources_) {
      all.push_back(s.groups);
      if (!stale.contains(s.config.name)) {
        shown.push_back(s.groups);
      } else {
        for (const Group& g : *s.groups) hidden.push_back(&g);
      }
    }
    left_out_stale_ = std::move(stale);
  }
  std::vector<const Group*> merged = Merge(shown);
  auto directory = std::make_shared<const GroupDirectory>(
      GroupDirectory::Build(std::move(merged), std::move(all), readers_.geography, hidden));
  {
    std::lock_guard<std::mutex> lock(current_mutex_);
    current_.swap(directory);
  }
  directory.reset();  // the previous directory, unless a reader still holds it
  ReturnFreeMemory();
}

void LiveDirectory::LoadSnapshots() {
  for (size_t i = 0; ledger_ != nullptr && i < sources_.size(); ++i) {
    const std::optional<int64_t> saved_at = AdoptSnapshot(i);
    if (!saved_at) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    sources_[i].state.last_success = *saved_at;
    confirmations_->Confirm(sources_[i].config.name, *saved_at);
  }
  Rebuild();
}

std::string LiveDirectory::LoadAll() {
  LoadSnapshots();
  std::string problems;
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (Refresh(i).changed) continue;
    std::lock_guard<std::mutex> lock(mutex_);
    if (!sources_[i].state.last_error.empty()) problems += sources_[i].state.last_error + "\n";
  }
  Rebuild();
  return problems;
}

void LiveDirectory::LogRead(size_t index, bool with_rejected) {
  const SourceState state = States()[index];
  if (!state.last_error.empty()) {
    Log(LogLevel::kWarning, "groups.source_failed",
        "group source " + state.name + " not read (serving " + std::to_string(state.groups) +
            " groups of its last good content): " + state.last_error,
        {}, {{"source", state.name}});
  }
  if (!with_rejected) return;
  for (const std::string& line : state.rejected) {
    Log(LogLevel::kWarning, "groups.record_left_out", "group source " + state.name + ": left out: " + line, {},
        {{"source", state.name}});
  }
}

void LiveDirectory::LoadLocal() {
  local_loaded_ = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (Source& s : sources_) s.state.loading = true;
  }
  LoadSnapshots();
  bool changed = false;
  for (size_t i = 0; i < sources_.size(); ++i) {
    if (ReadOverNetwork(sources_[i].config)) continue;
    changed = Refresh(i).changed || changed;
    LogRead(i, /*with_rejected=*/true);
  }
  if (changed) Rebuild();
}

void LiveDirectory::Start() {
  if (!local_loaded_) LoadLocal();
  thread_ = std::thread([this] { Run(); });
}

void LiveDirectory::Run() {
  // The thread's exception boundary: a failure (e.g. out of memory building a directory) is
  // logged and the loop goes on; the sources keep their last good content.
  const auto guarded = [](const char* what, const auto& step) {
    try {
      step();
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "groups.failed", std::string("group directory: ") + what + " failed: " + e.what());
    }
  };
  for (size_t i = 0; i < sources_.size(); ++i) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) return;
      if (!sources_[i].state.loading) continue;  // a local file, read by Start
    }
    guarded("reading a source", [&] {
      const Refreshed refreshed = Refresh(i);
      if (refreshed.changed) Rebuild();
      if (refreshed.read) LogRead(i, /*with_rejected=*/true);  // else the instance that read it logs
    });
  }
  std::unique_lock<std::mutex> lock(mutex_);
  while (!stopping_) {
    stop_changed_.wait_for(lock, std::chrono::seconds(1), [this] { return stopping_; });
    if (stopping_) return;
    const int64_t now = clock_();
    std::vector<size_t> due;
    for (size_t i = 0; i < sources_.size(); ++i) {
      if (sources_[i].next_refresh <= now) due.push_back(i);
    }
    // hide: a source turned stale (or back) since the last build.
    const bool stale_changed = stale_.hide && confirmations_->StaleSources() != left_out_stale_;
    if (due.empty() && !stale_changed) continue;
    lock.unlock();
    guarded("a refresh", [&] {
      bool changed = stale_changed;
      for (size_t i : due) {
        const Refreshed refreshed = Refresh(i);
        if (refreshed.changed) changed = true;
        else if (refreshed.read) LogRead(i, /*with_rejected=*/false);
      }
      if (changed) Rebuild();
    });
    lock.lock();
  }
}

std::shared_ptr<const GroupDirectory> LiveDirectory::Current() const {
  std::lock_guard<std::mutex> lock(current_mutex_);
  return current_;
}

std::vector<SourceState> LiveDirectory::States() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<SourceState> states;
  for (const Source& s : sources_) states.push_back(s.state);
  return states;
}

JsonValue LiveDirectory::StatusJson() const {
  JsonValue doc = JsonValue::Object();
  JsonValue& list = doc.Set("sources", JsonValue::Array());
  const std::vector<SourceState> states = States();
  for (const SourceState& s : states) {
    JsonValue& item = list.Append(JsonValue::Object());
    item.Set("name", s.name);
    item.Set("type", s.type);
    item.Set("groups", JsonValue::Int(static_cast<int64_t>(s.groups)));
    item.Set("stale", JsonValue::Bool(s.stale));
    if (s.loading) item.Set("loading", JsonValue::Bool(true));
    if (s.last_attempt > 0) item.Set("lastAttempt", fhir::IsoInstant(s.last_attempt));  // ISO 8601, UTC
    if (s.last_success > 0) item.Set("lastSuccess", fhir::IsoInstant(s.last_success));
    if (!s.last_error.empty()) item.Set("lastError", s.last_error);
    if (s.shrink_refused) item.Set("refusedReadGroups", JsonValue::Int(static_cast<int64_t>(s.refused_groups)));
    if (!s.rejected.empty()) {
      JsonValue& rejected = item.Set("rejected", JsonValue::Array());
      for (const std::string& line : s.rejected) rejected.Append(JsonValue::String(line));
    }
  }
  doc.Set("groups", JsonValue::Int(static_cast<int64_t>(Current()->size())));
  doc.Set("loading", JsonValue::Bool(std::any_of(states.begin(), states.end(), [](const SourceState& s) { return s.loading; })));
  return doc;
}

}  // namespace selvhjelp::plugin
