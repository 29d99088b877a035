#include "courierd/Paginator.h"

#include "courierd/Rfc3339.h"
#include "courierd/TimestampWatermark.h"

#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

#include <set>

using courierd::PageStyle;
using courierd::Paginator;

namespace
{

Paginator::Options style(PageStyle pageStyle, std::vector<std::string>* warnings = nullptr)
{
    Paginator::Options options;
    options.style = pageStyle;
    options.pageSize = 100;
    if (warnings)
        options.warn = [warnings](const std::string& why) { warnings->push_back(why); };
    return options;
}

// A source paged by number whose `from` filter is inclusive: `count` orders created in the
// same second, sorted by id; answers `page` of `perPage`.
std::vector<std::string> pageOf(int count, long long page, std::size_t perPage)
{
    std::vector<std::string> ids;
    for (long long i = (page - 1) * static_cast<long long>(perPage);
         i < count && i < page * static_cast<long long>(perPage); ++i)
        ids.push_back("order-" + std::to_string(1000 + i));
    return ids;
}

long long number(const std::string& query, const std::string& name)
{
    const auto at = query.find(name + "=");
    return at == std::string::npos ? -1 : std::stoll(query.substr(at + name.size() + 1));
}

} // namespace

class PaginatorTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(PaginatorTest);
    CPPUNIT_TEST(aRunReadsOnePagePerFetchAndEndsAtAnEmptyPage);
    CPPUNIT_TEST(theRunStateTravelsInTheCursor);
    CPPUNIT_TEST(offsetsGrowByTheRecordsOfEachPage);
    CPPUNIT_TEST(tokensAndLinksGoOnUntilTheSourceGivesNone);
    CPPUNIT_TEST(aRepeatedTokenOrPageEndsTheRunWithAWarning);
    CPPUNIT_TEST(anEndlessRunEndsAtMaxPages);
    CPPUNIT_TEST(cursorsOfOthersAreInnerAndBrokenOnesAreRefused);
    CPPUNIT_TEST(thePageNumberTrapIsAvoided);
    CPPUNIT_TEST_SUITE_END();

public:
    void aRunReadsOnePagePerFetchAndEndsAtAnEmptyPage()
    {
        Paginator pages(style(PageStyle::PageNumber));
        CPPUNIT_ASSERT_EQUAL(std::string(), pages.restore(""));
        CPPUNIT_ASSERT(!pages.running());
        pages.begin("2026-12-04T10:00:00Z");
        CPPUNIT_ASSERT(pages.running());
        CPPUNIT_ASSERT_EQUAL(std::string("page=1&per_page=100"), pages.query());
        CPPUNIT_ASSERT(pages.advance(100));
        pages.begin("ignored: a run is under way");
        CPPUNIT_ASSERT_EQUAL(std::string("2026-12-04T10:00:00Z"), pages.from());
        CPPUNIT_ASSERT_EQUAL(std::string("page=2&per_page=100"), pages.query());
        CPPUNIT_ASSERT(pages.advance(3)); // short, not empty: asked again
        CPPUNIT_ASSERT(!pages.advance(0));
        CPPUNIT_ASSERT(!pages.running());
        // An answer that says there is no next page ends the run at once.
        pages.begin("x");
        CPPUNIT_ASSERT(!pages.advance(50, ""));
        pages.begin("x");
        CPPUNIT_ASSERT(pages.advance(50, "2"));
    }

    void theRunStateTravelsInTheCursor()
    {
        Paginator first(style(PageStyle::PageNumber));
        first.restore("");
        first.begin("from \"quoted\"");
        for (int i = 0; i < 4; ++i)
        {
            first.saw("id-" + std::to_string(i));
            CPPUNIT_ASSERT(first.advance(100));
        }
        const std::string cursor = first.cursor(R"({"w":"2026-12-04T10:00:00Z"})");
        Paginator second(style(PageStyle::PageNumber));
        CPPUNIT_ASSERT_EQUAL(std::string(R"({"w":"2026-12-04T10:00:00Z"})"),
                             second.restore(cursor));
        CPPUNIT_ASSERT(second.running());
        CPPUNIT_ASSERT_EQUAL(std::string("from \"quoted\""), second.from());
        CPPUNIT_ASSERT_EQUAL(std::string("page=5&per_page=100"), second.query());
        // After the run: the inner cursor alone.
        CPPUNIT_ASSERT(!second.advance(0));
        Paginator third(style(PageStyle::PageNumber));
        CPPUNIT_ASSERT_EQUAL(std::string("inner"), third.restore(second.cursor("inner")));
        CPPUNIT_ASSERT(!third.running());
    }

    void offsetsGrowByTheRecordsOfEachPage()
    {
        Paginator pages(style(PageStyle::LimitOffset));
        pages.begin("0");
        CPPUNIT_ASSERT_EQUAL(std::string("limit=100&offset=0"), pages.query());
        CPPUNIT_ASSERT(pages.advance(100));
        CPPUNIT_ASSERT(pages.advance(60)); // the source capped the page
        CPPUNIT_ASSERT_EQUAL(std::string("limit=100&offset=160"), pages.query());
    }

    void tokensAndLinksGoOnUntilTheSourceGivesNone()
    {
        Paginator tokens(style(PageStyle::CursorToken));
        tokens.begin("");
        CPPUNIT_ASSERT_EQUAL(std::string("limit=100"), tokens.query());
        CPPUNIT_ASSERT(tokens.advance(100, "a b+c"));
        CPPUNIT_ASSERT_EQUAL(std::string("cursor=a%20b%2Bc&limit=100"), tokens.query());
        CPPUNIT_ASSERT(!tokens.advance(100)); // no token: the last page
        CPPUNIT_ASSERT(!tokens.running());

        Paginator links(style(PageStyle::NextLink));
        links.begin("");
        CPPUNIT_ASSERT_EQUAL(std::string(), links.link());
        CPPUNIT_ASSERT(links.advance(100, "http://h/orders?page=2"));
        CPPUNIT_ASSERT_EQUAL(std::string("http://h/orders?page=2"), links.link());
        Paginator restored(style(PageStyle::NextLink));
        restored.restore(links.cursor(""));
        CPPUNIT_ASSERT_EQUAL(std::string("http://h/orders?page=2"), restored.link());
        CPPUNIT_ASSERT(!restored.advance(3, ""));
    }

    void aRepeatedTokenOrPageEndsTheRunWithAWarning()
    {
        std::vector<std::string> warnings;
        Paginator tokens(style(PageStyle::CursorToken, &warnings));
        tokens.begin("");
        CPPUNIT_ASSERT(tokens.advance(10, "t1"));
        CPPUNIT_ASSERT(!tokens.advance(10, "t1"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), warnings.size());
        CPPUNIT_ASSERT_MESSAGE(warnings[0],
                               warnings[0].find("the same next token 't1' twice in a row") !=
                                   std::string::npos);
        CPPUNIT_ASSERT(!tokens.running());

        // A source that ignores `page`: the same records on page 2 as on page 1.
        Paginator pages(style(PageStyle::PageNumber, &warnings));
        pages.begin("x");
        for (const auto& id : pageOf(100, 1, 100))
            pages.saw(id);
        CPPUNIT_ASSERT(pages.advance(100));
        for (const auto& id : pageOf(100, 1, 100))
            pages.saw(id);
        CPPUNIT_ASSERT(!pages.advance(100));
        CPPUNIT_ASSERT_EQUAL(std::size_t(2), warnings.size());
        CPPUNIT_ASSERT_MESSAGE(warnings[1],
                               warnings[1].find("the same records") != std::string::npos);

        // A token a cursor cannot hold, or far too long, ends the run too.
        tokens.begin("");
        CPPUNIT_ASSERT(!tokens.advance(10, std::string("\xff\xfe", 2)));
        tokens.begin("");
        CPPUNIT_ASSERT(!tokens.advance(10, std::string(9000, 't')));
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), warnings.size());
    }

    void anEndlessRunEndsAtMaxPages()
    {
        std::vector<std::string> warnings;
        auto options = style(PageStyle::PageNumber, &warnings);
        options.maxPages = 5;
        Paginator pages(options);
        pages.begin("x");
        int read = 0;
        while (pages.advance(100))
            ++read;
        CPPUNIT_ASSERT_EQUAL(4, read);
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), warnings.size());
        CPPUNIT_ASSERT_MESSAGE(warnings[0], warnings[0].find("5 pages") != std::string::npos);
    }

    void cursorsOfOthersAreInnerAndBrokenOnesAreRefused()
    {
        Paginator pages(style(PageStyle::PageNumber));
        for (const std::string& other :
             {std::string("42"), std::string(R"({"watermark":"2026-12-04T10:00:00Z"})"),
              std::string("{not json")})
        {
            CPPUNIT_ASSERT_EQUAL(other, pages.restore(other));
            CPPUNIT_ASSERT(!pages.running());
        }
        for (const std::string& broken :
             {std::string(R"({"paged":1})"), std::string(R"({"paged":1,"inner":"","run":7})"),
              std::string(R"({"paged":1,"inner":"","run":{"page":2}})"),
              std::string(R"({"paged":1,"inner":"","run":{"from":"x","page":-1}})"),
              std::string(R"({"paged":1,"inner":"","run":{"from":"x","last":"z"}})")})
        {
            CPPUNIT_ASSERT_THROW_MESSAGE(broken, pages.restore(broken), Poco::SyntaxException);
            CPPUNIT_ASSERT(!pages.running());
        }
    }

    void thePageNumberTrapIsAvoided()
    {
        // 250 orders in one second, pages of 100, a look-back of a minute: the window holds
        // more than a page.
        const Poco::Timestamp second = *courierd::parseRfc3339("2026-12-04T10:00:00Z");
        const auto poll = [&](bool paged, int fetches)
        {
            courierd::TimestampWatermark watermark(Poco::Timespan(60, 0), Poco::Timestamp(0));
            Paginator pages(style(PageStyle::PageNumber));
            std::set<std::string> stored;
            std::string cursor;
            for (int fetch = 0; fetch < fetches; ++fetch)
            {
                watermark.restore(paged ? pages.restore(cursor) : cursor);
                pages.begin(courierd::formatRfc3339(watermark.from()));
                const long long page = paged ? number(pages.query(), "page") : 1;
                const auto ids = pageOf(250, page, 100);
                for (const auto& id : ids)
                {
                    pages.saw(id);
                    if (watermark.admit(id, second))
                        stored.insert(id);
                }
                pages.advance(ids.size());
                cursor = paged ? pages.cursor(watermark.cursor()) : watermark.cursor();
                CPPUNIT_ASSERT(watermark.remembered() <= 250);
            }
            return stored.size();
        };
        // The cursor holding the watermark alone reads page 1 forever; the run reads them all.
        CPPUNIT_ASSERT_EQUAL(std::size_t(100), poll(false, 10));
        CPPUNIT_ASSERT_EQUAL(std::size_t(250), poll(true, 4));
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(PaginatorTest);
