#include "courierd/Exceptions.h"

#include <typeinfo>

namespace courierd
{

POCO_IMPLEMENT_EXCEPTION(ConfigException, Poco::InvalidArgumentException, "Configuration error")
POCO_IMPLEMENT_EXCEPTION(SourceException, Poco::RuntimeException, "Source error")

} // namespace courierd
