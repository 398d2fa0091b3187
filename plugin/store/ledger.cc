#include "plugin/store/ledger.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <sqlite3.h>

#include <cstdio>

namespace selvhjelp::plugin {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS cards(
  card_uuid TEXT PRIMARY KEY, service_id TEXT NOT NULL, subject_key TEXT NOT NULL,
  encounter_id TEXT NOT NULL, recipient TEXT NOT NULL, issued_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS cards_subject ON cards(subject_key, recipient);
CREATE TABLE IF NOT EXISTS feedback(
  card_uuid TEXT NOT NULL, outcome TEXT NOT NULL, accepted_suggestions TEXT NOT NULL,
  override_code TEXT NOT NULL, outcome_timestamp TEXT NOT NULL, has_user_comment INTEGER NOT NULL,
  known_card INTEGER NOT NULL, received_at INTEGER NOT NULL,
  PRIMARY KEY(card_uuid, outcome, accepted_suggestions, outcome_timestamp));
)sql";

class Statement {
 public:
  Statement(sqlite3* db, const char* sql) { ok_ = sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) == SQLITE_OK; }
  ~Statement() { sqlite3_finalize(stmt_); }
  bool ok() const { return ok_; }
  Statement& Bind(int i, const std::string& s) {
    ok_ = ok_ && sqlite3_bind_text(stmt_, i, s.data(), static_cast<int>(s.size()), SQLITE_TRANSIENT) == SQLITE_OK;
    return *this;
  }
  Statement& Bind(int i, int64_t n) {
    ok_ = ok_ && sqlite3_bind_int64(stmt_, i, n) == SQLITE_OK;
    return *this;
  }
  int Step() { return ok_ ? sqlite3_step(stmt_) : SQLITE_ERROR; }
  std::string Text(int col) {
    const unsigned char* t = sqlite3_column_text(stmt_, col);
    return t ? reinterpret_cast<const char*>(t) : "";
  }
  int64_t Int(int col) { return sqlite3_column_int64(stmt_, col); }

 private:
  sqlite3_stmt* stmt_ = nullptr;
  bool ok_ = false;
};

Status Exec(sqlite3* db, const char* sql) {
  char* error = nullptr;
  if (sqlite3_exec(db, sql, nullptr, nullptr, &error) != SQLITE_OK) {
    std::string message = error ? error : "unknown";
    sqlite3_free(error);
    return InternalError("store: " + message);
  }
  return OkStatus();
}

Result<sqlite3*> OpenConnection(const std::filesystem::path& file, const char* synchronous) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(file.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    return UnavailableError("store: cannot open " + file.string());
  }
  sqlite3_busy_timeout(db, 5000);
  std::string pragmas = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=") + synchronous + ";";
  Status s = Exec(db, pragmas.c_str());
  if (!s.ok()) {
    sqlite3_close(db);
    return s;
  }
  return db;
}

}  // namespace

Ledger::~Ledger() {
  sqlite3_close(cards_db_);
  sqlite3_close(feedback_db_);
}

Result<std::unique_ptr<Ledger>> Ledger::Open(const std::filesystem::path& file) {
  std::error_code ec;
  if (file.has_parent_path()) std::filesystem::create_directories(file.parent_path(), ec);
  std::unique_ptr<Ledger> ledger(new Ledger());
  Result<sqlite3*> feedback = OpenConnection(file, "FULL");
  if (!feedback.ok()) return feedback.status();
  ledger->feedback_db_ = *feedback;
  Status schema = Exec(ledger->feedback_db_, kSchema);
  if (!schema.ok()) return schema;
  Result<sqlite3*> cards = OpenConnection(file, "NORMAL");
  if (!cards.ok()) return cards.status();
  ledger->cards_db_ = *cards;
  // A per-store salt, so subject keys cannot be matched against another installation's.
  Statement read(ledger->feedback_db_, "SELECT value FROM meta WHERE key='salt'");
  if (read.Step() == SQLITE_ROW) {
    ledger->salt_ = read.Text(0);
  } else {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) return InternalError("store: no randomness for salt");
    char hex[33];
    for (int i = 0; i < 16; ++i) std::snprintf(hex + 2 * i, 3, "%02x", bytes[i]);
    ledger->salt_ = hex;
    Statement write(ledger->feedback_db_, "INSERT OR IGNORE INTO meta(key, value) VALUES('salt', ?)");
    if (write.Bind(1, ledger->salt_).Step() != SQLITE_DONE) return InternalError("store: cannot write salt");
  }
  return ledger;
}

std::string Ledger::SubjectKey(const std::string& fhir_server, const std::string& patient_id) const {
  std::string input = salt_ + "\n" + fhir_server + "\n" + patient_id;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(input.data(), input.size(), digest, &len, EVP_sha256(), nullptr);
  std::string hex;
  char byte[3];
  for (unsigned int i = 0; i < len; ++i) {
    std::snprintf(byte, sizeof byte, "%02x", digest[i]);
    hex += byte;
  }
  return hex;
}

Status Ledger::RecordCard(const CardIssued& card) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(cards_db_,
              "INSERT OR IGNORE INTO cards(card_uuid, service_id, subject_key, encounter_id, "
              "recipient, issued_at) VALUES(?,?,?,?,?,?)");
  s.Bind(1, card.card_uuid).Bind(2, card.service_id).Bind(3, card.subject_key)
      .Bind(4, card.encounter_id).Bind(5, card.recipient).Bind(6, card.issued_at);
  if (s.Step() != SQLITE_DONE) return InternalError("store: cannot record card");
  return OkStatus();
}

Result<int> Ledger::RecordFeedback(const std::vector<FeedbackEntry>& entries, int64_t received_at) {
  std::lock_guard<std::mutex> lock(mutex_);
  Status begin = Exec(feedback_db_, "BEGIN IMMEDIATE");
  if (!begin.ok()) return begin;
  int unknown = 0;
  for (const FeedbackEntry& e : entries) {
    Statement known(feedback_db_, "SELECT 1 FROM cards WHERE card_uuid=?");
    bool is_known = known.Bind(1, e.card_uuid).Step() == SQLITE_ROW;
    if (!is_known) ++unknown;
    Statement s(feedback_db_,
                "INSERT OR IGNORE INTO feedback(card_uuid, outcome, accepted_suggestions, "
                "override_code, outcome_timestamp, has_user_comment, known_card, received_at) "
                "VALUES(?,?,?,?,?,?,?,?)");
    s.Bind(1, e.card_uuid).Bind(2, e.outcome).Bind(3, e.accepted_suggestions)
        .Bind(4, e.override_code).Bind(5, e.outcome_timestamp)
        .Bind(6, int64_t{e.has_user_comment}).Bind(7, int64_t{is_known}).Bind(8, received_at);
    if (s.Step() != SQLITE_DONE) {
      (void)Exec(feedback_db_, "ROLLBACK");
      return InternalError("store: cannot record feedback");
    }
  }
  Status commit = Exec(feedback_db_, "COMMIT");
  if (!commit.ok()) {
    (void)Exec(feedback_db_, "ROLLBACK");
    return commit;
  }
  return unknown;
}

Result<std::optional<LocalOutcome>> Ledger::LatestOutcome(const std::string& subject_key,
                                                          const std::string& recipient) {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(cards_db_,
              "SELECT f.outcome, f.override_code, c.encounter_id, f.received_at FROM feedback f "
              "JOIN cards c ON c.card_uuid = f.card_uuid WHERE c.subject_key=? AND c.recipient=? "
              "ORDER BY f.received_at DESC, f.rowid DESC LIMIT 1");
  s.Bind(1, subject_key).Bind(2, recipient);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<LocalOutcome>();
  if (rc != SQLITE_ROW) return InternalError("store: cannot read outcomes");
  return std::optional<LocalOutcome>(LocalOutcome{s.Text(0), s.Text(1), s.Text(2), s.Int(3)});
}

Result<int64_t> Ledger::CountFeedback() {
  std::lock_guard<std::mutex> lock(mutex_);
  Statement s(feedback_db_, "SELECT COUNT(*) FROM feedback");
  if (s.Step() != SQLITE_ROW) return InternalError("store: cannot count feedback");
  return s.Int(0);
}

}  // namespace selvhjelp::plugin
