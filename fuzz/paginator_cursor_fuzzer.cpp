// Paginator::restore() against any cursor (an operator may set one, a store may hand back an
// old one): never a crash, nothing but Poco::SyntaxException thrown, and what it accepts
// round-trips: the cursor it writes back restores to the same inner cursor and run (for an
// inner cursor the store can hold: UTF-8 text without NUL).
#include "courierd/Paginator.h"
#include "courierd/Utf8.h"

#include <Poco/Exception.h>

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string cursor(reinterpret_cast<const char*>(data), size);
    courierd::Paginator::Options options;
    options.style = static_cast<courierd::PageStyle>(size % 4);
    courierd::Paginator pages(options);
    std::string inner;
    try
    {
        inner = pages.restore(cursor);
    }
    catch (const Poco::SyntaxException&)
    {
        return 0;
    }
    if (courierd::firstUnstorableByte(inner))
        return 0;
    const std::string query = pages.query();
    const bool running = pages.running();
    courierd::Paginator again(options);
    if (again.restore(pages.cursor(inner)) != inner || again.running() != running ||
        again.query() != query || again.link() != pages.link() || again.from() != pages.from())
        std::abort();
    return 0;
}
