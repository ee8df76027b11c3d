// The eval test helpers (tests/eval) compiled into this executable too: each test folder is its own
// executable (tests/CMakeLists.txt), and the full-data run is its own CTest test for its own timeout.
#include "tests/eval/eval_env.cpp"  // NOLINT(bugprone-suspicious-include)
