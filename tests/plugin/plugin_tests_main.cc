#define BOOST_TEST_MODULE plugin_tests
#include <boost/test/unit_test.hpp>
