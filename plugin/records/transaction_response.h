#pragma once
// What a 2xx answer to a record's transaction says: was every resource sent written? Anything in
// the EHR's place may answer 2xx (a maintenance page, a load balancer, a wrong base URL, a 204),
// so a delivery counts only when the answer is a FHIR Bundle of type `transaction-response` with
// one entry per entry sent, in the same order, each 2xx with a location naming the resource type
// that was sent (FHIR R4 §3.1.0.11.2 / Bundle.entry.response). This holds for every write-back
// mode: conditional creates (POST Type) and creates by update (PUT Type/id) alike.
#include <string>
#include <string_view>

namespace selvhjelp::plugin {

struct TransactionReading {
  enum class Kind {
    kWritten,      // every entry 2xx with a location of the type sent
    kEntryFailed,  // a well-formed answer in which an entry failed (entry_status holds its status)
    kNotAnAnswer,  // not a transaction-response for what was sent: nothing can be taken as written
  };
  Kind kind = Kind::kNotAnAnswer;
  int entry_status = 0;            // kEntryFailed: the failed entry's HTTP status
  std::string why;                 // kEntryFailed / kNotAnAnswer: for the operator (may quote the EHR: not logged)
  std::string log_note;            // what the log may say: codes only, never the body
  std::string record_location;  // kWritten: the location of the record's Communication or DocumentReference
};

// Reads `answer_body` (the 2xx body) against `sent_bundle` (the transaction POSTed). Never throws.
TransactionReading ReadTransactionResponse(std::string_view sent_bundle, std::string_view answer_body);

// The issues of an OperationOutcome as one line ("error invalid: diagnostics (at path); ..."), or
// the start of `body` when it is not one; at most 2,000 characters.
std::string OutcomeText(std::string_view body);

}  // namespace selvhjelp::plugin
