// Out-of-memory errors that say what was being read and how much was asked for (issue #12, item 13):
// readers of outside data hold a ReadingInput while they work; the CLI's operator new records the
// size and the input of a failed allocation, and main prints both instead of a bare std::bad_alloc.
#pragma once

#include <cstddef>
#include <string>

namespace pe {

// While alive, an allocation that fails is reported as happening while reading `input` (a file,
// folder or URL). Scopes nest; the innermost one names the input.
class ReadingInput {
public:
    explicit ReadingInput(const std::string& input);
    ~ReadingInput();
    ReadingInput(const ReadingInput&) = delete;
    ReadingInput& operator=(const ReadingInput&) = delete;

private:
    std::string previous_;
};

// Called by the replaced operator new when malloc fails, before std::bad_alloc is thrown: keeps
// the size and a copy of the current input. Allocates nothing.
void note_allocation_failure(std::size_t bytes) noexcept;

// "<input>: out of memory: N bytes asked for ..." for the last recorded failure, or a line that
// says no size is known (a std::bad_alloc thrown without going through operator new).
std::string allocation_failure_message();

}  // namespace pe
