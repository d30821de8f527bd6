// Compiles iff POPYKA_PROBE_HEADER is reachable from the libraries the probe links.
#include POPYKA_PROBE_HEADER
