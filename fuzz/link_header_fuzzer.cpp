// HttpResponse::nextLink() against any Link header (a source's answer, or a proxy's): never a
// crash, and what it returns is the text between a '<' and the next '>' of the header.
#include "courierd/HttpClient.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string value(reinterpret_cast<const char*>(data), size);
    courierd::HttpResponse response;
    // Split at NUL into several headers, as a source may send several Link lines.
    std::size_t from = 0;
    for (;;)
    {
        const std::size_t at = value.find('\0', from);
        response.headers.emplace_back(response.headers.size() % 2 ? "link" : "Link",
                                      value.substr(from, at - from));
        if (at == std::string::npos)
            break;
        from = at + 1;
    }
    const std::string next = response.nextLink();
    if (next.empty())
        return 0;
    if (next.find('>') != std::string::npos || value.find("<" + next + ">") == std::string::npos)
        std::abort();
    return 0;
}
