// The runner: loads a plan written by emulator/run.py (plan.cpp), starts one thread per (kernel, core),
// watches for deadlocks and hangs, and writes a JSON report (report.cpp). Faults, crashes and exit()
// calls in kernel code end the process with the report written, so the Python side never hangs or
// dies with us.
#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <fstream>
#include <thread>

#include "runtime.h"

namespace emu {

Device g_device;
std::vector<std::unique_ptr<KernelThread>> g_threads;
thread_local KernelThread* t_self = nullptr;
std::atomic<uint64_t> g_progress{0};

namespace {

std::atomic<int> g_blocked{0};
std::atomic<int> g_live{0};
std::atomic_flag g_reporting = ATOMIC_FLAG_INIT;

// The runner's own way out: the exit_group system call, which no interposed exit() (exits.cpp) and no
// atexit handler can intercept.
[[noreturn]] void terminate_process(int code) {
    for (;;) {
        syscall(SYS_exit_group, code);
    }
}

// --- crashes -------------------------------------------------------------------------------------

char g_crash_buf[1200];

// Name and description of each signal we catch; no strsignal(), which is not async-signal-safe.
const char* signal_name(int sig) {
    switch (sig) {
        case SIGSEGV: return "SIGSEGV";
        case SIGBUS: return "SIGBUS";
        case SIGFPE: return "SIGFPE";
        case SIGILL: return "SIGILL";
        case SIGABRT: return "SIGABRT";
    }
    return "signal";
}

const char* signal_description(int sig) {
    switch (sig) {
        case SIGSEGV: return "invalid memory access";
        case SIGBUS: return "bus error";
        case SIGFPE: return "arithmetic exception, e.g. integer division by zero";
        case SIGILL: return "illegal instruction";
        case SIGABRT: return "abort() called";
    }
    return "fatal signal";
}

// Runs on the crashing thread's alternate stack: formats into a static buffer and writes it with
// write_report_raw, allocating nothing (the crash may have happened inside malloc).
void on_crash(int sig) {
    const KernelThread* t = t_self;
    const int n = std::snprintf(
        g_crash_buf, sizeof g_crash_buf,
        "{\"format\":\"emulator-report\",\"version\":%d,\"status\":\"fault\",\"category\":\"crash\","
        "\"message\":\"%s (signal %d, %s) in kernel code\",\"kernel\":\"%s\",\"kind\":\"%s\",\"core\":[%u,%u],"
        "\"call\":\"%s\",\"threads\":[],\"cbs\":[]}",
        kReportVersion, signal_name(sig), sig, signal_description(sig), t ? t->kernel.c_str() : "runner",
        t ? kind_name(t->kind) : "reader", t ? t->core->x : 0, t ? t->core->y : 0, t ? t->call : "-");
    if (n > 0 && !g_reporting.test_and_set()) {
        write_report_raw(g_crash_buf, std::min(static_cast<size_t>(n), sizeof g_crash_buf - 1));
    }
    terminate_process(3);
}

void install_crash_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_crash;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
        sigaction(sig, &sa, nullptr);
    }
}

void use_alternate_signal_stack() {
    static thread_local std::vector<char> stack(256 * 1024);
    stack_t ss{};
    ss.ss_sp = stack.data();
    ss.ss_size = stack.size();
    sigaltstack(&ss, nullptr);
}

// --- threads and watchdog ----------------------------------------------------------------------

void run_kernel(KernelThread* t) {
    t_self = t;
    use_alternate_signal_stack();
    if (t->kind == KernelKind::Compute) {
        start_compute(*t);
    }
    const double begin = now_seconds();
    t->entry();
    std::snprintf(t->call, sizeof t->call, "(returned from kernel_main)");
    finish_noc(*t);
    if (t->kind == KernelKind::Compute) {
        finish_compute(*t);
    }
    t->busy_seconds = now_seconds() - begin;
    t->state = ThreadState::Done;
    g_live.fetch_sub(1);
    g_progress.fetch_add(1);
}

const char* thread_state_name(ThreadState s) {
    return s == ThreadState::Running ? "running" : s == ThreadState::Blocked ? "blocked" : "done";
}

std::string blocked_summary() {
    std::string out;
    for (const auto& t : g_threads) {
        const ThreadState state = t->state.load();
        if (state == ThreadState::Done) {
            continue;
        }
        char buf[400];
        std::snprintf(buf, sizeof buf, "\n  %s on core (%u,%u) is %s in %s", t->kernel.c_str(), t->core->x,
                      t->core->y, thread_state_name(state), state == ThreadState::Blocked ? t->blocked_on : t->call);
        out += buf;
    }
    return out;
}

// Looks every tick: a deadlock is deadlock_ticks looks in a row with every live kernel blocked on a CB;
// a hang is hang_seconds without progress (CB pages moved, NOC transfers issued or landed, kernels
// returning) while some kernel runs.
void watchdog() {
    const Watchdog& w = g_device.watchdog;
    const auto tick = std::chrono::milliseconds(w.tick_ms);
    uint64_t last = g_progress.load();
    double last_change = now_seconds();
    uint32_t stuck_ticks = 0;
    while (g_live.load() > 0) {
        std::this_thread::sleep_for(tick);
        const uint64_t progress = g_progress.load();
        const double now = now_seconds();
        if (progress != last) {
            last = progress;
            last_change = now;
            stuck_ticks = 0;
            continue;
        }
        const int live = g_live.load();
        if (live > 0 && g_blocked.load() == live) {
            if (++stuck_ticks >= w.deadlock_ticks) {
                report_fault_and_exit("deadlock", "every live kernel is blocked on a circular buffer:" +
                                                      blocked_summary());
            }
        } else {
            stuck_ticks = 0;
        }
        if (now - last_change > w.hang_seconds) {
            char head[160];
            std::snprintf(head, sizeof head, "no circular-buffer, NOC or kernel progress for %g s (a kernel spins "
                          "without calling the API?):", w.hang_seconds);
            report_fault_and_exit("hang", head + blocked_summary());
        }
    }
}

void check_balance() {
    std::string unbalanced;
    for (const Core* core : g_device.cores) {
        for (uint32_t i = 0; i < kNumCircularBuffers; ++i) {
            const CircularBuffer& c = core->cbs[i];
            if (c.config.configured && c.pushed != c.popped) {
                char buf[200];
                std::snprintf(buf, sizeof buf, "\n  core (%u,%u) CB %u: %llu pages pushed, %llu popped", core->x,
                              core->y, i, static_cast<unsigned long long>(c.pushed),
                              static_cast<unsigned long long>(c.popped));
                unbalanced += buf;
            }
        }
    }
    if (!unbalanced.empty()) {
        report_fault_and_exit("cb_unbalanced", "circular buffers not drained when every kernel returned:" + unbalanced);
    }
}

void write_trace() {
    std::ofstream out(g_device.trace_path);
    out << "{\"traceEvents\":[";
    bool first = true;
    for (size_t i = 0; i < g_threads.size(); ++i) {
        const KernelThread& t = *g_threads[i];
        out << (first ? "" : ",") << "{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":0,\"tid\":" << i
            << ",\"args\":{\"name\":\"core (" << t.core->x << "," << t.core->y << ") " << t.kernel << "\"}}";
        first = false;
        for (const std::string& e : t.trace_events) {
            out << ",{" << e << ",\"pid\":0,\"tid\":" << i << "}";
        }
    }
    out << "]}\n";
}

}  // namespace

[[noreturn]] void report_fault_and_exit(const char* category, const std::string& message) {
    if (g_reporting.test_and_set()) {
        for (;;) {
            pause();
        }
    }
    write_report(fault_report(category, message));
    terminate_process(2);
}

// --- core.h functions that need the thread table ------------------------------------------------

Core* find_core(uint32_t x, uint32_t y) {
    for (Core* c : g_device.cores) {
        if (c->x == x && c->y == y) {
            return c;
        }
    }
    return nullptr;
}

double now_seconds() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

void trace_event(const char* name, double begin, double end) {
    if (!g_device.trace || !t_self) {
        return;
    }
    char buf[300];
    std::snprintf(buf, sizeof buf, "\"name\":\"%s\",\"ph\":\"X\",\"ts\":%.3f,\"dur\":%.3f",
                  json_escape(name).c_str(), (begin - g_device.start_time) * 1e6, (end - begin) * 1e6);
    t_self->trace_events.emplace_back(buf);
}

void mark_blocked(const char* what) {
    std::snprintf(t_self->blocked_on, sizeof t_self->blocked_on, "%s", what);
    t_self->state = ThreadState::Blocked;
    g_blocked.fetch_add(1);
}

void mark_running() {
    g_blocked.fetch_sub(1);
    t_self->state = ThreadState::Running;
    t_self->blocked_on[0] = '\0';
}

KernelKind kernel_kind() { return t_self->kind; }

const ComputeConfig& compute_config() {
    if (!t_self->compute) {
        fault("compute_misuse", "a compute API call in a %s kernel", kind_name(t_self->kind));
    }
    return *t_self->compute;
}

uint32_t runtime_arg(uint32_t index) {
    if (index >= t_self->args.size()) {
        fault("arg_misuse", "get_arg_val(%u) but core (%u,%u) was given %zu runtime args (valid indices 0..%zu)",
              index, t_self->core->x, t_self->core->y, t_self->args.size(), t_self->args.size() - 1);
    }
    return t_self->args[index];
}

uint32_t common_runtime_arg(uint32_t index) {
    if (index >= t_self->common_args->size()) {
        fault("arg_misuse", "get_common_arg_val(%u) but the kernel was given %zu common runtime args", index,
              t_self->common_args->size());
    }
    return (*t_self->common_args)[index];
}

void set_call(const char* fmt, ...) {
    if (!t_self) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(t_self->call, sizeof t_self->call, fmt, ap);
    va_end(ap);
}

void fault(const char* category, const char* fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    report_fault_and_exit(category, buf);
}

}  // namespace emu

int main(int argc, char** argv) {
    using namespace emu;
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s PLAN\n", argv[0]);
        return 4;
    }
    install_crash_handlers();
    try {
        load_plan(argv[1]);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "emulator runner: bad plan: %s\n", e.what());
        return 4;
    }
    g_device.start_time = now_seconds();
    g_live = static_cast<int>(g_threads.size());
    std::vector<std::thread> threads;
    for (auto& t : g_threads) {
        threads.emplace_back(run_kernel, t.get());
    }
    std::thread dog(watchdog);
    for (auto& th : threads) {
        th.join();
    }
    dog.join();
    check_balance();
    if (g_device.trace) {
        write_trace();
    }
    write_report(ok_report());
    return 0;
}
