// The runner: loads a plan written by emulator/run.py (plan.cpp), runs every (kernel, core) as a fiber
// on one worker thread per host core, watches for deadlocks and hangs, and writes a JSON report
// (report.cpp). Faults, crashes and exit() calls in kernel code end the process with the report
// written, so the Python side never hangs or dies with us.
//
// `runner PLAN` runs one plan. `runner --serve` (emulator/runner_process.py, one per emulated device)
// reads one plan path per line on stdin and answers each run that ended well with `ok` on stdout once
// its report is written; then it resets every piece of run state (unload_run, clear_run) but keeps the
// memory mapped, so later runs pay no page faults, and answers `ready` (serve). A fault ends the process
// exactly as in `runner PLAN`.
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
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

// One worker per host core runs the fibers of the cores given to it; all kernels of an emulated core
// share a worker, so a CB's producer and consumer hand over by a fiber switch, never an OS wake-up.
struct Worker {
    Fiber home;                         // the worker thread's own context, which schedules
    std::vector<KernelThread*> kernels;
    uint64_t steps = 0;                 // resumptions that did work (see yield_to_other_kernels)
    void** signal_stack = nullptr;      // this worker index's alternate signal stack (g_signal_stacks)
};
std::vector<void*> g_signal_stacks;  // per worker index, kept between a serving runner's runs
thread_local Worker* t_worker = nullptr;
// Kernel stacks: mapped lazily, so the size is address space, not memory. A Tensix RISC-V kernel has a few
// KiB of stack; 512 KiB leaves the emulator's API frames (a few tiles of locals, ~40 KiB at most) ample
// room, and keeps what a serving runner scans between runs (mincore over each stack, free_fiber) small.
constexpr size_t kKernelStackBytes = 512u << 10;

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
    char call[200] = "-";
    if (t) {
        format_thread_call(*t, call, sizeof call);
    }
    const int n = std::snprintf(
        g_crash_buf, sizeof g_crash_buf,
        "{\"format\":\"emulator-report\",\"version\":%d,\"status\":\"fault\",\"category\":\"crash\","
        "\"message\":\"%s (signal %d, %s) in kernel code\",\"kernel\":\"%s\",\"kind\":\"%s\",\"core\":[%u,%u],"
        "\"call\":\"%s\",\"threads\":[],\"cbs\":[]}",
        kReportVersion, signal_name(sig), sig, signal_description(sig), t ? t->kernel.c_str() : "runner",
        t ? kind_name(t->kind) : "reader", t ? t->core->x : 0, t ? t->core->y : 0, call);
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

// Per worker thread (signal stacks are per OS thread, whichever fiber runs). Mapped, so its pages cost
// nothing until a signal arrives; worker i of every run uses the same one (a signal ends the process).
void use_alternate_signal_stack(void*& stack) {
    constexpr size_t kBytes = 256 * 1024;
    if (!stack) {
        void* p = mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            return;  // crashes are still reported, unless the kernel's stack itself overflowed
        }
        stack = p;
    }
    stack_t ss{};
    ss.ss_sp = stack;
    ss.ss_size = kBytes;
    sigaltstack(&ss, nullptr);
}

// --- fibers, workers and watchdog ----------------------------------------------------------------

// A kernel's fiber: runs kernel_main with its checks around it, then hands control back for good.
void run_kernel(void* arg) {
    auto* t = static_cast<KernelThread*>(arg);
    if (t->kind == KernelKind::Compute) {
        start_compute(*t);
    }
    const double begin = now_seconds();
    t->entry();
    set_call("(returned from kernel_main)");
    finish_noc(*t);
    if (t->kind == KernelKind::Compute) {
        finish_compute(*t);
    }
    t->busy_seconds = now_seconds() - begin;
    t->state = ThreadState::Done;
    g_live.fetch_sub(1);
    g_progress.fetch_add(1);
    ++t_worker->steps;
    switch_fiber(t->fiber, t_worker->home);
    std::abort();  // the worker never resumes a finished kernel
}

// Every kernel of this worker is blocked on something another worker must do (or on a deadlock the
// watchdog will report): back off from spinning to short sleeps.
void idle(uint32_t rounds) {
    if (rounds < 64) {
        std::this_thread::yield();
    } else {
        std::this_thread::sleep_for(std::chrono::microseconds(std::min<uint32_t>(rounds, 1000)));
    }
}

// Resumes each unfinished kernel of [begin, end) once; returns how many finished.
size_t resume_each(Worker* w, size_t begin, size_t end) {
    size_t finished = 0;
    for (size_t i = begin; i < end; ++i) {
        KernelThread* k = w->kernels[i];
        if (k->state.load(std::memory_order_relaxed) == ThreadState::Done) {
            continue;
        }
        t_self = k;
        switch_fiber(w->home, k->fiber);
        t_self = nullptr;
        if (k->state.load(std::memory_order_relaxed) == ThreadState::Done) {
            zero_fiber_stack(k->fiber);  // dead now; its pages are still in this host core's caches
            ++finished;
        }
    }
    return finished;
}

// A round visits the worker's cores in turn (its kernels are sorted by core, make_workers) and stays with
// a core while its kernels make progress, so a core's pages stay in the host caches from producer to
// consumer; a core whose kernels all wait (on another core, or a deadlock) yields the worker to the next.
void run_worker(Worker* w) {
    t_worker = w;
    use_alternate_signal_stack(*w->signal_stack);
    size_t live = w->kernels.size();
    uint32_t idle_rounds = 0;
    while (live > 0) {
        const uint64_t steps = w->steps;
        for (size_t begin = 0; begin < w->kernels.size();) {
            size_t end = begin + 1;
            while (end < w->kernels.size() && w->kernels[end]->core == w->kernels[begin]->core) {
                ++end;
            }
            uint64_t before = 0;
            do {
                before = w->steps;
                live -= resume_each(w, begin, end);
            } while (w->steps != before && live > 0);
            begin = end;
        }
        idle_rounds = w->steps == steps ? idle_rounds + 1 : 0;
        if (idle_rounds > 0) {
            idle(idle_rounds);
        }
    }
}

// Host cores this process may run on (its affinity mask, which containers and taskset narrow).
size_t host_cores() {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0) {
        return std::max(1, CPU_COUNT(&set));
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

// Emulated cores are dealt round-robin to min(host cores, emulated cores) workers, each a new thread per
// run (so kernels' thread_local variables start fresh in every run, as in a new process). A worker visits
// its kernels core by core (a core's reader, compute and writer in a row), so the pages one kernel of a
// core produces are still in the host's caches when the next one consumes them.
std::vector<Worker> make_workers() {
    const size_t host = host_cores();
    std::vector<Worker> workers(std::max<size_t>(1, std::min(host, g_device.cores.size())));
    if (g_signal_stacks.size() < workers.size()) {
        g_signal_stacks.resize(workers.size(), nullptr);
    }
    for (size_t i = 0; i < workers.size(); ++i) {
        workers[i].signal_stack = &g_signal_stacks[i];
    }
    std::vector<std::pair<size_t, KernelThread*>> by_core;
    for (auto& t : g_threads) {
        const size_t core_index = std::find(g_device.cores.begin(), g_device.cores.end(), t->core) -
                                  g_device.cores.begin();
        by_core.push_back({core_index, t.get()});
    }
    std::stable_sort(by_core.begin(), by_core.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [core_index, t] : by_core) {
        workers[core_index % workers.size()].kernels.push_back(t);
        t->call.fmt = "kernel_main";  // what a kernel not yet started reports
        t->call.formatter = &detail::format_record<>;
        make_fiber(t->fiber, kKernelStackBytes, run_kernel, t);
    }
    return workers;
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
        char call[200];
        format_thread_call(*t, call, sizeof call);
        char buf[400];
        std::snprintf(buf, sizeof buf, "\n  %s on core (%u,%u) is %s in %s", t->kernel.c_str(), t->core->x,
                      t->core->y, thread_state_name(state), call);
        out += buf;
    }
    return out;
}

std::mutex g_dog_mutex;
std::condition_variable g_dog_wake;
bool g_all_done = false;  // under g_dog_mutex: set when the workers are finished, so the watchdog stops now

// Looks every tick: a deadlock is deadlock_ticks looks in a row with every live kernel blocked on a CB;
// a hang is hang_seconds without progress (CB pages moved, NOC transfers issued or landed, kernels
// returning) while some kernel runs. Its sleep ends the moment the run does, so it never delays exit.
void watchdog() {
    const Watchdog& w = g_device.watchdog;
    const auto tick = std::chrono::milliseconds(w.tick_ms);
    uint64_t last = g_progress.load();
    double last_change = now_seconds();
    uint32_t stuck_ticks = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(g_dog_mutex);
            if (g_dog_wake.wait_for(lock, tick, [] { return g_all_done; })) {
                return;
            }
        }
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
    if (t_self && t_self->core->x == x && t_self->core->y == y) {
        return t_self->core;  // most NOC addresses a kernel forms name its own core (local L1 copies)
    }
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

// A kernel that blocks has done work since it was last resumed (it was running): that counts as a step
// of its worker, which therefore does not idle.
void mark_blocked() {
    t_self->state = ThreadState::Blocked;
    g_blocked.fetch_add(1);
    if (t_worker) {
        ++t_worker->steps;
    }
}

void mark_running() {
    g_blocked.fetch_sub(1);
    t_self->state = ThreadState::Running;
}

void yield_to_other_kernels() {
    if (t_worker && t_self) {
        switch_fiber(t_self->fiber, t_worker->home);
    }
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

CallRecord* call_record() { return t_self ? &t_self->call : nullptr; }

// Reads the record as a seqlock reader: another thread (the watchdog) may format a kernel's record while
// the kernel rewrites it, so a copy counts only if the sequence was even and unchanged around it.
int format_call(char* buf, size_t size, const CallRecord& r) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
        const uint32_t before = __atomic_load_n(&r.seq, __ATOMIC_ACQUIRE);
        if (before & 1u) {
            continue;
        }
        CallRecord copy{};
        copy.fmt = __atomic_load_n(&r.fmt, __ATOMIC_RELAXED);
        copy.formatter = __atomic_load_n(&r.formatter, __ATOMIC_RELAXED);
        for (uint32_t i = 0; i < kMaxCallArgs; ++i) {
            copy.args[i] = __atomic_load_n(&r.args[i], __ATOMIC_RELAXED);
        }
        __atomic_thread_fence(__ATOMIC_ACQUIRE);
        if (__atomic_load_n(&r.seq, __ATOMIC_RELAXED) == before) {
            if (!copy.formatter || !copy.fmt) {
                return std::snprintf(buf, size, "-");
            }
            return copy.formatter(buf, size, copy);
        }
    }
    return std::snprintf(buf, size, "%s", "(an API call being entered)");
}

void format_thread_call(const KernelThread& t, char* buf, size_t size) {
    if (format_call(buf, size, t.call) < 0 && size > 0) {
        buf[0] = '\0';
    }
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

namespace emu {
namespace {

// Runs the plan at `path` to its end: the ok report written, or (through report_fault_and_exit or the
// crash handler) the process ended. Returns the exit code `runner PLAN` ends with: 0, 4 for a plan
// refused, 1 when the event log cannot be written.
int run_plan(const std::string& path) {
    try {
        load_plan(path);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "emulator runner: bad plan: %s\n", e.what());
        return 4;
    }
    std::vector<Worker> workers;
    try {
        workers = make_workers();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "emulator runner: %s\n", e.what());
        return 4;
    }
    hide_unused_cores();
    populate_used_memory();
    g_device.start_time = now_seconds();
    g_live = static_cast<int>(g_threads.size());
    std::thread dog(watchdog);
    std::vector<std::thread> threads;
    for (Worker& w : workers) {
        threads.emplace_back(run_worker, &w);
    }
    for (auto& th : threads) {
        th.join();
    }
    {
        std::lock_guard<std::mutex> lock(g_dog_mutex);
        g_all_done = true;
    }
    g_dog_wake.notify_one();
    dog.join();
    check_balance();
    if (g_device.trace) {
        write_trace();
    }
    if (events::g_on) {
        try {
            events::write_file(g_device.events_path);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "emulator runner: %s\n", e.what());
            return 1;
        }
    }
    write_report(ok_report());
    return 0;
}

// Between two runs of a serving runner, after the ok report: every piece of run state back to what a new
// process starts with (fibers' stacks, compute states, kernel objects and the plan's settings, cores'
// L1, written-maps and CBs, the scheduler's counters), keeping the memory mapped. False when a kernel
// object stayed loaded (unload_plan): then this process must not run another plan.
bool unload_run() {
    for (auto& t : g_threads) {
        free_fiber(t->fiber);
        end_compute(*t);
    }
    g_threads.clear();
    return unload_plan();
}

void clear_run() {
    release_cores();
    g_progress = 0;
    g_blocked = 0;
    g_live = 0;
    g_all_done = false;
}

// One plan path per line on stdin. After each run that ended well, "ok" on the original stdout as soon as
// its report is written; then the reset (unload_run, clear_run) and "ready", or "exit" when this process
// must not run another plan (unload_run) and ends. The caller reads the run's results while the reset
// goes on, and waits for "ready" before it sends the next plan or times anything else (runner_process.py
// synchronize). Kernel code's own stdout goes to stderr, so it can never be taken for an answer. Ends at
// the end of stdin.
int serve() {
    const int answers = dup(STDOUT_FILENO);
    if (answers < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0) {
        std::perror("emulator runner: cannot set up --serve");
        return 1;
    }
    const auto answer = [answers](const char* line) {
        std::fflush(nullptr);
        return ::write(answers, line, std::strlen(line)) >= 0;
    };
    std::string path;
    while (std::getline(std::cin, path)) {
        const int code = run_plan(path);
        if (code != 0) {
            std::fflush(nullptr);
            terminate_process(code);
        }
        if (!answer("ok\n")) {
            terminate_process(0);
        }
        const bool fresh = unload_run();
        if (fresh) {
            clear_run();
        }
        if (!answer(fresh ? "ready\n" : "exit\n") || !fresh) {
            terminate_process(0);
        }
    }
    return 0;
}

}  // namespace
}  // namespace emu

int main(int argc, char** argv) {
    using namespace emu;
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s PLAN | %s --serve\n", argv[0], argv[0]);
        return 4;
    }
    install_crash_handlers();
    if (std::string(argv[1]) == "--serve") {
        return serve();
    }
    return run_plan(argv[1]);
}
