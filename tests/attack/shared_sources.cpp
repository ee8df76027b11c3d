// Helpers that live in other test folders; each folder is its own executable (tests/CMakeLists.txt),
// so the attack suite compiles their sources in rather than copying them.
#include "tests/convert/crafted.cpp"  // NOLINT(bugprone-suspicious-include)
#include "tests/hub/hub_server.cpp"   // NOLINT(bugprone-suspicious-include)
