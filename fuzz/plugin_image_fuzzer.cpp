// The check every plugin file passes before the dynamic loader maps it (PluginImage): whatever
// the bytes, it answers without reading past them, and what it accepts has its program headers
// and every loadable segment inside the file (a dlopen() of less is a SIGBUS, not an error).
#include "sources/PluginImage.h"

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <link.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    // A copy of exactly `size` bytes, so that AddressSanitizer sees any read past them.
    const std::vector<unsigned char> bytes(data, data + size);
    if (!courierd::PluginImage::elfProblem(bytes.data(), bytes.size()).empty())
        return 0;
    ElfW(Ehdr) header;
    std::memcpy(&header, bytes.data(), sizeof header);
    if (header.e_phoff + std::uint64_t(header.e_phnum) * sizeof(ElfW(Phdr)) > size)
        std::abort();
    for (std::size_t i = 0; i < header.e_phnum; ++i)
    {
        ElfW(Phdr) segment;
        std::memcpy(&segment, bytes.data() + header.e_phoff + i * sizeof segment, sizeof segment);
        if (segment.p_type == PT_LOAD && segment.p_offset + segment.p_filesz > size)
            std::abort();
    }
    return 0;
}
