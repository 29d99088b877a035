#pragma once

#include <string>
#include <vector>

namespace courierd::test
{

/// A file with `text` in the temporary directory, named with `extension`, removed with the
/// object: a config file, a migration.
class TempFile
{
public:
    TempFile(const std::string& extension, const std::string& text);
    ~TempFile();

    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const { return _path; }

private:
    std::string _path;
};

/// The whole content of `path`.
std::string readFile(const std::string& path);

/// The lines, one per line, for assertion messages.
std::string joined(const std::vector<std::string>& lines);

/// True if `text` contains `part`.
bool contains(const std::string& text, const std::string& part);

/// True if one of `lines` contains every one of `parts`.
bool anyContains(const std::vector<std::string>& lines, const std::vector<std::string>& parts);

} // namespace courierd::test
