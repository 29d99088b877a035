#include "util/Names.h"

#include <algorithm>
#include <cctype>
#include <cstddef>

namespace courierd
{

namespace
{

// Levenshtein distance with adjacent transpositions (optimal string alignment): `marketplce`
// is one edit from `marketplace`, `genreator` one from `generator`.
std::size_t distance(const std::string& a, const std::string& b)
{
    const auto same = [](char x, char y)
    {
        return std::tolower(static_cast<unsigned char>(x)) ==
               std::tolower(static_cast<unsigned char>(y));
    };
    std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
    for (std::size_t i = 0; i <= a.size(); ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= b.size(); ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i)
        for (std::size_t j = 1; j <= b.size(); ++j)
        {
            const std::size_t cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]))
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[a.size()][b.size()];
}

} // namespace

std::string nearestName(const std::string& name, const std::vector<std::string>& candidates)
{
    // Names longer than any plugin's are not compared: the table is quadratic in the lengths.
    constexpr std::size_t LONGEST = 128;
    std::string best;
    std::size_t bestDistance = 0;
    if (name.size() > LONGEST)
        return best;
    for (const auto& candidate : candidates)
    {
        if (candidate.size() > LONGEST || candidate == name)
            continue;
        const std::size_t d = distance(name, candidate);
        const std::size_t longer = std::max(name.size(), candidate.size());
        if (d > 2 || d * 3 > longer)
            continue;
        if (best.empty() || d < bestDistance)
        {
            best = candidate;
            bestDistance = d;
        }
    }
    return best;
}

} // namespace courierd
