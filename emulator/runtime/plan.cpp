// Reads the plan that emulator/run.py writes: JSON of the format emulator/contract/plan.schema.json
// describes, version kPlanVersion. Every object is read through json::Fields, so a missing, mistyped or
// unknown key is an error naming it. Adding a plan field: one line in emulator/run.py (`_plan`), one
// line in the schema, one line here.
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fstream>
#include <map>
#include <sstream>

#include "json.h"
#include "emu/compute.h"
#include "runtime.h"

namespace emu {

constexpr int kPlanVersion = 2;

namespace {

using json::Fields;

std::map<size_t, std::vector<uint32_t>> g_common_args;
std::map<size_t, ComputeConfig> g_compute_configs;
// Every kernel object this plan opened (one handle per dlopen, so a build two kernels share appears twice)
// and its path, for unload_plan.
std::vector<std::pair<void*, std::string>> g_kernel_objects;
// The DRAM file mapped at g_device.dram, kept between runs while the plan names the same file and size.
std::string g_dram_path;
size_t g_dram_bytes = 0;

DataFormat format_named(const std::string& name, const std::string& where) {
#define EMU_DATA_FORMAT(plan_name, enumerator, value, datum_bytes) \
    if (name == #plan_name) {                                      \
        return DataFormat::enumerator;                             \
    }
#include "emu/codes.h"
    throw json::Error(where + ": unknown data format '" + name + "' (emu/codes.h lists the known ones)");
}

uint32_t fidelity_named(const std::string& name, const std::string& where) {
#define EMU_MATH_FIDELITY(plan_name, value) \
    if (name == #plan_name) {               \
        return value;                       \
    }
#include "emu/codes.h"
    throw json::Error(where + ": unknown math fidelity '" + name + "' (emu/codes.h lists the known ones)");
}

uint32_t numerics_named(const std::string& name, const std::string& where) {
#define EMU_NUMERICS(plan_name, enumerator, value) \
    if (name == #plan_name) {                     \
        return value;                             \
    }
#include "emu/codes.h"
    throw json::Error(where + ": unknown numerics variant '" + name + "' (emu/codes.h lists the known ones)");
}

KernelKind kind_named(const std::string& name, const std::string& where) {
    for (KernelKind k : {KernelKind::Reader, KernelKind::Writer, KernelKind::Compute}) {
        if (name == kind_name(k)) {
            return k;
        }
    }
    throw json::Error(where + ": unknown kernel kind '" + name + "' (expected reader, writer or compute)");
}

std::pair<uint32_t, uint32_t> core_of(Fields& f) {
    const std::vector<uint32_t> xy = f.u32_list("core");
    if (xy.size() != 2) {
        throw json::Error(f.where() + ".core: expected [x, y]");
    }
    return {xy[0], xy[1]};
}

void map_dram(const std::string& path) {
    const size_t size = g_device.bank_size * g_device.num_banks;
    if (g_device.dram && path == g_dram_path && size == g_dram_bytes) {
        return;  // a serving runner's next run on the same device: the mapping (and its pages) stays
    }
    if (g_device.dram) {
        munmap(g_device.dram, g_dram_bytes);
        g_device.dram = nullptr;
    }
    const int fd = ::open(path.c_str(), O_RDWR);
    if (fd < 0) {
        throw json::Error("cannot open DRAM file " + path);
    }
    void* p = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    ::close(fd);
    if (p == MAP_FAILED) {
        throw json::Error("cannot map DRAM file " + path);
    }
    g_device.dram = static_cast<uint8_t*>(p);
    g_dram_path = path;
    g_dram_bytes = size;
}

uint32_t power_of_two(Fields& f, const char* key) {
    const uint32_t v = f.u32(key);
    if (v == 0 || (v & (v - 1)) != 0) {
        throw json::Error(f.where() + "." + key + ": expected a power of two, got " + std::to_string(v));
    }
    return v;
}

// The L1 banks' cores are added first, in bank order, so that core i maps bank i of the L1 file (core_slot);
// the host wrote (or filled) every byte of an L1 buffer, so those bytes start out written.
void read_l1_interleaved(Fields f) {
    g_device.l1_path = f.string("path");
    g_device.l1_bank_stride = f.u32("bank_stride");
    if (g_device.l1_bank_stride < g_device.l1_size) {
        throw json::Error(f.where() + ".bank_stride: smaller than l1_size");
    }
    const auto& buffers = f.array("buffers");
    for (size_t i = 0; i < buffers.size(); ++i) {
        Fields b(buffers[i], f.where() + ".buffers[" + std::to_string(i) + "]");
        g_device.l1_buffers.push_back({b.u32("address"), b.u32("size")});
        b.done();
    }
    const std::vector<uint32_t> xy = f.u32_list("banks");
    if (xy.empty() || xy.size() % 2 != 0) {
        throw json::Error(f.where() + ".banks: expected [x0, y0, x1, y1, ...]");
    }
    const std::string where = f.where();
    f.done();
    std::vector<std::pair<uint32_t, uint32_t>> banks;
    for (size_t i = 0; i < xy.size(); i += 2) {
        banks.push_back({xy[i], xy[i + 1]});
    }
    g_device.l1_banks = banks;
    for (const auto& [x, y] : banks) {
        Core* core = add_core(x, y);
        for (const DramBuffer& b : g_device.l1_buffers) {
            if (uint64_t(b.addr) + b.size > g_device.l1_size || b.addr < g_device.l1_base) {
                throw json::Error(where + ".buffers: L1 buffer outside the usable L1");
            }
            mark_l1_written(core->l1 + b.addr, b.size);
        }
    }
}

void read_device(Fields f) {
    g_device.l1_size = f.u32("l1_size");
    g_device.l1_base = f.u32("l1_unreserved_base");
    g_device.num_banks = f.u32("num_dram_banks");
    g_device.bank_size = f.u64("dram_bank_size");
    g_device.dram_alignment = power_of_two(f, "dram_alignment");
    Fields noc = f.object("noc_alignment");
    g_device.noc_alignment = {power_of_two(noc, "l1_read"), power_of_two(noc, "l1_write"),
                              power_of_two(noc, "dram_read"), power_of_two(noc, "dram_write")};
    noc.done();
    map_dram(f.string("dram_path"));
    set_numerics(numerics_named(f.string("numerics"), f.where() + ".numerics"));
    if (!f.take_null("l1_interleaved")) {
        try {
            read_l1_interleaved(f.object("l1_interleaved"));
        } catch (const json::Error& e) {
            throw json::Error(std::string(e.what()) + " (l1_interleaved: expected null or an object with path, "
                              "bank_stride, banks and buffers)");
        }
    }
    f.done();
}

void read_watchdog(Fields f) {
    g_device.watchdog.hang_seconds = f.number("hang_seconds");
    g_device.watchdog.tick_ms = f.u32("tick_ms");
    g_device.watchdog.deadlock_ticks = f.u32("deadlock_ticks");
    if (!(g_device.watchdog.hang_seconds > 0) || g_device.watchdog.tick_ms == 0 || g_device.watchdog.deadlock_ticks == 0) {
        throw json::Error(f.where() + ": hang_seconds, tick_ms and deadlock_ticks must be > 0");
    }
    f.done();
}

// One CB at one L1 offset on every core of `cores` ([x0, y0, x1, y1, ...]: a program's CBs mostly span
// its whole grid at one placement, so the plan names the cores once per CB, not one entry per core).
void read_cb(Fields f) {
    const std::vector<uint32_t> xy = f.u32_list("cores");
    if (xy.empty() || xy.size() % 2 != 0) {
        throw json::Error(f.where() + ".cores: expected [x0, y0, x1, y1, ...]");
    }
    const uint32_t index = f.u32("index");
    if (index >= kNumCircularBuffers) {
        throw json::Error(f.where() + ".index: " + std::to_string(index) + " is not a CB index 0.." +
                          std::to_string(kNumCircularBuffers - 1));
    }
    CBConfig config{};
    config.configured = true;
    config.format = format_named(f.string("data_format"), f.where() + ".data_format");
    config.page_size = f.u32("page_size");
    config.num_pages = f.u32("num_pages");
    const uint32_t offset = f.u32("offset");
    f.done();
    for (size_t i = 0; i < xy.size(); i += 2) {
        if (xy[i] > 255 || xy[i + 1] > 255) {
            throw json::Error(f.where() + ".cores: a coordinate above 255");
        }
        Core* core = add_core(xy[i], xy[i + 1]);
        CBConfig& c = core->cbs[index].config;
        c = config;
        c.l1_addr = static_cast<uint32_t>(reinterpret_cast<uintptr_t>(core->l1)) + offset;
    }
}

ComputeConfig read_compute_config(Fields f) {
    ComputeConfig c{};
    c.math_fidelity = fidelity_named(f.string("math_fidelity"), f.where() + ".math_fidelity");
    c.fp32_dest_acc_en = f.boolean("fp32_dest_acc_en");
    c.math_approx_mode = f.boolean("math_approx_mode");
    c.dst_full_sync_en = f.boolean("dst_full_sync_en");
    for (uint32_t cb : f.u32_list("unpack_to_dest_fp32")) {
        if (cb >= kNumCircularBuffers) {
            throw json::Error(f.where() + ".unpack_to_dest_fp32: " + std::to_string(cb) + " is not a CB index");
        }
        c.unpack_to_dest_fp32[cb] = true;
    }
    f.done();
    return c;
}

void read_launch(Fields f, size_t id, const std::string& name, KernelKind kind, void (*entry)()) {
    auto t = std::make_unique<KernelThread>();
    const auto [x, y] = core_of(f);
    t->kernel = name;
    t->kind = kind;
    t->entry = entry;
    t->core = add_core(x, y);
    t->args = f.u32_list("args");
    t->common_args = &g_common_args[id];
    if (kind == KernelKind::Compute) {
        t->compute = &g_compute_configs.at(id);
    }
    f.done();
    g_threads.push_back(std::move(t));
}

void read_kernel(Fields f, size_t id) {
    const std::string name = f.string("name");
    const KernelKind kind = kind_named(f.string("kind"), f.where() + ".kind");
    const std::string object = f.string("object");
    void* handle = dlopen(object.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        throw json::Error("cannot load kernel " + name + ": " + dlerror());
    }
    g_kernel_objects.push_back({handle, object});
    void* sym = dlsym(handle, "_Z11kernel_mainv");
    if (!sym) {
        throw json::Error("kernel " + name + " defines no void kernel_main()");
    }
    g_common_args[id] = f.u32_list("common_args");
    const bool has_config = !f.take_null("compute_config");
    if (has_config != (kind == KernelKind::Compute)) {
        throw json::Error(f.where() + ".compute_config: expected " +
                          (has_config ? "null for a " + std::string(kind_name(kind)) + " kernel, got a value"
                                      : std::string("an object for a compute kernel, got null")));
    }
    if (has_config) {
        g_compute_configs[id] = read_compute_config(f.object("compute_config"));
    }
    const auto& launches = f.array("launches");
    for (size_t i = 0; i < launches.size(); ++i) {
        read_launch(Fields(launches[i], f.where() + ".launches[" + std::to_string(i) + "]"), id, name, kind,
                    reinterpret_cast<void (*)()>(sym));
    }
    f.done();
}

template <typename Read>
void each(Fields& f, const char* key, Read read) {
    const auto& items = f.array(key);
    for (size_t i = 0; i < items.size(); ++i) {
        read(Fields(items[i], std::string(key) + "[" + std::to_string(i) + "]"), i);
    }
}

}  // namespace

Core* add_core(uint32_t x, uint32_t y) {
    if (Core* c = find_core(x, y)) {
        return c;
    }
    Core* core = core_slot(g_device.cores.size());
    core->x = x;
    core->y = y;
    g_device.cores.push_back(core);
    return core;
}

bool unload_plan() {
    for (const auto& [handle, path] : g_kernel_objects) {
        dlclose(handle);
    }
    bool unloaded = true;
    for (const auto& [handle, path] : g_kernel_objects) {
        if (void* still = dlopen(path.c_str(), RTLD_NOW | RTLD_NOLOAD)) {
            dlclose(still);
            unloaded = false;
        }
    }
    g_kernel_objects.clear();
    g_common_args.clear();
    g_compute_configs.clear();
    Device& d = g_device;
    d.watchdog = Watchdog{};
    d.report_path.clear();
    d.report_tmp_path.clear();
    d.trace_path.clear();
    d.events_path.clear();
    d.trace = false;
    events::g_on = false;
    d.buffers.clear();
    d.l1_path.clear();
    d.l1_bank_stride = 0;
    d.l1_banks.clear();
    d.l1_buffers.clear();
    d.start_time = 0;
    return unloaded;
}

void load_plan(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        throw json::Error("cannot read " + path);
    }
    std::stringstream text;
    text << in.rdbuf();
    const json::Value document = json::parse(text.str());  // outlives every Fields that points into it
    Fields plan(document, "plan");
    if (plan.string("format") != "emulator-plan") {
        throw json::Error("plan.format: expected 'emulator-plan'");
    }
    const uint32_t version = plan.u32("version");
    if (version != kPlanVersion) {
        throw json::Error("plan.version: this runner reads version " + std::to_string(kPlanVersion) + ", got " +
                          std::to_string(version));
    }
    g_device.report_path = plan.string("report");
    g_device.report_tmp_path = g_device.report_path + ".tmp";
    if (!plan.take_null("trace")) {
        g_device.trace_path = plan.string("trace");
        g_device.trace = true;
    }
    if (!plan.take_null("events")) {
        g_device.events_path = plan.string("events");
        events::g_on = true;
    }
    read_watchdog(plan.object("watchdog"));
    read_device(plan.object("device"));
    each(plan, "buffers", [](Fields f, size_t) {
        g_device.buffers.push_back({f.u32("address"), f.u32("size")});
        f.done();
    });
    each(plan, "cbs", [](Fields f, size_t) { read_cb(std::move(f)); });
    each(plan, "kernels", [](Fields f, size_t id) { read_kernel(std::move(f), id); });
    plan.done();
}

}  // namespace emu
