#pragma once
// A loopback port for a server a test starts outside this process (a PostgreSQL server, an
// app under review), which must be told its port before it binds.

namespace fanout::test {

/// A port on 127.0.0.1 that nothing listened on a moment ago (bound to port 0, then
/// released; another process may take it before the caller's server does). Throws
/// std::runtime_error when no socket can be bound.
int free_loopback_port();

} // namespace fanout::test
