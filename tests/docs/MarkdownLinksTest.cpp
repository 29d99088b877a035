#include "TestFiles.h"

#include <cppunit/extensions/HelperMacros.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace
{

const fs::path ROOT = COURIERD_SOURCE_DIR;

// The project's Markdown files: every *.md outside builds, node_modules and .git.
std::vector<fs::path> markdownFiles()
{
    std::vector<fs::path> out;
    for (auto it = fs::recursive_directory_iterator(ROOT); it != fs::recursive_directory_iterator();
         ++it)
    {
        const std::string name = it->path().filename().string();
        if (it->is_directory() &&
            (name == ".git" || name == "node_modules" || name.rfind("build", 0) == 0))
        {
            it.disable_recursion_pending();
            continue;
        }
        if (it->is_regular_file() && it->path().extension() == ".md")
            out.push_back(it->path());
    }
    std::sort(out.begin(), out.end());
    return out;
}

// The lines of `text` outside fenced code blocks.
std::vector<std::string> proseLines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    bool code = false;
    for (std::string line; std::getline(in, line);)
    {
        if (line.rfind("```", 0) == 0)
        {
            code = !code;
            continue;
        }
        if (!code)
            out.push_back(line);
    }
    return out;
}

// GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens.
std::string slug(const std::string& heading)
{
    std::string out;
    for (const unsigned char c : heading)
    {
        if (std::isalnum(c) || c == '-' || c == '_' || c >= 0x80)
            out += static_cast<char>(std::tolower(c));
        else if (c == ' ')
            out += '-';
    }
    return out;
}

// The text of a heading line (`## Text`), or nothing. (No std::regex: GCC 12 warns about its
// internals under the sanitizers.)
std::optional<std::string> headingOf(const std::string& line)
{
    std::size_t level = 0;
    while (level < line.size() && line[level] == '#')
        ++level;
    if (level == 0 || level > 6 || level >= line.size() || line[level] != ' ')
        return std::nullopt;
    const auto first = line.find_first_not_of(' ', level);
    const auto last = line.find_last_not_of(' ');
    if (first == std::string::npos)
        return std::string();
    return line.substr(first, last - first + 1);
}

// The targets of the links `[text](target)` in `line`.
std::vector<std::string> linksOf(const std::string& line)
{
    std::vector<std::string> out;
    for (auto at = line.find("]("); at != std::string::npos; at = line.find("](", at + 2))
    {
        const auto end = line.find(')', at + 2);
        if (end == std::string::npos)
            break;
        const std::string target = line.substr(at + 2, end - at - 2);
        if (!target.empty() && target.find_first_of(" \t") == std::string::npos)
            out.push_back(target);
    }
    return out;
}

std::set<std::string> anchorsOf(const fs::path& file)
{
    std::set<std::string> out;
    for (const auto& line : proseLines(courierd::test::readFile(file.string())))
    {
        const auto heading = headingOf(line);
        if (!heading)
            continue;
        std::string anchor = slug(*heading);
        // A heading seen again gets -1, -2, … as on GitHub.
        for (int n = 1; out.count(anchor); ++n)
            anchor = slug(*heading) + "-" + std::to_string(n);
        out.insert(anchor);
    }
    return out;
}

} // namespace

// Every link between the project's Markdown files resolves: the file exists, and so does the
// heading an anchor names.
class MarkdownLinksTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(MarkdownLinksTest);
    CPPUNIT_TEST(everyLinkBetweenTheProjectsPagesResolves);
    CPPUNIT_TEST(aBrokenLinkIsFound);
    CPPUNIT_TEST_SUITE_END();

public:
    void everyLinkBetweenTheProjectsPagesResolves()
    {
        const auto files = markdownFiles();
        CPPUNIT_ASSERT(files.size() >= 10);
        std::string broken;
        int links = 0;
        for (const auto& file : files)
            for (const auto& problem : problemsOf(file, links))
                broken += "\n  " + fs::relative(file, ROOT).string() + ": " + problem;
        CPPUNIT_ASSERT_MESSAGE("broken links:" + broken, broken.empty());
        CPPUNIT_ASSERT(links > 50);
    }

    void aBrokenLinkIsFound()
    {
        const fs::path dir = fs::temp_directory_path() / "courierd-links-test";
        fs::create_directories(dir);
        {
            std::ofstream page(dir / "page.md");
            page << "# Page\n\n## A section\n\n[ok](#a-section) [ok](other.md#two) "
                    "[gone](#no-such) [missing](nothere.md) [web](https://example.org)\n"
                    "```\n[in code](ignored.md)\n```\n";
            std::ofstream other(dir / "other.md");
            other << "# One\n\n## Two\n";
        }
        int links = 0;
        const auto problems = problemsOf(dir / "page.md", links);
        fs::remove_all(dir);
        CPPUNIT_ASSERT_EQUAL(4, links);
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), problems.size());
        CPPUNIT_ASSERT(problems[0].find("#no-such") != std::string::npos);
        CPPUNIT_ASSERT(problems[1].find("nothere.md") != std::string::npos);
    }

private:
    // What is wrong with the links of `file` (web links are not followed); counts the links
    // checked into `links`.
    static std::vector<std::string> problemsOf(const fs::path& file, int& links)
    {
        std::vector<std::string> problems;
        for (const auto& line : proseLines(courierd::test::readFile(file.string())))
            for (const std::string& target : linksOf(line))
            {
                if (target.find("://") != std::string::npos || target.rfind("mailto:", 0) == 0)
                    continue;
                ++links;
                const auto hash = target.find('#');
                const std::string path = target.substr(0, hash);
                const fs::path resolved = path.empty() ? file : file.parent_path() / path;
                if (!fs::exists(resolved))
                {
                    problems.push_back(target + ": no such file");
                    continue;
                }
                if (hash == std::string::npos || resolved.extension() != ".md")
                    continue;
                if (!anchorsOf(resolved).count(target.substr(hash + 1)))
                    problems.push_back(target + ": no such heading");
            }
        return problems;
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(MarkdownLinksTest);
