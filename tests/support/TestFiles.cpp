#include "TestFiles.h"

#include <Poco/File.h>
#include <Poco/FileStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/TemporaryFile.h>

namespace courierd::test
{

TempFile::TempFile(const std::string& extension, const std::string& text)
    : _path(Poco::TemporaryFile::tempName() + extension)
{
    Poco::FileOutputStream out(_path);
    out << text;
}

TempFile::~TempFile()
{
    Poco::File(_path).remove();
}

std::string readFile(const std::string& path)
{
    Poco::FileInputStream in(path);
    std::string text;
    Poco::StreamCopier::copyToString(in, text);
    return text;
}

std::string joined(const std::vector<std::string>& lines)
{
    std::string out;
    for (const auto& line : lines)
        out += line + "\n";
    return out;
}

bool contains(const std::string& text, const std::string& part)
{
    return text.find(part) != std::string::npos;
}

bool anyContains(const std::vector<std::string>& lines, const std::vector<std::string>& parts)
{
    for (const auto& line : lines)
    {
        bool all = true;
        for (const auto& part : parts)
            all = all && line.find(part) != std::string::npos;
        if (all)
            return true;
    }
    return false;
}

} // namespace courierd::test
