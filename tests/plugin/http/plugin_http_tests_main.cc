#define BOOST_TEST_MODULE plugin_http_tests
#include <boost/test/unit_test.hpp>
