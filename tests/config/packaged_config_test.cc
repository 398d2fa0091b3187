#include <boost/test/unit_test.hpp>

#include <filesystem>

#include "config/service_config.h"

using selvhjelp::config::LoadConfig;
namespace fs = std::filesystem;

// The example the Debian package installs as /etc/selvhjelp/selvhjelp.json: valid as it stands,
// and every path in it absolute and in the package's layout (packaging/CMakeLists.txt), so the
// service finds its data whatever its working folder.
BOOST_AUTO_TEST_CASE(the_packaged_example_config_loads_with_absolute_paths) {
  auto cfg = LoadConfig(fs::path(SELVHJELP_SOURCE_DIR) / "packaging/selvhjelp.json");
  BOOST_REQUIRE_MESSAGE(cfg.ok(), cfg.status().message());
  BOOST_TEST(cfg->mappings_dir == fs::path("/usr/share/selvhjelp/mappings"));
  BOOST_TEST(cfg->app.web_directory == fs::path("/usr/share/selvhjelp/web/app"));
  BOOST_TEST(cfg->store_path.string().rfind("/var/lib/selvhjelp/", 0) == 0u);
  for (const auto& source : cfg->group_sources) BOOST_TEST((source.path.empty() || source.path.is_absolute()));
  for (const auto& issuer : cfg->issuers) BOOST_TEST(issuer.jwks_file.is_absolute());
  BOOST_TEST(cfg->records.auth.private_key_file.string().rfind("/etc/selvhjelp/secrets/", 0) == 0u);
  BOOST_TEST(cfg->BaseUrl().rfind("https://", 0) == 0u);
}
