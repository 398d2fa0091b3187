#pragma once
// LiveDirectory: the merged directory of every configured group source, kept current.
// The service serves the sources' snapshots from the store at once (Start), then reads each source
// on a background thread and refreshes it on its own interval, so a slow or hanging source never
// delays listening. Each read is bounded (maxPages, maxItems, maxBytes) and ends at once when the
// readers' stop token is requested.
// A source that fails (unreachable, invalid) keeps its last good content — from memory, or from
// the snapshot in the store after a restart — and is reported as stale; it never stops the
// service. So is a read that suddenly has far fewer groups than before (maxShrinkPercent).
// With a store shared by several instances (PostgreSQL), each source read over the network is
// read by one instance per refresh interval, which claims it in the store; the others serve the
// snapshot it saved (loaded when its version changes) and report its read as their own status.
// A source that cannot be claimed because the store fails is read here and not shared. Local
// files are read by every instance. docs/store.md.
// Thread-safe; Current() is cheap (a shared_ptr copy) and never waits behind a source read or a
// snapshot write.
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "config/service_config.h"
#include "fhir/client/fhir_client.h"
#include "fhir/json/json_value.h"
#include "mappings/geography.h"
#include "mappings/category_map.h"
#include "plugin/groups/group_directory.h"
#include "plugin/groups/source_confirmations.h"
#include "plugin/net/http_call.h"
#include "plugin/store/ledger.h"

namespace selvhjelp::plugin {

// What reading the sources needs besides their config.
struct SourceReaders {
  fhir::FhirClient* client = nullptr;                           // fhir sources
  const mappings::Geography* geography = nullptr;               // meeting-guide, hsds: places
  const mappings::CategoryMap* meeting_types = nullptr;   // meeting-guide: type codes
  const mappings::CategoryMap* hsds_taxonomy = nullptr;   // hsds: taxonomy terms
  const mappings::CategoryMap* fhir_categories = nullptr; // fhir: other directories' codes
  HttpSend http_send;                                            // sources given by url
  // The bearer token for source `name` (its `auth`: fixed, or SMART Backend Services); empty for
  // none. Absent: no source sends one.
  std::function<Result<std::string>(const std::string& name)> token_for;
  // Requested at shutdown: a read in flight ends at once (the HttpSend must be made with it too).
  std::stop_token stop;
};

// With a shared store, the times, error, stale, refusal and rejected records of a source read by
// another instance are that instance's (the latest read by any instance).
struct SourceState {
  std::string name, type;
  size_t groups = 0;          // in its current content
  int64_t last_attempt = 0;   // seconds since the epoch; 0 never
  int64_t last_success = 0;
  std::string last_error;     // of the latest attempt; empty when it succeeded
  bool stale = false;         // the latest attempt failed: serving older content
  bool loading = false;       // not read yet since start (serving its snapshot, if any); with a
                              // shared store, until a read by any instance is current
  bool shrink_refused = false;  // the latest read was refused as a sudden shrink (maxShrinkPercent)
  size_t refused_groups = 0;   // then: how many groups that read had
  int64_t failures = 0;        // reads by this instance that failed or were refused since start (for /metrics)
  // Records the current content left out as malformed (one line each naming source, record and
  // field), while the rest of the source is served.
  std::vector<std::string> rejected;
};

// Groups whose source has not confirmed them for longer than `after_seconds` (0: never) are
// stale: shown with that fact, or (`hide`) left out of the directory until their source answers
// again (groups.staleAfterSeconds, groups.staleGroups).
struct StalePolicy {
  int64_t after_seconds = 0;
  bool hide = false;
};

class LiveDirectory {
 public:
  // `ledger` may be null (no snapshots: the command line). `readers` must outlive this.
  LiveDirectory(std::vector<config::GroupSourceConfig> sources, SourceReaders readers,
                Ledger* ledger, std::function<int64_t()> clock, StalePolicy stale = {});
  ~LiveDirectory();  // Stop()

  // Loads every source once, now (the command line). Returns the problems of sources that could
  // not be loaded (one per line, naming source, record and field); their snapshot is used when the
  // store has one.
  std::string LoadAll();
  // The service, before it listens: serves the snapshots and reads the local files (bounded by
  // the disk, never hanging), so the first request finds them; every source over HTTP is reported
  // as loading until it has been read. Call once, before Start.
  void LoadLocal();
  // Then, on a background thread, reads every source over HTTP and refreshes each when its
  // interval has passed, logging sources that cannot be read (by name and reason, never their
  // data). Calls LoadLocal first when it has not been called. Call once.
  void Start();
  // Ends the background thread; a read in flight ends when the readers' stop token is requested
  // (request it first), otherwise after that read. Idempotent.
  void Stop();

  // With `hide`, a source that turns stale leaves the directory's matches, lists and searches
  // within a second (the background thread rebuilds it), and comes back with its next good read;
  // Find still resolves its groups, so records and reads naming them keep working.
  std::shared_ptr<const GroupDirectory> Current() const;
  // When each source last confirmed its groups, and which are stale. Lives as long as this.
  const SourceConfirmations& Confirmations() const { return *confirmations_; }
  std::vector<SourceState> States() const;
  // {"sources": [...]} for GET /directory/status (each with its `rejected` records, if any;
  // lastAttempt and lastSuccess as ISO 8601 instants in UTC).
  fhir::JsonValue StatusJson() const;

  // The same group seen in two sources is one group: same name (ignoring case and spaces) and
  // same municipality (or both digital) and the same first meeting time. The earlier source in
  // the config wins.
  static std::vector<const Group*> Merge(const std::vector<std::shared_ptr<const std::vector<Group>>>& per_source);

 private:
  // hsds-api sources read only changes (modified_after) between full reads this far apart, which
  // also catch services deleted outright.
  static constexpr int64_t kFullReadSeconds = 24 * 3600;
  // While another instance holds a source's read (it reads, or died holding it), this instance
  // looks at the store this often (at most every refresh interval) for its outcome.
  static constexpr int64_t kFollowPollSeconds = 2;
  // The records left out that a reading instance shares with the others, at most.
  static constexpr size_t kMaxSharedRejectedBytes = 64 * 1024;

  struct Source {
    config::GroupSourceConfig config;
    SourceState state;
    // Last good content, shared with the directory built from it (never null).
    std::shared_ptr<const std::vector<Group>> groups = std::make_shared<const std::vector<Group>>();
    int64_t next_refresh = 0;
    std::string etag, last_modified;  // of the last good content read from a url
    int64_t last_full_read = 0;       // hsds-api: incremental reads only within a day of a full one
    size_t baseline = 0;  // groups it last had (here or in its snapshot): the shrink guard's measure
    int64_t version = 0;  // shared store: the version of the stored snapshot that `groups` is
  };
  // One read's answer (live_directory.cc).
  struct Fetched;
  // Reads one source. For a url: a conditional GET with the validators of the last good content;
  // for hsds-api: only the changes since `changes_since` when it is not 0.
  static Result<Fetched> Fetch(const config::GroupSourceConfig& c, const SourceReaders& readers,
                               const std::vector<Group>& previous, int64_t changes_since, const std::string& etag,
                               const std::string& last_modified);
  struct Refreshed {
    bool changed = false;  // the source's content changed
    bool read = false;     // this instance read it (else another did, or does now)
  };
  // Fetches one source (outside the lock) and updates its state and snapshot; with a shared store,
  // when another instance holds its read, follows that instance instead (Follow).
  Refreshed Refresh(size_t index);
  // Records how a read of `s` at `now` ended (a full read, or only changes): its state, and its
  // content when that changed. Returns the new content's snapshot (empty without a store), or
  // nullopt when the content stays. Caller holds mutex_.
  std::optional<std::string> ApplyRead(Source& s, Result<Fetched> fetched, bool full_read, int64_t now);
  // Source `index` is read by another instance: takes the store's snapshot when its version
  // differs from ours, and its report of the latest read. True when the content changed.
  bool Follow(size_t index, const SharedSourceState& shared);
  // Serves the store's snapshot of source `index`: its saved_at, or nullopt when there is none
  // or it cannot be read (what is served stays).
  std::optional<int64_t> AdoptSnapshot(size_t index);
  void Rebuild();
  // Serves each source's snapshot in the store (if any) until it is read.
  void LoadSnapshots();
  // The background thread: the first read of every source, then the refreshes.
  void Run();
  // Logs why source `index` could not be read, if it could not, and (`with_rejected`) the records
  // it left out.
  void LogRead(size_t index, bool with_rejected);

  SourceReaders readers_;
  Ledger* ledger_;
  std::function<int64_t()> clock_;
  const StalePolicy stale_;
  const std::unique_ptr<SourceConfirmations> confirmations_;
  std::set<std::string> left_out_stale_;  // hide: the stale sources the current directory leaves out (guarded by mutex_)
  mutable std::mutex mutex_;  // guards sources_
  std::vector<Source> sources_;
  mutable std::mutex current_mutex_;  // guards current_ only, so readers never wait behind a refresh
  std::shared_ptr<const GroupDirectory> current_;
  std::condition_variable stop_changed_;
  bool stopping_ = false;
  bool local_loaded_ = false;  // LoadLocal has run
  std::thread thread_;
};

}  // namespace selvhjelp::plugin
