//! Property-based exploration: configuration sweeps with shrinking (`xshard sweep`) and random
//! walks with shrinking (`xshard fuzz`), both driven by proptest's `TestRunner` from a fixed
//! seed (EXPLORATION.md §4; docs/sweep-fuzz.md).
//!
//! A sweep draws configurations from a [`Space`] (dimensions derived from the model's
//! parameters and the kernel's settings table), checks each exhaustively within a state
//! budget, and shrinks a failing one to the smallest failing configuration: proptest's
//! integer shrinking toward each dimension's simplest value, then a minus-one pass per
//! dimension, since binary search assumes the failure is monotone. A fuzz run walks one
//! configuration along random choice vectors ([`crate::engine::walk`]), shrinks a violating
//! walk with proptest's vector shrinking (every candidate is a valid path) and confirms it
//! with a breadth-first search bounded by the shrunk length. Nothing here prints.

pub mod fuzz;
pub mod regressions;
pub mod space;
pub mod sweep;

pub use fuzz::{fuzz_command, run_fuzz, FuzzFailure, FuzzOptions, FuzzReport};
pub use regressions::Regressions;
pub use space::{Dimension, DimensionKind, Space};
pub use sweep::{run_sweep, sweep_command, CaseRecord, SweepFailure, SweepOptions, SweepReport};

use proptest::test_runner::{Config, FailurePersistence, RngAlgorithm, TestRng, TestRunner};

/// The seed when none is given: runs are reproducible by default.
pub const DEFAULT_SEED: u64 = 0;

/// A test runner for `cases` cases from `seed`, independent of the `PROPTEST_*` environment
/// (every setting that could change what runs is set here), shrinking at most `shrink_iters`
/// steps.
fn runner(
    seed: u64,
    cases: u32,
    shrink_iters: u32,
    persistence: Option<Box<dyn FailurePersistence>>,
) -> TestRunner {
    let config = Config {
        cases,
        max_local_rejects: 65_536,
        max_global_rejects: 1024,
        max_flat_map_regens: 1_000_000,
        failure_persistence: persistence,
        source_file: None,
        fork: false,
        timeout: 0,
        max_shrink_time: 0,
        max_shrink_iters: shrink_iters,
        result_cache: proptest::test_runner::noop_result_cache,
        verbose: 0,
        rng_algorithm: RngAlgorithm::ChaCha,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, rng(seed))
}

/// ChaCha seeded by `seed` (its 8 bytes, little-endian, then zeros).
fn rng(seed: u64) -> TestRng {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed.to_le_bytes());
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}
