// The loopback hub helper lives in tests/hub; each test folder is its own executable
// (tests/CMakeLists.txt), so the sweep tests compile the same source in rather than copy it.
#include "tests/hub/hub_server.cpp"  // NOLINT(bugprone-suspicious-include)
