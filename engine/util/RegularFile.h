#pragma once

#include <cstddef>
#include <string>

namespace courierd
{

/// Files named by the operator (the config file, a plugin) are checked before they are opened:
/// POCO's INI reader loops forever on a directory, and opening a FIFO or reading /dev/zero
/// would block or never end. Pure checks of the file system; any thread.

/// What is wrong with `path` as a regular, readable file, or an empty string when nothing is:
/// "no such file", "is a directory, not a file", "is not a regular file (a FIFO, a socket or a
/// device)", "cannot be read (permission denied)".
std::string regularFileProblem(const std::string& path);

/// The whole of `path`, at most `maxBytes`. Throws ConfigException starting with the path when
/// regularFileProblem() finds one, when it is larger, or when reading fails.
std::string readRegularFile(const std::string& path, std::size_t maxBytes);

} // namespace courierd
