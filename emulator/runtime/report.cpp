// The runner's report: one JSON object (emulator/contract/report.schema.json, version kReportVersion)
// that emulator/contract.py validates before anything reads it. Written atomically (temporary file,
// then rename), so Python never reads half a report. No fsync: the report is read at once by the
// process that waits for this one, never after a machine crash, and an fsync on a disk-backed temp
// folder cost ~5 ms per run.
#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <map>

#include "runtime.h"

namespace emu {
namespace {

const char* state_name(ThreadState s) {
    return s == ThreadState::Running ? "running" : s == ThreadState::Blocked ? "blocked" : "done";
}

std::string head(const char* status) {
    return "{\"format\":\"emulator-report\",\"version\":" + std::to_string(kReportVersion) + ",\"status\":\"" +
           status + "\"";
}

std::string watchdog_json() {
    const Watchdog& w = g_device.watchdog;
    char buf[160];
    std::snprintf(buf, sizeof buf, "{\"hang_seconds\":%.17g,\"tick_ms\":%u,\"deadlock_ticks\":%u}", w.hang_seconds,
                  w.tick_ms, w.deadlock_ticks);
    return buf;
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
    char totals[256];
    std::snprintf(totals, sizeof totals, "{\"dram_bytes_read\":%llu,\"dram_bytes_written\":%llu,\"noc_transactions\":%llu,"
                  "\"seconds\":%.6f,", static_cast<unsigned long long>(read), static_cast<unsigned long long>(written),
                  static_cast<unsigned long long>(transactions), now_seconds() - g_device.start_time);
    return std::string(totals) + "\"per_core\":[" + cores + "],\"kernels\":[" + kernels + "]}";
}

std::string threads_json() {
    std::string out;
    for (const auto& t : g_threads) {
        const ThreadState state = t->state.load();
        char call[200];
        format_thread_call(*t, call, sizeof call);
        char buf[700];
        std::snprintf(buf, sizeof buf,
                      "%s{\"kernel\":\"%s\",\"kind\":\"%s\",\"core\":[%u,%u],\"state\":\"%s\",\"call\":\"%s\","
                      "\"blocked_on\":\"%s\"}",
                      out.empty() ? "" : ",", json_escape(t->kernel.c_str()).c_str(), kind_name(t->kind), t->core->x,
                      t->core->y, state_name(state), json_escape(call).c_str(),
                      json_escape(state == ThreadState::Blocked ? call : "").c_str());
        out += buf;
    }
    return "[" + out + "]";
}

std::string cbs_json() {
    std::string out;
    for (const Core* core : g_device.cores) {
        char prefix[64];
        std::snprintf(prefix, sizeof prefix, "%s{\"core\":[%u,%u],\"cbs\":", out.empty() ? "" : ",", core->x, core->y);
        out += prefix + cb_state_json(*core) + "}";
    }
    return "[" + out + "]";
}

// Accepted-but-suspect CB use (cb.cpp cb_back_page / cb_push_back): harmless on hardware only because the
// pages were free, so the run reports it and the builder's kernel gate, which fails on warnings, refuses it.
std::string warnings_json() {
    std::string out;
    for (const Core* core : g_device.cores) {
        for (uint32_t i = 0; i < kNumCircularBuffers; ++i) {
            const CircularBuffer& c = core->cbs[i];
            if (c.unreserved_writes == 0 && c.unreserved_pushes == 0) {
                continue;
            }
            char buf[400];
            std::snprintf(buf, sizeof buf,
                          "%s\"CB %u on core (%u,%u): %llu page write(s) and %llu push(es) beyond the pages reserved "
                          "with cb_reserve_back, into free pages (accepted as hardware does; a race if the consumer "
                          "runs concurrently)\"",
                          out.empty() ? "" : ",", i, core->x, core->y,
                          static_cast<unsigned long long>(c.unreserved_writes),
                          static_cast<unsigned long long>(c.unreserved_pushes));
            out += buf;
        }
    }
    return "[" + out + "]";
}

}  // namespace

const char* kind_name(KernelKind k) {
    return k == KernelKind::Reader ? "reader" : k == KernelKind::Writer ? "writer" : "compute";
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

std::string ok_report() {
    return head("ok") + ",\"watchdog\":" + watchdog_json() + ",\"stats\":" + stats_json() +
           ",\"warnings\":" + warnings_json() + "}";
}

std::string fault_report(const char* category, const std::string& message) {
    std::string body = head("fault") + ",\"category\":\"" + json_escape(category) + "\",\"message\":\"" +
                       json_escape(message.c_str()) + "\"";
    if (t_self) {
        char call[200];
        format_thread_call(*t_self, call, sizeof call);
        char who[400];
        std::snprintf(who, sizeof who, ",\"kernel\":\"%s\",\"kind\":\"%s\",\"core\":[%u,%u],\"call\":\"%s\"",
                      json_escape(t_self->kernel.c_str()).c_str(), kind_name(t_self->kind), t_self->core->x,
                      t_self->core->y, json_escape(call).c_str());
        body += who;
    }
    return body + ",\"watchdog\":" + watchdog_json() + ",\"threads\":" + threads_json() + ",\"cbs\":" + cbs_json() +
           "}";
}

void write_report_raw(const char* data, size_t size) {
    const int fd = ::open(g_device.report_tmp_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) {
        return;
    }
    const ssize_t written = ::write(fd, data, size);
    ::close(fd);
    if (written == static_cast<ssize_t>(size)) {
        ::rename(g_device.report_tmp_path.c_str(), g_device.report_path.c_str());
    }
}

void write_report(const std::string& body) { write_report_raw(body.data(), body.size()); }

}  // namespace emu
