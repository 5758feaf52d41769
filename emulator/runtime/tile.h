// A 32x32 tile's datum layout (four 16x16 faces, row-major inside a face, faces in row-major order) and
// the per-datum undefined mask the compute model carries beside every tile of values.
#pragma once

#include <cstdint>

namespace emu {

constexpr uint32_t kDatums = 1024;

// Tile datum index of (row, col), and back.
constexpr uint32_t datum_index(uint32_t r, uint32_t c) {
    return ((r >> 4) * 2 + (c >> 4)) * 256 + (r & 15) * 16 + (c & 15);
}
constexpr uint32_t row_of(uint32_t i) { return ((i >> 9) << 4) + ((i & 255) >> 4); }
constexpr uint32_t col_of(uint32_t i) { return (((i >> 8) & 1) << 4) + (i & 15); }

// Which datums of a tile are undefined: read from L1 that nothing wrote, or computed from such a datum
// (valgrind memcheck's rule at datum grain, see emulator/README.md "Undefined datums"). One bit per
// datum, so "nothing undefined" is one check per tile and eltwise propagation is 16 ORs.
struct DatumMask {
    uint64_t w[kDatums / 64] = {};

    bool any() const {
        uint64_t a = 0;
        for (uint64_t x : w) {
            a |= x;
        }
        return a != 0;
    }
    bool test(uint32_t i) const { return (w[i >> 6] >> (i & 63)) & 1u; }
    void set(uint32_t i, bool undefined = true) {
        const uint64_t bit = uint64_t(1) << (i & 63);
        w[i >> 6] = undefined ? (w[i >> 6] | bit) : (w[i >> 6] & ~bit);
    }
    DatumMask& operator|=(const DatumMask& o) {
        for (uint32_t k = 0; k < kDatums / 64; ++k) {
            w[k] |= o.w[k];
        }
        return *this;
    }
    // Whether any datum of tile row r / column c is undefined.
    bool row_any(uint32_t r) const {
        for (uint32_t c = 0; c < 32; ++c) {
            if (test(datum_index(r, c))) {
                return true;
            }
        }
        return false;
    }
    bool col_any(uint32_t c) const {
        for (uint32_t r = 0; r < 32; ++r) {
            if (test(datum_index(r, c))) {
                return true;
            }
        }
        return false;
    }
    uint32_t first() const {
        for (uint32_t i = 0; i < kDatums; ++i) {
            if (test(i)) {
                return i;
            }
        }
        return kDatums;
    }
};

}  // namespace emu
