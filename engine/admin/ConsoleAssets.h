#pragma once

#include <span>
#include <string_view>

namespace courierd::console
{

/// One file of the operator console, compiled into the binary (cmake/EmbedConsole.cmake).
struct Asset
{
    const char* path;      ///< `/`, or `/ui/app.<hash>.js` and `.css`
    const char* type;      ///< Its Content-Type.
    bool immutable;        ///< Named by its hash: cacheable for good.
    std::string_view text; ///< As written.
    std::string_view gzip; ///< The same, gzipped.
};

/// Every file of the console.
std::span<const Asset> assets();

} // namespace courierd::console
