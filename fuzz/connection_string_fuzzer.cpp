// ConnectionString::parse (store.url) against any text: a ConfigException or a driver string,
// never another exception or a crash; the driver string it makes parses again to itself.
#include "config/ConnectionString.h"
#include "courierd/Exceptions.h"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using courierd::ConnectionString;
    const std::string url(reinterpret_cast<const char*>(data), size);
    std::string driver;
    try
    {
        driver = ConnectionString::parse(url, std::chrono::seconds(10)).forDriver();
    }
    catch (const courierd::ConfigException&)
    {
        return 0;
    }
    try
    {
        if (ConnectionString::parse(driver, std::chrono::seconds(10)).forDriver() != driver)
            std::abort();
    }
    catch (const courierd::ConfigException&)
    {
        std::abort();
    }
    return 0;
}
