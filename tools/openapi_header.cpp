// openapi_header IN.yaml OUT.h: writes a header holding the OpenAPI document both as it is
// written (YAML) and as JSON, for GET /api/v1/openapi.yaml and /api/v1/openapi.json. Run at
// build time; courierd itself links no YAML parser. yaml-cpp (Debian's libyaml-cpp-dev) reads
// the YAML, POCO writes the JSON.
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/NumberParser.h>

#include <fstream>
#include <iostream>
#include <sstream>
#include <yaml-cpp/yaml.h>

namespace
{

// A plain scalar is typed as YAML 1.2's core schema types it; a quoted one is a string.
Poco::Dynamic::Var scalar(const YAML::Node& node)
{
    const std::string& text = node.Scalar();
    if (node.Tag() == "!")
        return text;
    if (text == "true" || text == "false")
        return text == "true";
    if (text == "null" || text == "~" || text.empty())
        return Poco::Dynamic::Var();
    Poco::Int64 integer = 0;
    if (text.find_first_not_of("-0123456789") == std::string::npos &&
        Poco::NumberParser::tryParse64(text, integer))
        return integer;
    double number = 0;
    if (text.find_first_not_of("-+.0123456789eE") == std::string::npos &&
        Poco::NumberParser::tryParseFloat(text, number))
        return number;
    return text;
}

Poco::Dynamic::Var convert(const YAML::Node& node)
{
    switch (node.Type())
    {
    case YAML::NodeType::Map:
    {
        Poco::JSON::Object::Ptr object = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
        for (const auto& item : node)
            object->set(item.first.Scalar(), convert(item.second));
        return object;
    }
    case YAML::NodeType::Sequence:
    {
        Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
        for (const auto& item : node)
            array->add(convert(item));
        return array;
    }
    case YAML::NodeType::Scalar:
        return scalar(node);
    default:
        return Poco::Dynamic::Var();
    }
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 3)
    {
        std::cerr << "usage: openapi_header IN.yaml OUT.h\n";
        return 64;
    }
    try
    {
        std::ifstream in(argv[1]);
        std::stringstream yaml;
        yaml << in.rdbuf();
        const auto document = convert(YAML::Load(yaml.str()));
        std::ostringstream json;
        document.extract<Poco::JSON::Object::Ptr>()->stringify(json);
        std::ofstream out(argv[2]);
        out << "// Generated from docs/openapi.yaml by tools/openapi_header; do not edit.\n"
               "#pragma once\n\nnamespace courierd::openapi\n{\n\n"
               "inline constexpr const char YAML[] = R\"courierd_openapi("
            << yaml.str() << ")courierd_openapi\";\n\n"
            << "inline constexpr const char JSON[] = R\"courierd_openapi(" << json.str()
            << ")courierd_openapi\";\n\n} // namespace courierd::openapi\n";
        return out ? 0 : 74;
    }
    catch (const std::exception& e)
    {
        std::cerr << argv[1] << ": " << e.what() << "\n";
        return 65;
    }
}
