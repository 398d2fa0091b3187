#include "plugin/store/record_facts.h"

namespace selvhjelp::plugin {

const char* const kRecordFactsSchema = R"sql(
CREATE TABLE IF NOT EXISTS record_facts(
  record_id TEXT PRIMARY KEY, subject_key TEXT NOT NULL, recipient TEXT NOT NULL,
  sent TEXT NOT NULL, sent_seconds INTEGER NOT NULL, level TEXT NOT NULL, response TEXT NOT NULL,
  encounter_id TEXT NOT NULL, group_ids TEXT NOT NULL, group_names TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active', status_changed_ms INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS record_facts_subject ON record_facts(subject_key, sent_seconds);
)sql";

namespace {

// Lists are stored one item a line (identifiers and names hold no newline: they come from the
// directory, whose loaders refuse control characters; any that slip through become spaces).
std::string JoinLines(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out.push_back('\n');
    for (char c : item) out.push_back(c == '\n' ? ' ' : c);
  }
  return out;
}

std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> out;
  if (text.empty()) return out;
  for (size_t from = 0;;) {
    const size_t at = text.find('\n', from);
    out.push_back(text.substr(from, at == std::string::npos ? std::string::npos : at - from));
    if (at == std::string::npos) return out;
    from = at + 1;
  }
}

}  // namespace

Status InsertRecordFacts(sqlite3* db, StatementCache& statements, const RecordFacts& f) {
  Statement insert(statements.Get(db,
      "INSERT INTO record_facts(record_id, subject_key, recipient, sent, sent_seconds, level, response, "
      "encounter_id, group_ids, group_names) VALUES(?,?,?,?,?,?,?,?,?,?)"));
  insert.Bind(1, f.record_id).Bind(2, f.subject_key).Bind(3, f.recipient).Bind(4, f.sent).Bind(5, f.sent_seconds)
      .Bind(6, f.level).Bind(7, f.response).Bind(8, f.encounter_id).Bind(9, JoinLines(f.group_ids))
      .Bind(10, JoinLines(f.group_names));
  if (const int rc = insert.Step(); rc != SQLITE_DONE) return WriteError(db, rc, "cannot write the record's facts");
  return OkStatus();
}

Result<std::vector<StoredRecord>> SelectRecords(sqlite3* db, StatementCache& statements, const std::string& subject_key) {
#define SELVHJELP_RECORD_COLUMNS                                                                            \
  "SELECT f.record_id, f.subject_key, f.recipient, f.sent, f.sent_seconds, f.level, f.response, f.encounter_id, " \
  "f.group_ids, f.group_names, f.status, f.status_changed_ms, COALESCE(o.state, '') FROM record_facts f "        \
  "LEFT JOIN outbox o ON o.record_id=f.record_id "
  // Two statements, so a patient's query uses the subject index (an "?='' OR" would scan).
  Statement select(statements.Get(db, subject_key.empty()
      ? SELVHJELP_RECORD_COLUMNS "ORDER BY f.sent_seconds, f.record_id"
      : SELVHJELP_RECORD_COLUMNS "WHERE f.subject_key=? ORDER BY f.sent_seconds, f.record_id"));
#undef SELVHJELP_RECORD_COLUMNS
  if (!subject_key.empty()) select.Bind(1, subject_key);
  std::vector<StoredRecord> out;
  int rc;
  while ((rc = select.Step()) == SQLITE_ROW) {
    StoredRecord& r = out.emplace_back();
    r.facts = RecordFacts{select.Text(0), select.Text(1), select.Text(2), select.Text(3), select.Int(4),
                          select.Text(5), select.Text(6), select.Text(7), SplitLines(select.Text(8)),
                          SplitLines(select.Text(9))};
    r.status = select.Text(10);
    r.status_changed_ms = select.Int(11);
    r.delivery = select.Text(12);
  }
  if (rc != SQLITE_DONE) return InternalError("store: cannot read the records");
  return out;
}

}  // namespace selvhjelp::plugin
