#pragma once

#include <string>
#include <vector>

namespace courierd
{

/// The name among `candidates` nearest to `name` that a slip of the keyboard could have made
/// (edit distance at most 2, and at most a third of the longer name, letters compared without
/// case), or an empty string when none is: the "did you mean" of a misspelled plugin. Pure; any
/// thread.
std::string nearestName(const std::string& name, const std::vector<std::string>& candidates);

/// `a, b, c` (any container of strings, in its order), or `ifEmpty` when it holds none.
template <class Names> std::string joined(const Names& names, const std::string& ifEmpty = {})
{
    std::string out;
    for (const auto& name : names)
        out += (out.empty() ? "" : ", ") + name;
    return out.empty() ? ifEmpty : out;
}

} // namespace courierd
