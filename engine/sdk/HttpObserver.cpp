#include "sdk/HttpObserver.h"

#include <memory>
#include <mutex>
#include <utility>

namespace courierd::http_observer
{

namespace
{

std::mutex observerMutex;
std::shared_ptr<const Observer> installed;
thread_local std::string currentSource;

} // namespace

void set(Observer observer)
{
    auto next = observer ? std::make_shared<const Observer>(std::move(observer)) : nullptr;
    std::lock_guard lock(observerMutex);
    installed = std::move(next);
}

Scope::Scope(const std::string& source)
    : _previous(std::exchange(currentSource, source))
{
}

Scope::~Scope()
{
    currentSource = std::move(_previous);
}

void report(Event event, const std::string& label)
{
    if (currentSource.empty())
        return;
    std::shared_ptr<const Observer> observer;
    {
        std::lock_guard lock(observerMutex);
        observer = installed;
    }
    if (observer)
        (*observer)(currentSource, event, label);
}

} // namespace courierd::http_observer
