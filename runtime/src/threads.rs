//! When the compiler uses a second thread, and how it splits work in two.
//! A check and a JIT compilation may each hand about half their work to
//! one other thread where a second core is free; [`set_parallel`] keeps
//! them on the calling thread, and [`halves`] splits the work.

use std::sync::atomic::{AtomicBool, Ordering};

/// Whether checks and JIT compilations may use a second thread.
static PARALLEL: AtomicBool = AtomicBool::new(true);

/// Lets checks and JIT compilations use a second thread where a second core
/// is free (the default), or keeps them on the calling thread. A process
/// that checks once and exits is faster on one thread: on the machines
/// measured (BENCHMARKS.md), starting a thread in a fresh process and
/// waking the waiting one cost more than the work it takes over, while a
/// process that checks again and again (an embedding, the language server)
/// gains about a fifth of a check. Answers are the same either way.
pub fn set_parallel(enabled: bool) {
    PARALLEL.store(enabled, Ordering::Relaxed);
}

/// Whether a second thread may run at the same time as this one.
pub fn parallel() -> bool {
    static CORES: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    PARALLEL.load(Ordering::Relaxed)
        && *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)) > 1
}

/// `items` in two halves of about equal weight, each item with its place
/// in `items`: the heaviest first, each to the lighter half (the first
/// half on a tie).
pub fn halves<T>(items: Vec<T>, weight: impl Fn(&T) -> usize) -> [Vec<(usize, T)>; 2] {
    let mut weighed: Vec<(usize, usize, T)> = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| (weight(&item), i, item))
        .collect();
    weighed.sort_by_key(|(w, i, _)| (std::cmp::Reverse(*w), *i));
    let (mut first, mut second) = (Vec::new(), Vec::new());
    let (mut first_weight, mut second_weight) = (0, 0);
    for (w, i, item) in weighed {
        if first_weight <= second_weight {
            first_weight += w;
            first.push((i, item));
        } else {
            second_weight += w;
            second.push((i, item));
        }
    }
    [first, second]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_are_balanced_heaviest_first_and_keep_places() {
        let [first, second] = halves(vec![3, 10, 4, 4, 1], |w| *w);
        assert_eq!(first, vec![(1, 10), (4, 1)]);
        assert_eq!(second, vec![(2, 4), (3, 4), (0, 3)]);
        let [one, none] = halves(vec![7], |w| *w);
        assert_eq!((one, none), (vec![(0, 7)], vec![]));
    }
}
