// Fibers: an x86-64 System V context switch in a few instructions, and a ucontext fallback elsewhere
// (portable but slower: swapcontext also saves the signal mask with a system call).
#include "fiber.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "pages.h"

namespace emu {
namespace {

thread_local Fiber* t_starting = nullptr;  // the fiber whose first switch is in progress

[[noreturn]] void fiber_entry() {
    Fiber* f = t_starting;
    f->body(f->arg);
    std::abort();  // a fiber body switches away for good; returning has nowhere to go
}

size_t page_size() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

// Stacks of finished fibers, zeroed where touched (zero_fiber_stack), for the next make_fiber of that size:
// a serving runner's later runs then find their stacks mapped in. Used by the main thread only.
struct FreeStack {
    void* base;
    size_t bytes;  // guard page included
};
std::vector<FreeStack> g_free_stacks;

// A stack of `bytes` (guard included): a pooled one, or a fresh lazily mapped one with its guard page.
void* take_stack(size_t bytes) {
    for (size_t i = 0; i < g_free_stacks.size(); ++i) {
        if (g_free_stacks[i].bytes == bytes) {
            void* base = g_free_stacks[i].base;
            g_free_stacks[i] = g_free_stacks.back();
            g_free_stacks.pop_back();
            return base;
        }
    }
    void* base = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK,
                      -1, 0);
    if (base == MAP_FAILED) {
        throw std::runtime_error("cannot map a kernel fiber stack of " + std::to_string(bytes) + " bytes");
    }
    mprotect(base, page_size(), PROT_NONE);  // the stack grows down onto this page
    return base;
}

}  // namespace
}  // namespace emu

#if defined(__x86_64__)

// emu_fiber_switch(void** save_sp, void* load_sp): pushes the callee-saved registers (System V AMD64
// ABI: rbx, rbp, r12-r15) and the MXCSR / x87 control words, which the ABI also makes callee-saved,
// stores the stack pointer to *save_sp, and pops the same from load_sp.
__asm__(R"(
    .pushsection .text
    .globl emu_fiber_switch
    .type emu_fiber_switch, @function
emu_fiber_switch:
    pushq %rbp
    pushq %rbx
    pushq %r12
    pushq %r13
    pushq %r14
    pushq %r15
    subq $8, %rsp
    stmxcsr (%rsp)
    fnstcw 4(%rsp)
    movq %rsp, (%rdi)
    movq %rsi, %rsp
    ldmxcsr (%rsp)
    fldcw 4(%rsp)
    addq $8, %rsp
    popq %r15
    popq %r14
    popq %r13
    popq %r12
    popq %rbx
    popq %rbp
    ret
    .size emu_fiber_switch, .-emu_fiber_switch
    .popsection
)");

extern "C" void emu_fiber_switch(void** save_sp, void* load_sp);

#endif

namespace emu {

void make_fiber(Fiber& fiber, size_t stack_bytes, void (*body)(void*), void* arg) {
    const size_t guard = page_size();
    stack_bytes = (stack_bytes + guard - 1) / guard * guard;
    void* base = take_stack(stack_bytes + guard);
    fiber.body = body;
    fiber.arg = arg;
    fiber.stack = base;
    fiber.stack_bytes = stack_bytes + guard;
    fiber.stack_zeroed = false;
#if defined(__x86_64__)
    // The frame emu_fiber_switch pops on the first switch: control words, six registers, then "return"
    // into fiber_entry with the stack aligned as at a call (rsp + 8 a multiple of 16 at entry).
    auto* top = reinterpret_cast<uint64_t*>(static_cast<char*>(base) + fiber.stack_bytes);
    top[-1] = 0;  // fiber_entry's return address: it never returns
    top[-2] = reinterpret_cast<uint64_t>(&fiber_entry);
    for (int i = 3; i <= 8; ++i) {
        top[-i] = 0;  // rbp, rbx, r12-r15
    }
    uint32_t mxcsr = 0;
    uint16_t fpucw = 0;
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    __asm__ volatile("fnstcw %0" : "=m"(fpucw));
    top[-9] = mxcsr | (uint64_t(fpucw) << 32);
    fiber.sp = &top[-9];
#else
    if (getcontext(&fiber.context) != 0) {
        throw std::runtime_error("getcontext failed for a kernel fiber");
    }
    fiber.context.uc_stack.ss_sp = static_cast<char*>(base) + guard;
    fiber.context.uc_stack.ss_size = stack_bytes;
    fiber.context.uc_link = nullptr;
    makecontext(&fiber.context, &fiber_entry, 0);
#endif
}

void switch_fiber(Fiber& from, Fiber& to) {
    t_starting = &to;  // read only by fiber_entry, on a fiber's first switch
#if defined(__x86_64__)
    emu_fiber_switch(&from.sp, to.sp);
#else
    swapcontext(&from.context, &to.context);
#endif
}

void zero_fiber_stack(Fiber& fiber) {
    if (fiber.stack && !fiber.stack_zeroed) {
        const size_t guard = page_size();
        zero_touched_pages(static_cast<char*>(fiber.stack) + guard, fiber.stack_bytes - guard);
        fiber.stack_zeroed = true;
    }
}

void free_fiber(Fiber& fiber) {
    if (fiber.stack) {
        zero_fiber_stack(fiber);
        g_free_stacks.push_back({fiber.stack, fiber.stack_bytes});
        fiber.stack = nullptr;
        fiber.stack_zeroed = false;
    }
}

}  // namespace emu
