// The Boost.Test main shared by every tests/<area> executable.
#define BOOST_TEST_MODULE pythia_eval
#include <boost/test/unit_test.hpp>
