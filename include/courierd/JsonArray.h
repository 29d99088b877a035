#pragma once

#include <string_view>
#include <vector>

namespace courierd
{

/// Splits a JSON array into the exact text of each top-level element, without parsing them:
/// a plugin can store every element verbatim and parse each on its own, so that one malformed
/// element is rejected while the others are kept. Checks the array's own structure (brackets,
/// strings, commas), not the elements' contents. The views point into `body`.
/// Throws Poco::SyntaxException saying what is wrong and at which byte offset: not an array,
/// a truncated body, unbalanced brackets, a missing comma, text after the array.
/// Pure; any thread.
std::vector<std::string_view> splitJsonArray(std::string_view body);

} // namespace courierd
