#define BOOST_TEST_MODULE fhir_tests
#include <boost/test/unit_test.hpp>
