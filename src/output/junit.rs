//! JUnit XML for CI dashboards: a test suite per check, a test case per property.
//!
//! A case fails when its property did not do what the suite expects (the failure's message is
//! the one-line explanation; its text lists the counterexample files and the command that
//! reproduces it). A property left undecided by a bound is `skipped` with the reason when the
//! check sets `allow_inconclusive`, and a failure otherwise, since the gate then fails.

use std::path::Path;
use std::time::Duration;

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::engine::Status;
use crate::gate::Suite;
use crate::gate::{CheckResult, GateError, Outcome};

/// The JUnit report of a finished suite.
pub fn report(suite: &Suite, results: &[CheckResult]) -> Report {
    let mut report = Report::new("xshard gate");
    for r in results {
        let spec = &suite.checks[r.index];
        let mut ts = TestSuite::new(spec.name.as_str());
        ts.set_time(Duration::from_secs_f64(r.elapsed_secs));
        ts.add_property(("model", spec.model.as_str()));
        ts.add_property(("variant", r.run.resolved.variant));
        ts.add_property(("expect", spec.expect.to_string().as_str()));
        ts.add_property(("result", r.result().as_str()));
        ts.add_property((
            "distinct_states",
            r.run.stats.distinct_states.to_string().as_str(),
        ));
        ts.add_property(("reproduce", r.rerun.as_str()));
        for c in &r.cases {
            let status = match c.outcome {
                Outcome::Met => TestCaseStatus::success(),
                Outcome::Skipped => {
                    let mut s = TestCaseStatus::skipped();
                    s.set_message(c.detail.clone().unwrap_or_default());
                    s
                }
                Outcome::Unmet => {
                    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                    s.set_message(c.detail.clone().unwrap_or_default());
                    s.set_type(if c.status == Status::Inconclusive {
                        "inconclusive"
                    } else if c.expected_failure {
                        "expected-violation-missing"
                    } else {
                        "unexpected-violation"
                    });
                    let mut text = String::new();
                    if let Some(f) = &c.files {
                        text.push_str("counterexample:");
                        for p in [&f.json, &f.dot].into_iter().chain(&f.svg) {
                            text.push(' ');
                            text.push_str(&p.display().to_string());
                        }
                        text.push('\n');
                    }
                    text.push_str(&format!("reproduce: {}\n", r.rerun));
                    s.set_description(text);
                    s
                }
            };
            let mut case = TestCase::new(c.name, status);
            case.set_classname(spec.name.as_str());
            ts.add_test_case(case);
        }
        report.add_test_suite(ts);
    }
    report
}

/// Writes the report to `path` (through a temporary file and a rename).
pub fn write(path: &Path, report: &Report) -> Result<(), GateError> {
    let io = |source| GateError::Write {
        path: path.to_path_buf(),
        source,
    };
    let xml = report
        .to_string()
        .map_err(|e| io(std::io::Error::other(e.to_string())))?;
    crate::files::write_atomic(path, xml.as_bytes()).map_err(io)
}
