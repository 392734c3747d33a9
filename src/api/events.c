/* Live ticket events for the web app (Server-Sent Events): being written. */
#include "api/internal.h"
