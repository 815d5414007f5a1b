//! What both benches need to know about the machine they run on, and how they print memory.

/// How many CPUs two busy threads get right now (2.0 on an idle 2-core machine): iterations of
/// a spin loop in a fixed time, two threads against one. On a shared machine this says how far
/// two-thread figures can be trusted.
pub fn parallel_capacity() -> f64 {
    fn spin(ms: u64) -> u64 {
        let end = std::time::Instant::now() + std::time::Duration::from_millis(ms);
        let mut n = 0u64;
        let mut x = 1u64;
        while std::time::Instant::now() < end {
            for _ in 0..1000 {
                x = std::hint::black_box(x.wrapping_mul(6364136223846793005).wrapping_add(1));
            }
            n += 1;
        }
        n
    }
    let one = spin(300) as f64;
    let two: u64 = std::thread::scope(|s| {
        let a = s.spawn(|| spin(300));
        let b = s.spawn(|| spin(300));
        a.join().unwrap_or(0) + b.join().unwrap_or(0)
    });
    if one > 0.0 {
        two as f64 / one
    } else {
        0.0
    }
}

/// Bytes as whole mebibytes, or "-".
pub fn mib(b: Option<f64>) -> String {
    b.map_or("-".into(), |b| format!("{:.0}", b / 1048576.0))
}
