// The hook's path never waits for a record's commit: a commit is held open in its fsync (a VFS
// whose xSync blocks until released) while the read of a patient's latest record must answer from
// the last committed state, and a request token's use must be recorded.
#define BOOST_TEST_MODULE outbox_read_tests
#include <sqlite3.h>

#include <boost/test/unit_test.hpp>
#include <unistd.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include "plugin/store/jti_table.h"
#include "plugin/store/outbox.h"

using namespace selvhjelp::plugin;
namespace fs = std::filesystem;
using namespace std::chrono_literals;

namespace {

// The default VFS with one change: once armed, the next xSync blocks until Release(). Installed
// as the default VFS while it lives (SQLite then opens every new connection through it).
class BlockingSyncVfs {
 public:
  BlockingSyncVfs() {
    real_ = sqlite3_vfs_find(nullptr);
    vfs_ = *real_;
    vfs_.zName = "selvhjelp-blocking-sync";
    vfs_.pNext = nullptr;
    vfs_.pAppData = this;
    vfs_.xOpen = &Open;
    sqlite3_vfs_register(&vfs_, 1);
  }
  ~BlockingSyncVfs() {
    Release();
    sqlite3_vfs_unregister(&vfs_);
  }
  void Arm() {
    std::lock_guard<std::mutex> lock(mutex_);
    armed_ = true;
  }
  // True once a sync is blocked (false when none came within `bound`).
  bool WaitBlocked(std::chrono::seconds bound) {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, bound, [this] { return blocked_; });
  }
  void Release() {
    std::lock_guard<std::mutex> lock(mutex_);
    released_ = true;
    changed_.notify_all();
  }

 private:
  // A file's methods with xSync replaced; `real` is what the default VFS gave the file.
  struct Methods {
    sqlite3_io_methods methods;
    const sqlite3_io_methods* real;
    BlockingSyncVfs* owner;
  };

  static int Open(sqlite3_vfs* vfs, sqlite3_filename name, sqlite3_file* file, int flags, int* out_flags) {
    auto* self = static_cast<BlockingSyncVfs*>(vfs->pAppData);
    const int rc = self->real_->xOpen(self->real_, name, file, flags, out_flags);
    if (rc != SQLITE_OK || file->pMethods == nullptr) return rc;
    std::lock_guard<std::mutex> lock(self->mutex_);
    std::unique_ptr<Methods>& wrapped = self->methods_[file->pMethods];
    if (!wrapped) {
      wrapped = std::make_unique<Methods>(Methods{*file->pMethods, file->pMethods, self});
      wrapped->methods.xSync = &Sync;
    }
    file->pMethods = &wrapped->methods;
    return rc;
  }

  static int Sync(sqlite3_file* file, int flags) {
    const auto* wrapped = reinterpret_cast<const Methods*>(file->pMethods);
    BlockingSyncVfs* self = wrapped->owner;
    {
      std::unique_lock<std::mutex> lock(self->mutex_);
      if (self->armed_ && !self->blocked_) {
        self->blocked_ = true;
        self->changed_.notify_all();
        self->changed_.wait(lock, [self] { return self->released_; });
      }
    }
    return wrapped->real->xSync(file, flags);
  }

  sqlite3_vfs* real_ = nullptr;
  sqlite3_vfs vfs_{};
  std::mutex mutex_;
  std::condition_variable changed_;
  bool armed_ = false, blocked_ = false, released_ = false;
  std::map<const sqlite3_io_methods*, std::unique_ptr<Methods>> methods_;
};

NewOutboxRecord Record(const std::string& id, const std::string& key, int64_t at) {
  NewOutboxRecord r;
  r.record_id = id;
  r.content_hash = "h-" + id;
  r.bundle_json = R"({"resourceType":"Bundle","type":"transaction","entry":[]})";
  r.subject_key = key;
  r.recipient = "patient";
  r.outcome = LocalOutcome{"accepted", "", "", at};
  r.created_ms = at * 1000;
  r.facts.sent_seconds = at;
  r.facts.level = "conversation";
  return r;
}

}  // namespace

BOOST_AUTO_TEST_CASE(latest_outcome_does_not_wait_for_a_commit_in_its_fsync) {
  const fs::path dir = fs::temp_directory_path() / ("selvhjelp-outbox-read-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    BlockingSyncVfs vfs;  // outlives the outbox's connections
    std::unique_ptr<Outbox> outbox = std::move(Outbox::Open(dir / "store.db")).value();
    BOOST_REQUIRE(outbox->Enqueue(Record("r1", "k1", 100)).ok());

    vfs.Arm();
    bool committed = false;
    std::thread writer([&] { committed = outbox->Enqueue(Record("r2", "k1", 200)).ok(); });
    BOOST_REQUIRE(vfs.WaitBlocked(30s));  // r2's commit is in its fsync now, and stays there
    auto read = std::async(std::launch::async, [&] { return outbox->LatestOutcome("k1", "patient"); });
    // Bounded, so a read that waits for the commit fails the test instead of hanging it: the
    // commit cannot finish before Release, whatever the bound.
    const bool answered = read.wait_for(20s) == std::future_status::ready;
    vfs.Release();
    writer.join();
    BOOST_TEST(committed);
    BOOST_TEST(answered);
    const std::optional<LocalOutcome> seen = read.get();
    BOOST_REQUIRE(seen.has_value());
    BOOST_TEST(seen->at == 100);  // the last committed record: r2 was not committed yet

    BOOST_TEST(outbox->LatestOutcome("k1", "patient")->at == 200);  // and is seen once it is
  }
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(a_token_use_is_recorded_while_a_record_commit_is_in_its_fsync) {
  const fs::path dir = fs::temp_directory_path() / ("selvhjelp-jti-wait-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  {
    BlockingSyncVfs vfs;
    std::unique_ptr<Outbox> outbox = std::move(Outbox::Open(dir / "store.db")).value();
    std::unique_ptr<JtiTable> used = std::move(JtiTable::Open(dir / "store.db")).value();
    vfs.Arm();
    bool committed = false;
    std::thread writer([&] { committed = outbox->Enqueue(Record("r1", "k1", 100)).ok(); });
    BOOST_REQUIRE(vfs.WaitBlocked(30s));  // r1's commit holds the store's write lock in its fsync
    auto claim = std::async(std::launch::async, [&] { return used->Claim("https://ehr", "j1", 1300, 1000); });
    // In the store's file the claim would wait for that lock (up to the 5 s busy timeout, then fail).
    const bool answered = claim.wait_for(20s) == std::future_status::ready;
    vfs.Release();
    writer.join();
    BOOST_TEST(committed);
    BOOST_REQUIRE(answered);
    auto claimed = claim.get();
    BOOST_REQUIRE_MESSAGE(claimed.ok(), claimed.status().message());
    BOOST_TEST(*claimed == true);
  }
  fs::remove_all(dir);
}
