//! The shared state of issue 19 against a real `redis-server` that each test starts on
//! 127.0.0.1 on a free port (installed by tests/redis/install.sh; a test whose server cannot
//! start fails and says why). Time is real: Redis's clock cannot be paused, so each test
//! asserts on counts the counting server saw within windows, and stays under a few seconds.

mod circuit;
mod fault;
mod fleet;
mod harness;
mod limits;
mod tokens;
mod webhooks;
