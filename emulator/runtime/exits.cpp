// exit(), _exit(), _Exit() and quick_exit() called from kernel code: the runner (linked with -rdynamic)
// defines these symbols, so a kernel shared object binds to them instead of libc's, and the call is
// reported as a fault naming kernel, core and API call instead of ending the run with a bare status.
// Called outside a kernel thread they forward to libc's own function.
#include <dlfcn.h>

#include "runtime.h"

namespace {

[[noreturn]] void leave(const char* name, int status) {
    if (emu::t_self) {
        emu::fault("kernel_exit", "kernel code called %s(%d); a kernel must return from kernel_main", name, status);
    }
    using Exit = void (*)(int);
    const auto real = reinterpret_cast<Exit>(dlsym(RTLD_NEXT, name));
    if (real) {
        real(status);
    }
    __builtin_trap();
}

}  // namespace

extern "C" {
void exit(int status) noexcept { leave("exit", status); }
void _exit(int status) noexcept { leave("_exit", status); }
void _Exit(int status) noexcept { leave("_Exit", status); }
void quick_exit(int status) noexcept { leave("quick_exit", status); }
}
