#include "courierd/JsonArray.h"

#include <Poco/Exception.h>
#include <cppunit/extensions/HelperMacros.h>

using courierd::JsonRecordsReader;

namespace
{

// What a reader of `path` makes of `body` fed in pieces of `size` bytes: each element on a
// line, then each kept scalar as `path=text`, or the error.
std::string read(const std::string& path, std::string_view body, std::size_t size)
{
    std::string out;
    JsonRecordsReader reader(
        path,
        [&](std::string_view text, bool truncated)
        { out += std::string(text) + (truncated ? "…" : "") + "\n"; },
        16);
    try
    {
        for (std::size_t at = 0; at < body.size(); at += size)
            reader.feed(body.substr(at, size));
        reader.finish();
    }
    catch (const Poco::SyntaxException& e)
    {
        return out + "error: " + e.message();
    }
    for (const auto& [key, text] : reader.scalars())
        out += key + "=" + text + "\n";
    return out;
}

std::string whole(const std::string& path, std::string_view body)
{
    return read(path, body, std::max<std::size_t>(body.size(), 1));
}

const std::string ENVELOPE =
    R"( {"meta": {"page": 2, "cursor": "c\"2", "links": ["x", {"next": "no"}]},)"
    R"( "data": {"total": 3, "orders": [{"id": 1}, "two", 3, [4]], "empty": {}},)"
    R"( "next_page": 3, "done": false, "prev": null} )";

} // namespace

class JsonRecordsTest : public CppUnit::TestFixture
{
    CPPUNIT_TEST_SUITE(JsonRecordsTest);
    CPPUNIT_TEST(streamsTheArrayAtThePathAndKeepsTheScalarsBeside);
    CPPUNIT_TEST(piecesOfAnySizeGiveTheSameAnswer);
    CPPUNIT_TEST(anEmptyPathIsAPlainArray);
    CPPUNIT_TEST(nullAtThePathIsAnEmptyList);
    CPPUNIT_TEST(whatIsNotThereIsNamed);
    CPPUNIT_TEST(brokenDocumentsAreRefusedWithAnOffset);
    CPPUNIT_TEST(memoryStaysBoundedWhateverTheDocument);
    CPPUNIT_TEST_SUITE_END();

public:
    void streamsTheArrayAtThePathAndKeepsTheScalarsBeside()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("{\"id\": 1}\n\"two\"\n3\n[4]\n"
                                         "data.total=3\ndone=false\nmeta.cursor=\"c\\\"2\"\n"
                                         "meta.page=2\nnext_page=3\nprev=null\n"),
                             whole("data.orders", ENVELOPE));
        JsonRecordsReader reader("data.orders", [](std::string_view, bool) {});
        reader.feed(ENVELOPE);
        reader.finish();
        CPPUNIT_ASSERT_EQUAL(std::size_t(4), reader.elements());
        CPPUNIT_ASSERT_EQUAL(std::string("3"), reader.scalar("next_page").value_or("?"));
        CPPUNIT_ASSERT_EQUAL(std::string("c\"2"), reader.scalar("meta.cursor").value_or("?"));
        CPPUNIT_ASSERT_EQUAL(std::string("false"), reader.scalar("done").value_or("?"));
        CPPUNIT_ASSERT(!reader.scalar("prev"));            // null
        CPPUNIT_ASSERT(!reader.scalar("meta.links.next")); // inside an array: not kept
        CPPUNIT_ASSERT(!reader.scalar("missing"));
    }

    void piecesOfAnySizeGiveTheSameAnswer()
    {
        const std::vector<std::pair<std::string, std::string>> cases = {
            {"data.orders", ENVELOPE},
            {"orders", R"({"orders":[{"a":"]},{"}],"next":"t,o\\ken"})"},
            {"orders", R"({"orders":[1,2,}])"},
            {"orders", R"({"orders":[1,2],"orders":[3]})"},
            {"orders", R"({"x":1 "orders":[]})"},
            {"orders", R"({"orders":[1,2)"},
            {"a.b", R"({"a":{"b":[{"long element beyond sixteen bytes":1}]}})"},
        };
        for (const auto& [path, body] : cases)
        {
            const std::string expected = whole(path, body);
            for (std::size_t size = 1; size <= 7; ++size)
                CPPUNIT_ASSERT_EQUAL_MESSAGE(body + " in pieces of " + std::to_string(size),
                                             expected, read(path, body, size));
        }
    }

    void anEmptyPathIsAPlainArray()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("1\n{}\n"), whole("", "[1,{}]"));
        CPPUNIT_ASSERT(whole("", R"({"a":[]})").find("error: expected a JSON array") == 0);
    }

    void nullAtThePathIsAnEmptyList()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("next=null\n"),
                             whole("data.orders", R"({"data":{"orders":null},"next":null})"));
        CPPUNIT_ASSERT_EQUAL(std::string("n=1\n"), whole("orders", R"({"orders":[],"n":1})"));
    }

    void whatIsNotThereIsNamed()
    {
        CPPUNIT_ASSERT_EQUAL(std::string("error: no array at 'data.orders' at byte 22"),
                             whole("data.orders", R"({"data":{"order":[1]}})"));
        // Inside an array is not on a path of keys.
        CPPUNIT_ASSERT(whole("data.orders", R"({"data":[{"orders":[1]}]})")
                           .find("error: no array at 'data.orders'") == 0);
        CPPUNIT_ASSERT_EQUAL(std::string("error: 'orders' holds a string, not an array of "
                                         "records at byte 16"),
                             whole("orders", R"({"orders":"none"})"));
        CPPUNIT_ASSERT(whole("orders", R"({"orders":{"a":1}})").find("error: no array") == 0);
        CPPUNIT_ASSERT(whole("orders", R"({"orders":[1],"orders":[2]})")
                           .find("error: 'orders' appears twice") != std::string::npos);
        CPPUNIT_ASSERT(whole("orders", "42").find("error: no array at 'orders'") == 0);
    }

    void brokenDocumentsAreRefusedWithAnOffset()
    {
        for (const auto& [body, error] : std::vector<std::pair<std::string, std::string>>{
                 {"", "empty body"},
                 {"<html>", "unexpected '<' at byte 0"},
                 {R"({"orders":[1,2)", "unterminated array"},
                 {R"({"orders":[1],)", "unterminated object"},
                 {R"({"orders":[1])", "unterminated object"},
                 {R"({"orders":[1]} x)", "text after the document at byte 15"},
                 {R"({"orders" [1]})", "expected ':', found '['"},
                 {R"({"orders":[1],,})", "expected a key, found ','"},
                 {R"({"a":1 "orders":[]})", "expected ',' or '}', found '\"'"},
                 {R"({"a":[1,]})", "unexpected ']'"},
                 {R"({"orders":[1,]})", "trailing ','"},
                 {R"({"a":"unterminated)", "unterminated string"},
                 {R"({"a":1x"})", "unexpected '\"'"}})
        {
            const std::string got = whole("orders", body);
            CPPUNIT_ASSERT_MESSAGE(body + " → " + got, got.find("error: ") != std::string::npos);
            CPPUNIT_ASSERT_MESSAGE(body + " → " + got, got.find(error) != std::string::npos);
        }
    }

    void memoryStaysBoundedWhateverTheDocument()
    {
        // Deep nesting fails at 64; a long scalar, a long key and the 257th scalar are not kept.
        CPPUNIT_ASSERT(whole("orders", std::string(100000, '[')).find("nested deeper than 64") !=
                       std::string::npos);
        std::string body =
            "{\"big\":\"" + std::string(100000, 'x') + "\",\"" + std::string(300, 'k') + "\":1";
        for (int i = 0; i < 300; ++i)
            body += ",\"s" + std::to_string(i) + "\":" + std::to_string(i);
        body += ",\"orders\":[\"" + std::string(100000, 'y') + "\"]}";
        JsonRecordsReader reader(
            "orders",
            [](std::string_view text, bool truncated)
            { CPPUNIT_ASSERT(truncated && text.size() == 1024); },
            1024);
        for (std::size_t at = 0; at < body.size(); at += 4096)
            reader.feed(std::string_view(body).substr(at, 4096));
        reader.finish();
        CPPUNIT_ASSERT_EQUAL(std::size_t(256), reader.scalars().size());
        CPPUNIT_ASSERT(!reader.scalar("big"));
        CPPUNIT_ASSERT_EQUAL(std::string("0"), reader.scalar("s0").value_or("?"));
        CPPUNIT_ASSERT(!reader.scalar("s299"));
        CPPUNIT_ASSERT_EQUAL(std::size_t(1), reader.elements());
    }
};

CPPUNIT_TEST_SUITE_REGISTRATION(JsonRecordsTest);
