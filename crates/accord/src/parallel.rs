//! The compiler's parallel steps: each runs on rayon's pool of `available_threads()` threads
//! (`rayon::join` for two steps side by side, `map_in_order` for a list of independent
//! items), so that a run starts its threads once instead of once per step. Starting and ending
//! a thread was about 1.5 % of `accord generate`'s CPU time on GitHub's and Stripe's
//! descriptions (21 threads a run, each with its own allocator heap set up and torn down;
//! issue 22), and a thread that lives through the run keeps reusing the memory it freed.
//! `accord generate` runs its whole compile on the pool ([`install`]).

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The threads the machine gives this process (`std::thread::available_parallelism`, at
/// least 1), asked once: on Linux every call reads `/proc/self/cgroup` and the cgroup's CPU
/// quota files, and a Petstore `generate` asked five times.
pub(crate) fn available_threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// A spec with at least this many types (or models and endpoints together) is large: what
/// its front end is done with is freed on another thread ([`drop_in_background`]).
pub(crate) const LARGE_SPEC_ITEMS: usize = 256;

/// Drops `value` on the pool (`rayon::spawn`), which nothing waits for: a command-line run may
/// end before it does, and the OS takes the memory back then. For what a large spec's front end
/// is done with while the other core is idle (the emitters have not started): freeing it node
/// by node is then off the path every step waits on.
pub(crate) fn drop_in_background<T: Send + 'static>(value: T) {
    rayon::spawn(move || drop(value));
}

/// Runs `work` on a pool of as many threads as the machine gives this process, the calling thread waiting, so that
/// every parallel step inside it shares those threads and `work` itself runs on one of them.
/// The pool's threads have an 8 MiB stack, a main thread's on Linux, for the recursive
/// descent over a spec nested up to `spec::yaml::MAX_DEPTH` deep. Without a pool (no thread
/// could start), `work` runs here on the global one.
pub fn install<T: Send>(work: impl FnOnce() -> T + Send) -> T {
    match rayon::ThreadPoolBuilder::new()
        .num_threads(available_threads())
        .stack_size(8 << 20)
        .thread_name(|index| format!("accord-{index}"))
        .build()
    {
        Ok(pool) => pool.install(work),
        Err(_) => work(),
    }
}

/// The mapping of a document read in two parts at once (`spec::yaml`'s YAML parts,
/// `import::openapi::json_parts`'s JSON parts), joined in order: `second`'s entries after
/// `first`'s. With `parent`, the text was cut inside the mapping that is the value of the
/// top-level key `parent`: `first` must end with that key and `second` start with it, both
/// holding mappings, and `second`'s entries of it join `first`'s. `None` when the parts are
/// not mappings so made, or a key repeats across them (the whole text then decides what a
/// repeated key means).
pub(crate) fn join_parts(
    first: serde_json::Value,
    second: serde_json::Value,
    parent: Option<&str>,
) -> Option<serde_json::Value> {
    use serde_json::Value;
    let (Value::Object(mut first), Value::Object(second)) = (first, second) else { return None };
    let mut second = second.into_iter();
    if let Some(key) = parent {
        let (second_key, Value::Object(rest)) = second.next()? else { return None };
        let (last_key, Value::Object(entries)) = first.iter_mut().next_back()? else { return None };
        if second_key != key || last_key != key {
            return None;
        }
        for (name, value) in rest {
            if entries.insert(name, value).is_some() {
                return None;
            }
        }
    }
    for (name, value) in second {
        if first.insert(name, value).is_some() {
            return None;
        }
    }
    Some(Value::Object(first))
}

/// `work(0) … work(count - 1)` on up to `threads` threads of the pool, in index order: each
/// thread takes the next item not yet taken (an atomic counter), so that the items are
/// started in index order whatever their cost. With `threads` ≤ 1 (or a single item)
/// everything runs on the calling thread. A panic in `work` is resumed on the caller.
pub(crate) fn map_in_order<T: Send>(count: usize, threads: usize, work: impl Fn(usize) -> T + Sync) -> Vec<T> {
    let next = AtomicUsize::new(0);
    let drain = || {
        let mut done = Vec::new();
        loop {
            let index = next.fetch_add(1, Ordering::Relaxed);
            if index >= count {
                return done;
            }
            done.push((index, work(index)));
        }
    };
    let threads = threads.clamp(1, count.max(1));
    let mut done = if threads == 1 {
        drain()
    } else {
        let helpers: Vec<std::sync::Mutex<Vec<(usize, T)>>> = (1..threads).map(|_| Default::default()).collect();
        let mut done = Vec::new();
        rayon::scope(|scope| {
            for helper in &helpers {
                let drain = &drain;
                scope.spawn(move |_| {
                    let done = drain();
                    *helper.lock().unwrap_or_else(std::sync::PoisonError::into_inner) = done;
                });
            }
            done = drain();
        });
        for helper in helpers {
            done.extend(helper.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner));
        }
        done
    };
    done.sort_unstable_by_key(|(index, _)| *index);
    done.into_iter().map(|(_, result)| result).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_index_order_on_any_number_of_threads() {
        for threads in [0, 1, 2, 8] {
            assert_eq!(map_in_order(100, threads, |i| i * 2), (0..100).map(|i| i * 2).collect::<Vec<_>>());
        }
        assert!(map_in_order(0, 4, |i| i).is_empty());
    }

    #[test]
    fn steps_nested_on_the_pool_finish_in_order_and_a_panic_reaches_the_caller() {
        // An emitter that prints its runs in parallel inside the emitters' own queue, on a
        // pool of two threads as `accord generate` runs.
        let sums = install(|| {
            map_in_order(8, 2, |outer| {
                let (left, right) = rayon::join(|| outer * 10, || map_in_order(5, 2, |inner| outer + inner));
                left + right.iter().sum::<usize>()
            })
        });
        assert_eq!(
            sums,
            (0..8).map(|outer| outer * 10 + (0..5).map(|inner| outer + inner).sum::<usize>()).collect::<Vec<_>>()
        );
        let panicked = std::panic::catch_unwind(|| {
            install(|| map_in_order(4, 2, |index| if index == 3 { panic!("item 3") } else { index }))
        });
        let message = panicked.expect_err("the panic is resumed");
        assert_eq!(message.downcast_ref::<&str>(), Some(&"item 3"));
    }
}
