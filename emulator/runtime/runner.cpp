// The runner: loads a plan written by emulator/run.py, maps DRAM and every core's L1, starts one
// thread per (kernel, core), watches for deadlocks and hangs, and writes a JSON report. Faults and
// crashes end the process with the report written, so the Python side never hangs or dies with us.
#include <dlfcn.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>
#include <fcntl.h>

#include <array>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <thread>

#include "emu/compute.h"
#include "runtime.h"

namespace emu {

void start_compute(KernelThread& t);   // compute.cpp
void finish_compute(KernelThread& t);  // compute.cpp

Device g_device;
thread_local KernelThread* t_self = nullptr;
std::atomic<uint64_t> g_progress{0};

namespace {

constexpr uintptr_t kL1MapBase = 0x40000000u;
constexpr uintptr_t kL1MapStride = 0x200000u;

std::vector<std::unique_ptr<KernelThread>> g_threads;
std::map<int, std::vector<uint32_t>> g_common_args;
std::map<int, ComputeConfig> g_compute_configs;
std::string g_report_path, g_trace_path;
double g_hang_seconds = 60;
std::atomic<int> g_blocked{0};
std::atomic<int> g_live{0};
std::atomic_flag g_reporting = ATOMIC_FLAG_INIT;

const char* kind_name(KernelKind k) {
    return k == KernelKind::Reader ? "reader" : k == KernelKind::Writer ? "writer" : "compute";
}

const char* state_name(ThreadState s) {
    return s == ThreadState::Running ? "running" : s == ThreadState::Blocked ? "blocked" : "done";
}

std::string json_escape(const char* s) {
    std::string out;
    for (; *s; ++s) {
        if (*s == '"' || *s == '\\') {
            out += '\\';
            out += *s;
        } else if (static_cast<unsigned char>(*s) < 0x20) {
            out += ' ';
        } else {
            out += *s;
        }
    }
    return out;
}

std::string stats_json() {
    uint64_t read = 0, written = 0, transactions = 0;
    std::map<std::pair<uint32_t, uint32_t>, std::array<uint64_t, 3>> per_core;
    std::string kernels;
    for (const auto& t : g_threads) {
        read += t->dram_read;
        written += t->dram_written;
        transactions += t->noc_transactions;
        auto& c = per_core[{t->core->x, t->core->y}];
        c[0] += t->dram_read;
        c[1] += t->dram_written;
        c[2] += t->noc_transactions;
        char buf[256];
        std::snprintf(buf, sizeof buf, "%s{\"kernel\":\"%s\",\"core\":[%u,%u],\"seconds\":%.6f}",
                      kernels.empty() ? "" : ",", json_escape(t->kernel.c_str()).c_str(), t->core->x, t->core->y,
                      t->busy_seconds);
        kernels += buf;
    }
    std::string cores;
    for (const auto& [xy, c] : per_core) {
        char buf[200];
        std::snprintf(buf, sizeof buf, "%s{\"core\":[%u,%u],\"dram_bytes_read\":%llu,\"dram_bytes_written\":%llu,"
                      "\"noc_transactions\":%llu}", cores.empty() ? "" : ",", xy.first, xy.second,
                      static_cast<unsigned long long>(c[0]), static_cast<unsigned long long>(c[1]),
                      static_cast<unsigned long long>(c[2]));
        cores += buf;
    }
    char head[256];
    std::snprintf(head, sizeof head, "{\"dram_bytes_read\":%llu,\"dram_bytes_written\":%llu,\"noc_transactions\":%llu,"
                  "\"seconds\":%.6f,", static_cast<unsigned long long>(read), static_cast<unsigned long long>(written),
                  static_cast<unsigned long long>(transactions), now_seconds() - g_device.start_time);
    return std::string(head) + "\"per_core\":[" + cores + "],\"kernels\":[" + kernels + "]}";
}

std::string threads_json() {
    std::string out;
    for (const auto& t : g_threads) {
        char buf[700];
        std::snprintf(buf, sizeof buf,
                      "%s{\"kernel\":\"%s\",\"kind\":\"%s\",\"core\":[%u,%u],\"state\":\"%s\",\"call\":\"%s\","
                      "\"blocked_on\":\"%s\"}",
                      out.empty() ? "" : ",", json_escape(t->kernel.c_str()).c_str(), kind_name(t->kind), t->core->x,
                      t->core->y, state_name(t->state.load()), json_escape(t->call).c_str(),
                      json_escape(t->blocked_on).c_str());
        out += buf;
    }
    return "[" + out + "]";
}

std::string cbs_json() {
    std::string out;
    for (const Core* core : g_device.cores) {
        char head[64];
        std::snprintf(head, sizeof head, "%s{\"core\":[%u,%u],\"cbs\":", out.empty() ? "" : ",", core->x, core->y);
        out += head + cb_state_json(*core) + "}";
    }
    return "[" + out + "]";
}

void write_report(const std::string& body) {
    const int fd = ::open(g_report_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0) {
        ssize_t unused = ::write(fd, body.data(), body.size());
        (void)unused;
        ::fsync(fd);
        ::close(fd);
    }
}

[[noreturn]] void report_fault_and_exit(const char* category, const std::string& message) {
    if (g_reporting.test_and_set()) {
        for (;;) {
            pause();
        }
    }
    std::string body = "{\"status\":\"fault\",\"category\":\"" + json_escape(category) + "\",\"message\":\"" +
                       json_escape(message.c_str()) + "\"";
    if (t_self) {
        char who[400];
        std::snprintf(who, sizeof who, ",\"kernel\":\"%s\",\"kind\":\"%s\",\"core\":[%u,%u],\"call\":\"%s\"",
                      json_escape(t_self->kernel.c_str()).c_str(), kind_name(t_self->kind), t_self->core->x,
                      t_self->core->y, json_escape(t_self->call).c_str());
        body += who;
    }
    body += ",\"threads\":" + threads_json() + ",\"cbs\":" + cbs_json() + "}";
    write_report(body);
    _exit(2);
}

// --- crashes -------------------------------------------------------------------------------------

char g_crash_buf[1024];

void on_crash(int sig) {
    const KernelThread* t = t_self;
    int n = std::snprintf(g_crash_buf, sizeof g_crash_buf,
                          "{\"status\":\"fault\",\"category\":\"crash\",\"message\":\"signal %d (%s) in kernel code\","
                          "\"kernel\":\"%s\",\"kind\":\"%s\",\"core\":[%u,%u],\"call\":\"%s\",\"threads\":[],\"cbs\":[]}",
                          sig, strsignal(sig), t ? t->kernel.c_str() : "runner", t ? kind_name(t->kind) : "-",
                          t ? t->core->x : 0, t ? t->core->y : 0, t ? t->call : "-");
    const int fd = ::open(g_report_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd >= 0 && n > 0) {
        ssize_t unused = ::write(fd, g_crash_buf, static_cast<size_t>(n));
        (void)unused;
        ::close(fd);
    }
    _exit(3);
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

// --- plan ----------------------------------------------------------------------------------------

[[noreturn]] void plan_error(const std::string& what) {
    std::fprintf(stderr, "emulator runner: bad plan: %s\n", what.c_str());
    std::exit(4);
}

Core* add_core(uint32_t x, uint32_t y) {
    if (Core* c = find_core(x, y)) {
        return c;
    }
    const uintptr_t want = kL1MapBase + g_device.cores.size() * kL1MapStride;
    void* p = mmap(reinterpret_cast<void*>(want), g_device.l1_size, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (p == MAP_FAILED || reinterpret_cast<uintptr_t>(p) != want) {
        plan_error("cannot map L1 of core at a fixed low address");
    }
    std::memset(p, kPoisonByte, g_device.l1_size);
    auto* core = new Core;
    core->x = x;
    core->y = y;
    core->l1 = static_cast<uint8_t*>(p);
    g_device.cores.push_back(core);
    return core;
}

void map_dram(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0) {
        plan_error("cannot open DRAM file " + path);
    }
    const size_t size = g_device.bank_size * g_device.num_banks;
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        plan_error("cannot map DRAM file " + path);
    }
    g_device.dram = static_cast<uint8_t*>(p);
}

void load_plan(const char* path) {
    std::ifstream in(path);
    if (!in) {
        plan_error(std::string("cannot read ") + path);
    }
    std::map<int, void (*)()> entries;
    std::map<int, std::pair<std::string, KernelKind>> kernels;
    std::string word;
    while (in >> word) {
        if (word == "device") {
            std::string dram;
            in >> g_device.l1_size >> g_device.l1_base >> g_device.num_banks >> g_device.bank_size >>
                g_device.dram_alignment >> dram;
            map_dram(dram);
        } else if (word == "report") {
            in >> g_report_path;
        } else if (word == "trace") {
            in >> g_trace_path;
            g_device.trace = true;
        } else if (word == "numerics") {
            uint32_t code;
            in >> code;
            set_numerics(code);
        } else if (word == "hang_seconds") {
            in >> g_hang_seconds;
        } else if (word == "buffer") {
            DramBuffer b{};
            in >> b.addr >> b.size;
            g_device.buffers.push_back(b);
        } else if (word == "cb") {
            uint32_t x, y, index, format, page, pages, offset;
            in >> x >> y >> index >> format >> page >> pages >> offset;
            Core* core = add_core(x, y);
            CBConfig& c = core->cbs[index].config;
            c = {true, static_cast<DataFormat>(format), page, pages,
                 static_cast<uint32_t>(reinterpret_cast<uintptr_t>(core->l1)) + offset};
        } else if (word == "kernel") {
            int id;
            std::string kind, name, so;
            in >> id >> kind >> name >> so;
            void* handle = dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (!handle) {
                plan_error(std::string("cannot load kernel ") + name + ": " + dlerror());
            }
            void* sym = dlsym(handle, "_Z11kernel_mainv");
            if (!sym) {
                plan_error("kernel " + name + " defines no void kernel_main()");
            }
            entries[id] = reinterpret_cast<void (*)()>(sym);
            kernels[id] = {name, kind == "reader" ? KernelKind::Reader
                                 : kind == "writer" ? KernelKind::Writer
                                                    : KernelKind::Compute};
        } else if (word == "compute_config") {
            int id, n;
            ComputeConfig c{};
            in >> id >> c.math_fidelity >> c.fp32_dest_acc_en >> c.math_approx_mode >> c.dst_full_sync_en >> n;
            for (int i = 0; i < n; ++i) {
                uint32_t cb;
                in >> cb;
                c.unpack_to_dest_fp32[cb % kNumCircularBuffers] = true;
            }
            g_compute_configs[id] = c;
        } else if (word == "common") {
            int id, n;
            in >> id >> n;
            auto& args = g_common_args[id];
            args.resize(n);
            for (auto& a : args) {
                in >> a;
            }
        } else if (word == "launch") {
            int id, n;
            uint32_t x, y;
            in >> id >> x >> y >> n;
            auto t = std::make_unique<KernelThread>();
            t->kernel = kernels.at(id).first;
            t->kind = kernels.at(id).second;
            t->entry = entries.at(id);
            t->core = add_core(x, y);
            t->args.resize(n);
            for (auto& a : t->args) {
                in >> a;
            }
            t->common_args = &g_common_args[id];
            if (t->kind == KernelKind::Compute) {
                t->compute = &g_compute_configs.at(id);
            }
            g_threads.push_back(std::move(t));
        } else {
            plan_error("unknown plan line '" + word + "'");
        }
    }
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

std::string blocked_summary() {
    std::string out;
    for (const auto& t : g_threads) {
        if (t->state.load() == ThreadState::Done) {
            continue;
        }
        char buf[400];
        std::snprintf(buf, sizeof buf, "\n  %s on core (%u,%u) is %s in %s", t->kernel.c_str(), t->core->x,
                      t->core->y, state_name(t->state.load()), t->state.load() == ThreadState::Blocked ? t->blocked_on
                                                                                                         : t->call);
        out += buf;
    }
    return out;
}

void watchdog() {
    uint64_t last = g_progress.load();
    double last_change = now_seconds();
    int stuck_checks = 0;
    while (g_live.load() > 0) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        const uint64_t progress = g_progress.load();
        const double now = now_seconds();
        if (progress != last) {
            last = progress;
            last_change = now;
            stuck_checks = 0;
            continue;
        }
        const int live = g_live.load();
        if (live > 0 && g_blocked.load() == live) {
            if (++stuck_checks >= 10) {
                report_fault_and_exit("deadlock", "every live kernel is blocked on a circular buffer:" +
                                                      blocked_summary());
            }
        } else {
            stuck_checks = 0;
        }
        if (now - last_change > g_hang_seconds) {
            report_fault_and_exit("hang", "no circular-buffer progress for " + std::to_string(int(g_hang_seconds)) +
                                              " s (a kernel spins without calling the API?):" + blocked_summary());
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
    std::ofstream out(g_trace_path);
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
        fault("arg_misuse", "get_arg_val(%u) but core (%u,%u) was given %zu runtime args", index, t_self->core->x,
              t_self->core->y, t_self->args.size());
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
    load_plan(argv[1]);
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
    write_report("{\"status\":\"ok\",\"stats\":" + stats_json() + "}");
    return 0;
}
