// The program's operator new: malloc, as the default one, but a failure is recorded (size and the
// input being read, engine/out_of_memory.hpp) before std::bad_alloc is thrown, so that main can
// name both. Only the executable replaces it; the tests and fuzzers keep their runtime's own.
#include <cstdlib>
#include <new>

#include "engine/out_of_memory.hpp"

void* operator new(std::size_t bytes) {
    for (;;) {
        if (void* p = std::malloc(bytes == 0 ? 1 : bytes)) return p;
        if (std::new_handler handler = std::get_new_handler()) {
            handler();
        } else {
            pe::note_allocation_failure(bytes);
            throw std::bad_alloc();
        }
    }
}

void* operator new[](std::size_t bytes) { return ::operator new(bytes); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
