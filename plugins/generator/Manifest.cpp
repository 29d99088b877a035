#include "GeneratorSource.h"
#include "courierd/Plugin.h"

COURIERD_PLUGIN(generator::GeneratorSource, "generator", "1.0.0")
