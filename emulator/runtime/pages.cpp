// zero_touched_pages (pages.h): mincore names the resident pages of a range; only those can hold
// anything but zero in an anonymous private mapping, so only those are cleared.
#include "pages.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <vector>

namespace emu {

void zero_touched_pages(void* p, size_t size) {
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t pages = (size + page - 1) / page;
    auto* base = static_cast<uint8_t*>(p);
    std::vector<unsigned char> resident(pages);
    if (pages == 0) {
        return;
    }
    if (mincore(p, size, resident.data()) != 0) {
        std::memset(p, 0, size);  // no residency answer: clear it all (same result, more work)
        return;
    }
    for (size_t i = 0; i < pages;) {
        if (!(resident[i] & 1u)) {
            ++i;
            continue;
        }
        size_t j = i;
        while (j < pages && (resident[j] & 1u)) {
            ++j;
        }
        const size_t end = std::min(j * page, size);
        std::memset(base + i * page, 0, end - i * page);
        i = j;
    }
}

}  // namespace emu
