#include "courierd/Exceptions.h"

#include <typeinfo>

namespace courierd
{

POCO_IMPLEMENT_EXCEPTION(ConfigException, Poco::InvalidArgumentException, "Configuration error")
POCO_IMPLEMENT_EXCEPTION(SourceException, Poco::RuntimeException, "Source error")
POCO_IMPLEMENT_EXCEPTION(StoppingException, Poco::RuntimeException, "Stopping")
POCO_IMPLEMENT_EXCEPTION(UnsupportedException, Poco::RuntimeException, "Unsupported")

} // namespace courierd
