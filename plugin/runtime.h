#pragma once
// Runtime: everything the service loads at start-up from a config (mappings, groups, keys, the
// store), checked together so an operator sees every problem at once.
#include <memory>

#include "config/service_config.h"
#include "fhir/client/fhir_client.h"
#include "mappings/diagnosis_table.h"
#include "mappings/geography.h"
#include "mappings/category_map.h"
#include "mappings/text_catalog.h"
#include "plugin/auth/jwt_verifier.h"
#include "plugin/cds/self_help_service.h"
#include "plugin/groups/live_directory.h"
#include "plugin/store/ledger.h"

namespace selvhjelp::plugin {

struct Runtime {
  config::ServiceConfig config;
  std::unique_ptr<mappings::DiagnosisTable> diagnoses;
  std::unique_ptr<mappings::Geography> geography;
  std::unique_ptr<mappings::TextCatalog> texts;
  std::unique_ptr<mappings::CategoryMap> meeting_types;
  std::unique_ptr<mappings::CategoryMap> hsds_taxonomy;
  std::unique_ptr<mappings::CategoryMap> fhir_categories;
  std::unique_ptr<LiveDirectory> directory;
  std::unique_ptr<Ledger> ledger;  // only when open_store
  std::unique_ptr<fhir::FhirClient> fhir_client;
  std::unique_ptr<JwtVerifier> verifier;
  std::unique_ptr<SelfHelpService> service;
};

// Loads the config at `config_path` and everything it names. `port_override` > 0 replaces
// service.port. InvalidArgument listing every problem ("file:line: field: what"), one per line.
// With open_store false (the command line's checks) the store is not opened and every group
// source is loaded now, its problems included in the result; with open_store true the caller
// loads the sources (LiveDirectory::LoadAll) once cpprestsdk's thread pool is sized, and a
// failing source does not stop the service.
// `make_http_get` builds the HTTP reader for sources given by url (it gets auth.caFile); it may be
// empty where no such source is read.
using HttpGetFactory = std::function<HttpGet(const std::filesystem::path& ca_file)>;
[[nodiscard]] Result<std::unique_ptr<Runtime>> LoadRuntime(const std::filesystem::path& config_path,
                                                           int port_override, bool open_store,
                                                           const HttpGetFactory& make_http_get);

}  // namespace selvhjelp::plugin
