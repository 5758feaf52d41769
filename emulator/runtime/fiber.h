// Stackful fibers: each kernel runs on its own stack, and a worker thread switches between the kernels
// it owns only where one would block. A switch saves the callee-saved registers and the floating-point
// control words, nothing else, so it costs a few nanoseconds where an OS thread hand-off costs
// microseconds and a system call.
#pragma once

#include <cstddef>

#if !defined(__x86_64__)
#include <ucontext.h>
#endif

namespace emu {

struct Fiber {
    void (*body)(void*) = nullptr;  // runs on the fiber's stack; must never return (switch away at its end)
    void* arg = nullptr;
    void* sp = nullptr;  // saved stack pointer while switched out (x86-64)
    void* stack = nullptr;
    size_t stack_bytes = 0;
    bool stack_zeroed = false;  // zero_fiber_stack ran: the finished fiber's stack reads as fresh again
#if !defined(__x86_64__)
    ucontext_t context{};
#endif
};

// A fiber of `stack_bytes` (plus a guard page below, so an overflow is a SIGSEGV, not corruption) that
// starts in body(arg) on its first switch_fiber. Stacks are mapped lazily: untouched pages cost nothing.
// A stack free_fiber gave back is reused (it reads as fresh: zero). Throws std::runtime_error when the
// stack cannot be mapped.
void make_fiber(Fiber& fiber, size_t stack_bytes, void (*body)(void*), void* arg);
// `from` is the fiber (or the worker thread's own context) that is running now.
void switch_fiber(Fiber& from, Fiber& to);
// Zeroes the touched pages of a finished fiber's stack: the worker that ran it does this as soon as the
// fiber ends, while other kernels still run, so the reset between runs (free_fiber) has none of it left.
void zero_fiber_stack(Fiber& fiber);
// Gives the stack back for a later make_fiber, its touched pages zeroed (unless zero_fiber_stack did),
// still mapped.
void free_fiber(Fiber& fiber);

}  // namespace emu
