// Test-only driver: runs one whole-tile fast path of the runtime and the per-datum rule it is built from
// on the same datums, and writes both results, so tests/emulator/test_fast_paths.py can compare them bit
// for bit. Linked with the runtime's numerics.cpp and sfpu_math.cpp (never part of the runner).
//
// stdin: u32 op, u32 numerics code, u32 flag, u32 n, then n u32 datums of operand a and n of operand b
// (mad: then n of operand c).
// stdout: n u32 results of the per-datum rule, then n of the fast path (bcast_col: 32 each per tile).
// flag: store and pack, 1 for an fp32 DST; unpack, bit 0 to_dest and bit 1 a TF32 (else bf16) register;
// sqrt_body, bit 0 reciprocal and bit 1 fast (the precise algorithm, approx off).
// Unpack and pack take whole tiles (n a multiple of 1024); unpack_bf16 reads the low half of each datum.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "numerics.h"
#include "sfpu_math.h"
#include "tile.h"

namespace {

enum Op : uint32_t { Add, Mul, Store, BcastCol, UnpackBf16, UnpackFp32, PackBf16, PackFp32, SqrtBody, Mad };

float as_float(uint32_t u) { return __builtin_bit_cast(float, u); }
uint32_t as_bits(float f) { return __builtin_bit_cast(uint32_t, f); }

bool read_u32s(uint32_t* out, size_t n) { return std::fread(out, 4, n, stdin) == n; }

}  // namespace

int main() {
    uint32_t header[4];
    if (!read_u32s(header, 4)) {
        return 2;
    }
    const uint32_t op = header[0], flag = header[2], n = header[3];
    emu::set_numerics(header[1]);
    std::vector<uint32_t> a(n), b(n);
    if (!read_u32s(a.data(), n) || !read_u32s(b.data(), n)) {
        return 2;
    }
    std::vector<float> fa(n), fb(n);
    for (uint32_t i = 0; i < n; ++i) {
        fa[i] = as_float(a[i]);
        fb[i] = as_float(b[i]);
    }
    std::vector<uint32_t> reference, fast;
    if (op == Mad) {
        std::vector<uint32_t> c(n);
        if (!read_u32s(c.data(), n)) {
            return 2;
        }
        std::vector<float> fc(n), out(n);
        for (uint32_t i = 0; i < n; ++i) {
            fc[i] = as_float(c[i]);
            reference.push_back(as_bits(emu::sfpu_mad(fa[i], fb[i], fc[i])));
        }
        emu::sfpu_mad_n(fa.data(), fb.data(), fc.data(), out.data(), n);
        for (float f : out) {
            fast.push_back(as_bits(f));
        }
    } else if (op == Add || op == Mul || op == Store) {
        std::vector<float> out(n);
        for (uint32_t i = 0; i < n; ++i) {
            const float r = op == Add ? emu::sfpu_add(fa[i], fb[i]) : op == Mul ? emu::sfpu_mul(fa[i], fb[i])
                                                                    : emu::sfpu_store(fa[i], flag != 0);
            reference.push_back(as_bits(r));
        }
        if (op == Add) {
            emu::sfpu_add_n(fa.data(), fb.data(), out.data(), n);
        } else if (op == Mul) {
            emu::sfpu_mul_n(fa.data(), fb.data(), out.data(), n);
        } else {
            out = fa;
            emu::sfpu_store_n(out.data(), n, flag != 0);
        }
        for (float f : out) {
            fast.push_back(as_bits(f));
        }
    } else if (op == SqrtBody) {
        const bool reciprocal = flag & 1, skip_guards = flag & 2;
        std::vector<float> out(n);
        for (uint32_t i = 0; i < n; ++i) {
            reference.push_back(as_bits(emu::sfpu_sqrt_body(fa[i], false, reciprocal, skip_guards)));
        }
        emu::sfpu_sqrt_body_n(fa.data(), out.data(), n, reciprocal, skip_guards);
        for (float f : out) {
            fast.push_back(as_bits(f));
        }
    } else if (op == BcastCol) {
        for (uint32_t t = 0; t + emu::kDatums <= n; t += emu::kDatums) {
            float column[32];
            emu::sfpu_bcast_col_column(&fa[t], column);
            for (uint32_t r = 0; r < 32; ++r) {
                float row[8];
                for (uint32_t c = 0; c < 8; ++c) {
                    row[c] = fa[t + emu::datum_index(r, c)];
                }
                reference.push_back(as_bits(emu::sfpu_bcast_col_value(row)));
                fast.push_back(as_bits(column[r]));
            }
        }
    } else if (op == UnpackBf16 || op == UnpackFp32) {
        const bool to_dest = flag & 1;
        const emu::SrcFormat reg = (flag & 2) ? emu::SrcFormat::Tf32 : emu::SrcFormat::Bf16;
        for (uint32_t t = 0; t + emu::kDatums <= n; t += emu::kDatums) {
            std::vector<uint8_t> page(emu::kDatums * 4);
            float out[emu::kDatums];
            for (uint32_t i = 0; i < emu::kDatums; ++i) {
                const uint32_t u = a[t + i];
                const uint16_t h = static_cast<uint16_t>(u);
                op == UnpackFp32 ? std::memcpy(&page[4 * i], &u, 4) : std::memcpy(&page[2 * i], &h, 2);
                reference.push_back(op == UnpackFp32 ? emu::unpack_fp32_datum(u, to_dest, reg) : uint32_t(h) << 16);
            }
            emu::unpack_tile_datums(page.data(), op == UnpackFp32, to_dest, reg, out);
            for (float f : out) {
                fast.push_back(as_bits(f));
            }
        }
    } else if (op == PackBf16 || op == PackFp32) {
        const bool out_fp32 = op == PackFp32;
        for (uint32_t t = 0; t + emu::kDatums <= n; t += emu::kDatums) {
            std::vector<uint8_t> page(emu::kDatums * 4);
            emu::pack_tile_datums(&fa[t], flag != 0, out_fp32, page.data());
            for (uint32_t i = 0; i < emu::kDatums; ++i) {
                reference.push_back(emu::pack_datum(fa[t + i], flag != 0, out_fp32));
                uint32_t u = 0;
                std::memcpy(&u, &page[(out_fp32 ? 4 : 2) * i], out_fp32 ? 4 : 2);
                fast.push_back(u);
            }
        }
    } else {
        return 3;
    }
    std::fwrite(reference.data(), 4, reference.size(), stdout);
    std::fwrite(fast.data(), 4, fast.size(), stdout);
    return 0;
}
