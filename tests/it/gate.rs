//! `xshard gate`: the project's suite, exit codes 0/1/2, the JUnit report parsed back, JSON
//! Lines, bad suite files, GitHub annotations and job summary.

use std::path::{Path, PathBuf};

use quick_xml::events::Event;
use quick_xml::Reader;
use xshard::gate::{self, Expectation};
use xshard::Registry;

use crate::helpers::{all, first, json_lines, xshard};

/// The project's own suite.
fn project_suite() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("xshard.toml")
}

/// Runs `xshard gate ARGS` outside GitHub Actions (whatever the environment running the tests
/// is); returns (exit code, stdout, stderr).
fn gate_cmd(args: &[&str], github: Option<&Path>) -> (i32, String, String) {
    let mut cmd = xshard();
    cmd.arg("gate").args(args);
    cmd.env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_WORKSPACE");
    if let Some(summary) = github {
        cmd.env("GITHUB_ACTIONS", "true")
            .env("GITHUB_STEP_SUMMARY", summary);
    }
    let out = cmd.output().expect("xshard runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn gate_run(args: &[&str]) -> (i32, String, String) {
    gate_cmd(args, None)
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// The project suite's TLA+ checks and its check of `variant` of `model` (default parameters
/// and kernel; two shards for 2PC) expecting `expect` instead.
fn flipped_suite(dir: &Path, model: &str, variant: &str, expect: &str) -> PathBuf {
    let text = std::fs::read_to_string(project_suite()).expect("xshard.toml");
    let key = format!("model = \"{model}\"\nvariant = \"{variant}\"\nexpect = ");
    assert!(text.contains(&key), "the check is in xshard.toml");
    // The project suite's TLA+ checks (a moment each in a debug build) and the flipped one, at
    // two shards when it is 2PC's: enough for these tests of the gate's reporting, without
    // the full suite's larger kernel defaults, which `project_suite_passes_…` runs.
    let mut blocks = text.split("[[check]]\n");
    let mut flipped = blocks.next().expect("the header").to_string();
    for block in blocks {
        let block = if block.starts_with(&key) {
            let at = key.len();
            let end = at + block[at..].find('\n').expect("line end");
            let params = if model == "two-phase-commit" {
                "params = { shards = 2 }\n"
            } else {
                ""
            };
            format!(
                "{}{params}expect = {expect}{}",
                &block[..at - "expect = ".len()],
                &block[end..]
            )
        } else if block.starts_with("model = \"tla-") {
            block.to_string()
        } else {
            continue;
        };
        flipped.push_str("[[check]]\n");
        flipped.push_str(&block);
    }
    let path = dir.join("flipped.toml");
    std::fs::write(&path, flipped).expect("write suite");
    path
}

/// A JUnit report, as read back.
#[derive(Debug, Default)]
struct Junit {
    root_tests: usize,
    root_failures: usize,
    suites: Vec<JSuite>,
}

#[derive(Debug, Default)]
struct JSuite {
    name: String,
    tests: usize,
    failures: usize,
    skipped: usize,
    cases: Vec<JCase>,
}

#[derive(Debug, Default)]
struct JCase {
    name: String,
    classname: String,
    /// (message, type, text) of a `<failure>`.
    failure: Option<(String, String, String)>,
    /// The message of a `<skipped>`.
    skipped: Option<String>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> String {
    e.attributes()
        .map(|a| a.expect("attribute"))
        .find(|a| a.key.as_ref() == name.as_bytes())
        .map(|a| {
            a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                .expect("value")
                .into_owned()
        })
        .unwrap_or_default()
}

fn count(e: &quick_xml::events::BytesStart<'_>, name: &str) -> usize {
    attr(e, name).parse().unwrap_or(0)
}

/// Parses a JUnit file with an XML reader independent of the writer.
fn read_junit(path: &Path) -> Junit {
    let xml = std::fs::read_to_string(path).expect("the JUnit file exists");
    let mut reader = Reader::from_str(&xml);
    let mut j = Junit::default();
    let mut in_failure = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                b"testsuites" => {
                    j.root_tests = count(&e, "tests");
                    j.root_failures = count(&e, "failures");
                }
                b"testsuite" => j.suites.push(JSuite {
                    name: attr(&e, "name"),
                    tests: count(&e, "tests"),
                    failures: count(&e, "failures"),
                    skipped: count(&e, "skipped"),
                    cases: vec![],
                }),
                b"testcase" => {
                    let suite = j.suites.last_mut().expect("a case is inside a suite");
                    suite.cases.push(JCase {
                        name: attr(&e, "name"),
                        classname: attr(&e, "classname"),
                        ..JCase::default()
                    });
                }
                b"failure" => {
                    let case = last_case(&mut j);
                    case.failure = Some((attr(&e, "message"), attr(&e, "type"), String::new()));
                    in_failure = true;
                }
                b"skipped" => last_case(&mut j).skipped = Some(attr(&e, "message")),
                _ => {}
            },
            Event::Text(t) if in_failure => {
                let text = t.decode().expect("utf-8").into_owned();
                push_failure_text(&mut j, &text);
            }
            Event::GeneralRef(r) if in_failure => {
                let entity = match r.decode().expect("utf-8").as_ref() {
                    "amp" => "&",
                    "lt" => "<",
                    "gt" => ">",
                    "quot" => "\"",
                    "apos" => "'",
                    other => panic!("unexpected entity {other}"),
                };
                push_failure_text(&mut j, entity);
            }
            Event::End(e) if e.name().as_ref() == b"failure" => in_failure = false,
            Event::Eof => break,
            _ => {}
        }
    }
    j
}

fn last_case(j: &mut Junit) -> &mut JCase {
    j.suites
        .last_mut()
        .and_then(|s| s.cases.last_mut())
        .expect("inside a test case")
}

fn push_failure_text(j: &mut Junit, text: &str) {
    if let Some((_, _, body)) = &mut last_case(j).failure {
        body.push_str(text);
    }
}

impl Junit {
    fn failing_cases(&self) -> Vec<(&str, &JCase)> {
        self.suites
            .iter()
            .flat_map(|s| s.cases.iter().map(move |c| (s.name.as_str(), c)))
            .filter(|(_, c)| c.failure.is_some())
            .collect()
    }
}

/// How many properties the checks of a suite have in total (one JUnit case each).
/// The properties of every check's own model: they differ by variant and by size (locking's
/// `can_abort` is declared only where something can abort).
fn property_count(suite: &gate::Suite) -> usize {
    let registry = Registry::builtin();
    suite
        .checks
        .iter()
        .map(|c| {
            registry
                .build(&c.resolved)
                .expect("every suite check builds")
                .property_info()
                .len()
        })
        .sum()
}

#[test]
fn project_suite_covers_every_registered_variant_with_its_expected_verdict() {
    let suite = gate::load(&project_suite(), &Registry::builtin()).expect("xshard.toml is valid");
    let plain = |c: &&gate::CheckSpec| {
        c.request.params.is_empty()
            && c.request.kernel.is_empty()
            && c.max_states.is_none()
            && c.max_depth.is_none()
            && c.timeout.is_none()
            && !c.allow_inconclusive
            && c.mode == gate::Mode::Check
    };
    for m in Registry::builtin().listings() {
        for v in &m.variants {
            let listed: Vec<&gate::CheckSpec> = suite
                .checks
                .iter()
                .filter(|c| c.resolved.model == m.name && c.resolved.variant == v.name)
                .filter(plain)
                .collect();
            assert!(
                !listed.is_empty(),
                "xshard.toml has no check of {}/{} at its defaults; add one expecting {:?}",
                m.name,
                v.name,
                v.expect
            );
            for c in listed {
                assert_eq!(
                    c.expect,
                    Expectation::from_registry(&v.expect),
                    "{} (line {}) expects other than the registry",
                    c.name,
                    c.line
                );
            }
        }
    }
    let find = |name: &str| {
        suite
            .checks
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("xshard.toml lacks {name}"))
            .expect
            .to_string()
    };
    assert_eq!(
        find("two-phase-commit/default shards=2 crashes=1"),
        "violates deadlock_freedom, progress"
    );
    assert_eq!(find("tla-two-phase/default rms=4"), "holds");
    assert_eq!(find("tla-two-phase/default rms=5"), "holds");
}

#[test]
fn project_suite_passes_with_every_case_in_the_junit_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let junit = dir.path().join("junit.xml");
    let out = dir.path().join("ce");
    let suite_path = project_suite();
    let (code, stdout, stderr) = gate_run(&[
        s(&suite_path),
        "--out",
        s(&out),
        "--junit",
        s(&junit),
        "--jobs",
        "2",
    ]);
    assert_eq!(code, 0, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(
        stdout.contains("verdict: every expectation met"),
        "{stdout}"
    );
    assert!(!stdout.contains("::error"), "{stdout}");
    let suite = gate::load(&suite_path, &Registry::builtin()).expect("valid");
    let j = read_junit(&junit);
    assert_eq!(j.suites.len(), suite.checks.len());
    let names: Vec<&str> = j.suites.iter().map(|s| s.name.as_str()).collect();
    let expected: Vec<&str> = suite.checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, expected, "one suite per check, in file order");
    assert_eq!(j.root_tests, property_count(&suite));
    assert_eq!((j.root_failures, j.failing_cases().len()), (0, 0));
    // Every expected violation still leaves its counterexample.
    let violations: usize = suite
        .checks
        .iter()
        .map(|c| match &c.expect {
            Expectation::Holds => 0,
            Expectation::Violates(ps) => ps.len(),
        })
        .sum();
    // Each violation is written as .json and .dot (no .svg: the gate renders only with --svg).
    let written = walk(&out);
    let json = written
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "json"));
    assert_eq!(json.count(), violations);
    assert_eq!(written.len(), 2 * violations);
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![];
    for e in std::fs::read_dir(dir).expect("dir exists") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            files.extend(walk(&p));
        } else {
            files.push(p);
        }
    }
    files
}

#[test]
fn a_flipped_expectation_exits_1_with_one_failing_case_and_its_counterexample() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = flipped_suite(
        dir.path(),
        "tla-two-phase",
        "revert-after-vote",
        "\"holds\"",
    );
    let junit = dir.path().join("report.xml");
    let out = dir.path().join("ce");
    let (code, stdout, stderr) = gate_run(&[s(&suite), "--out", s(&out), "--junit", s(&junit)]);
    assert_eq!(code, 1, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(stderr, "");
    assert!(
        stdout.contains("verdict: 1 expectation not met"),
        "{stdout}"
    );

    let j = read_junit(&junit);
    assert_eq!(j.root_failures, 1);
    let failing = j.failing_cases();
    assert_eq!(failing.len(), 1, "{failing:?}");
    let (suite_name, case) = failing[0];
    assert_eq!(suite_name, "tla-two-phase/revert-after-vote");
    assert_eq!(case.name, "atomicity");
    assert_eq!(case.classname, "tla-two-phase/revert-after-vote");
    let (message, ty, text) = case.failure.clone().expect("failure");
    assert!(message.starts_with("atomicity is violated: "), "{message}");
    assert!(!message.contains('\n'));
    assert_eq!(ty, "unexpected-violation");
    let reproduce = "xshard check tla-two-phase --variant revert-after-vote -p rms=3";
    assert!(text.contains(&format!("reproduce: {reproduce}")), "{text}");
    let json_file = text
        .lines()
        .find_map(|l| l.strip_prefix("counterexample: "))
        .expect("the failure lists its counterexample")
        .split(' ')
        .next()
        .expect("a path");
    assert!(
        json_file.starts_with(s(&out.join("tla-two-phase").join("atomicity-")))
            && json_file.ends_with(".json"),
        "{json_file}"
    );
    let trace: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(json_file).expect("the file exists"))
            .expect("JSON");
    assert_eq!(
        (&trace["model"], &trace["variant"], &trace["property"]),
        (
            &"tla-two-phase".into(),
            &"revert-after-vote".into(),
            &"atomicity".into()
        )
    );
    let suite_of_flip = j
        .suites
        .iter()
        .find(|s| s.name == suite_name)
        .expect("suite");
    assert_eq!((suite_of_flip.tests, suite_of_flip.failures), (3, 1));

    // The table marks it and the message ends with the command that reproduces it.
    let unmet: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("unmet: "))
        .collect();
    assert_eq!(unmet.len(), 1, "{stdout}");
    assert!(
        unmet[0].starts_with(
            "unmet: tla-two-phase/revert-after-vote: expected holds, got violates atomicity: atomicity is violated: "
        ),
        "{}",
        unmet[0]
    );
    assert!(
        unmet[0].ends_with(&format!(". Reproduce: {reproduce}")),
        "{}",
        unmet[0]
    );
    assert!(
        stdout.contains(&format!("  counterexample: {json_file}")),
        "{stdout}"
    );
    let row = stdout
        .lines()
        .find(|l| l.contains("tla-two-phase/revert-after-vote"))
        .expect("a row");
    assert!(row.starts_with("FAIL"), "{row}");
}

#[test]
fn a_missing_expected_violation_is_a_failure_too() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = flipped_suite(
        dir.path(),
        "tla-tcommit",
        "default",
        "{ violates = [\"atomicity\"] }",
    );
    let junit = dir.path().join("j.xml");
    let out = dir.path().join("ce");
    let (code, stdout, _) = gate_run(&[s(&suite), "--out", s(&out), "--junit", s(&junit)]);
    assert_eq!(code, 1, "{stdout}");
    let j = read_junit(&junit);
    let failing = j.failing_cases();
    assert_eq!(failing.len(), 1);
    assert_eq!(
        (failing[0].0, failing[0].1.name.as_str()),
        ("tla-tcommit/default", "atomicity")
    );
    let (message, ty, _) = failing[0].1.failure.clone().expect("failure");
    assert_eq!(message, "atomicity was expected to fail but holds");
    assert_eq!(ty, "expected-violation-missing");
    assert!(stdout.contains(
        "unmet: tla-tcommit/default: expected violates atomicity, got holds: atomicity was expected to fail but holds. Reproduce: xshard check tla-tcommit --variant default -p rms=3\n"
    ), "{stdout}");
}

fn write_suite(dir: &Path, text: &str) -> PathBuf {
    let p = dir.join("suite.toml");
    std::fs::write(&p, text).expect("write");
    p
}

/// Asserts exit 2, nothing on stdout, and exactly `error: FILE:LINE: MESSAGE` on stderr.
fn assert_bad_suite(text: &str, line: usize, message: &str) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = write_suite(dir.path(), text);
    let out = dir.path().join("ce");
    let (code, stdout, stderr) = gate_run(&[s(&p), "--out", s(&out)]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!("error: {}:{line}: {message}\n", p.display())
    );
    assert!(!out.exists(), "nothing runs for a bad suite");
}

#[test]
fn bad_suite_files_exit_2_naming_file_and_line() {
    let ok = "[[check]]\nmodel = \"tla-tcommit\"\nexpect = \"holds\"\n\n";
    // Syntax error: an unterminated string.
    assert_bad_suite(
        &format!("{ok}[[check]]\nmodel = \"tla-two-phase\nexpect = \"holds\"\n"),
        6,
        "invalid basic string, expected `\"`",
    );
    // Unknown key.
    assert_bad_suite(
        &format!("{ok}[[check]]\nmodel = \"tla-tcommit\"\nname = \"x\"\nexpct = \"holds\"\n"),
        8,
        "unknown field `expct`, expected one of `name`, `model`, `variant`, `params`, `kernel`, `max_states`, `max_depth`, `timeout`, `expect`, `allow_inconclusive`, `sweep`, `fuzz`",
    );
    // Unknown top-level table.
    assert_bad_suite(
        "[[checks]]\nmodel = \"tla-tcommit\"\n",
        1,
        "unknown field `checks`, expected `check`",
    );
    // Unknown model.
    assert_bad_suite(
        &format!("{ok}[[check]]\nmodel = \"three-phase\"\nexpect = \"holds\"\n"),
        6,
        &format!(
            "unknown model 'three-phase' (valid models: {})",
            Registry::builtin()
                .listings()
                .iter()
                .map(|m| m.name)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    );
    // Unknown variant.
    assert_bad_suite(
        "[[check]]\nmodel = \"two-phase-commit\"\nvariant = \"yolo\"\nexpect = \"holds\"\n",
        3,
        "unknown variant 'yolo' of model 'two-phase-commit' (valid variants: default, revert-after-vote)",
    );
    // Unknown property.
    assert_bad_suite(
        "[[check]]\nmodel = \"tla-tcommit\"\nexpect = { violates = [\"isolation\"] }\n",
        3,
        "unknown property 'isolation' of model 'tla-tcommit' (its properties: atomicity, can_commit, can_abort)",
    );
    // Wrong types.
    assert_bad_suite(
        "[[check]]\nmodel = \"tla-tcommit\"\nparams = { rms = \"three\" }\nexpect = \"holds\"\n",
        3,
        "invalid type: string \"three\", expected i64",
    );
    assert_bad_suite(
        "[[check]]\nmodel = \"tla-tcommit\"\nexpect = \"holds\"\nallow_inconclusive = \"yes\"\n",
        4,
        "invalid type: string \"yes\", expected a boolean",
    );
    assert_bad_suite(
        "[[check]]\nmodel = \"tla-tcommit\"\nexpect = [\"atomicity\"]\n",
        3,
        "invalid type: sequence, expected \"holds\" or { violates = [\"property\", ...] }",
    );
    // Empty file.
    assert_bad_suite(
        "",
        1,
        "no [[check]] tables: a suite needs at least one check",
    );
}

#[test]
fn a_missing_suite_file_exits_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("absent.toml");
    let (code, stdout, stderr) = gate_run(&[s(&p)]);
    assert_eq!((code, stdout.as_str()), (2, ""));
    assert_eq!(
        stderr,
        format!(
            "error: cannot read suite file '{}': No such file or directory (os error 2)\n",
            p.display()
        )
    );
}

#[test]
fn the_default_suite_is_xshard_toml_in_the_working_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("xshard.toml"),
        "[[check]]\nmodel = \"tla-two-phase\"\nvariant = \"forged-vote\"\nexpect = { violates = [\"atomicity\"] }\n",
    )
    .expect("write");
    let out = xshard()
        .current_dir(dir.path())
        .env_remove("GITHUB_ACTIONS")
        .arg("gate")
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    // Counterexamples default to ./counterexamples.
    let written = walk(&dir.path().join("counterexamples").join("tla-two-phase"));
    assert_eq!(written.len(), 2, "one .json and one .dot: {written:?}");
}

#[test]
fn inconclusive_checks_fail_unless_allowed_and_are_skipped_in_junit() {
    let dir = tempfile::tempdir().expect("tempdir");
    let check = |allow: bool| {
        format!(
            "[[check]]\nmodel = \"tla-two-phase\"\nparams = {{ rms = 4 }}\nmax_states = 5\nexpect = \"holds\"\nallow_inconclusive = {allow}\n"
        )
    };
    let out = dir.path().join("ce");
    let junit = dir.path().join("j.xml");

    let p = write_suite(dir.path(), &check(false));
    let (code, stdout, _) = gate_run(&[s(&p), "--out", s(&out), "--junit", s(&junit)]);
    assert_eq!(code, 1, "{stdout}");
    let j = read_junit(&junit);
    // Five states decide nothing: each of the three properties is an inconclusive failure.
    let cases: Vec<(&str, &str)> = j.suites[0]
        .cases
        .iter()
        .map(|c| {
            let f = c.failure.as_ref().expect("a failure");
            (c.name.as_str(), f.1.as_str())
        })
        .collect();
    assert_eq!(
        cases,
        [
            ("atomicity", "inconclusive"),
            ("can_commit", "inconclusive"),
            ("can_abort", "inconclusive")
        ]
    );
    assert_eq!((j.suites[0].failures, j.suites[0].skipped), (3, 0));
    assert!(
        stdout.contains(
            "unmet: tla-two-phase/default rms=4 max_states=5: expected holds, got inconclusive (--max-states): atomicity, can_commit, can_abort undecided: the search was stopped by --max-states first and allow_inconclusive is false. Reproduce: xshard check tla-two-phase --variant default -p rms=4 --max-states 5\n"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("gate: 1 check, 0 met, 1 unmet, 0 inconclusive (allowed)"),
        "{stdout}"
    );

    let p = write_suite(dir.path(), &check(true));
    let (code, stdout, _) = gate_run(&[s(&p), "--out", s(&out), "--junit", s(&junit)]);
    assert_eq!(code, 0, "{stdout}");
    let j = read_junit(&junit);
    assert_eq!((j.suites[0].failures, j.suites[0].skipped), (0, 3));
    for c in &j.suites[0].cases {
        assert_eq!(
            c.skipped.clone(),
            Some(format!(
                "{} is undecided: the search was stopped by --max-states first",
                c.name
            ))
        );
    }
    assert!(
        stdout.contains("gate: 1 check, 0 met, 0 unmet, 1 inconclusive (allowed)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("verdict: every expectation met"),
        "{stdout}"
    );
}

#[test]
fn json_lines_stream_one_check_per_line_in_file_order_whatever_the_jobs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let suite = flipped_suite(
        dir.path(),
        "two-phase-commit",
        "revert-after-vote",
        "{ violates = [\"atomicity\"] }",
    );
    let out = dir.path().join("ce");
    let run = |jobs: &str| {
        let (code, stdout, stderr) = gate_run(&[
            s(&suite),
            "--out",
            s(&out),
            "--format",
            "json",
            "--jobs",
            jobs,
        ]);
        assert_eq!(code, 1, "{stderr}");
        json_lines(&stdout)
    };
    let lines = run("1");
    assert_eq!(lines[0]["type"], "begin");
    let begin = first(&lines, "begin");
    assert_eq!(begin["schema_version"], 1);
    assert_eq!(begin["command"], "gate");
    assert_eq!(lines.last().expect("lines")["type"], "summary");
    let checks = all(&lines, "check");
    let loaded = gate::load(&suite, &Registry::builtin()).expect("valid");
    assert_eq!(checks.len(), loaded.checks.len());
    assert_eq!(begin["checks"], loaded.checks.len());
    let unmet: Vec<&&serde_json::Value> = checks.iter().filter(|c| c["met"] == false).collect();
    assert_eq!(unmet.len(), 1);
    let c = unmet[0];
    assert_eq!(c["name"], "two-phase-commit/revert-after-vote shards=2");
    assert_eq!(
        c["expect"],
        serde_json::json!({ "violates": ["atomicity"] })
    );
    assert_eq!(c["result"], "violates atomicity, timeout_revert");
    assert_eq!(c["outcome"], "unmet");
    assert_eq!(c["params"], serde_json::json!({ "shards": 2 }));
    assert!(c["distinct_states"].as_u64().expect("number") > 0);
    assert!(c["elapsed_secs"].is_number());
    assert_eq!(
        c["counterexample_files"].as_array().expect("files").len(),
        4,
        "atomicity and timeout_revert, each as .json and .dot"
    );
    let message = c["message"].as_str().expect("message");
    assert!(
        message.ends_with(". Reproduce: xshard check two-phase-commit --variant revert-after-vote -p shards=2 --network unordered --loss 1 --replay 0 --crashes 0"),
        "{message}"
    );
    let summary = first(&lines, "summary");
    assert_eq!(
        (
            &summary["checks"],
            &summary["unmet"],
            &summary["verdict"],
            &summary["exit_code"]
        ),
        (
            &loaded.checks.len().into(),
            &1.into(),
            &"unmet".into(),
            &1.into()
        )
    );

    let names = |lines: &[serde_json::Value]| -> Vec<String> {
        all(lines, "check")
            .iter()
            .map(|c| c["name"].as_str().expect("name").to_string())
            .collect()
    };
    let expected: Vec<String> = loaded.checks.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names(&lines), expected);
    assert_eq!(names(&run("3")), expected);
}

#[test]
fn github_actions_get_escaped_annotations_and_a_step_summary() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = "[[check]]\nmodel = \"tla-tcommit\"\nexpect = \"holds\"\n\n[[check]]\nname = \"flip: 100%, really\"\nmodel = \"tla-two-phase\"\nvariant = \"abort-after-commit\"\nexpect = \"holds\"\n";
    let suite = write_suite(dir.path(), text);
    let summary = dir.path().join("summary.md");
    std::fs::write(&summary, "previous step\n").expect("write");
    let out = dir.path().join("ce");
    let (code, stdout, _) = gate_cmd(&[s(&suite), "--out", s(&out)], Some(&summary));
    assert_eq!(code, 1, "{stdout}");
    // The test runs outside a checkout, so the annotation names the file as given.
    let errors: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("::error"))
        .collect();
    assert_eq!(
        errors.len(),
        1,
        "one annotation per unmet expectation: {stdout}"
    );
    let prefix = format!(
        "::error file={},line=5,title=xshard gate%3A flip%3A 100%25%2C really::flip: 100%25, really: expected holds, got violates atomicity: atomicity is violated: ",
        s(&suite)
    );
    assert!(errors[0].starts_with(&prefix), "{}", errors[0]);
    assert!(
        errors[0].ends_with(
            ". Reproduce: xshard check tla-two-phase --variant abort-after-commit -p rms=3"
        ),
        "{}",
        errors[0]
    );

    let md = std::fs::read_to_string(&summary).expect("summary written");
    assert!(
        md.starts_with("previous step\n### xshard gate: 1 of 2 checks met their expectation"),
        "{md}"
    );
    assert!(
        md.contains("| ✅ | tla-tcommit/default | holds | holds | 34 |"),
        "{md}"
    );
    assert!(
        md.contains("| ❌ | flip: 100%, really | holds | violates atomicity | 315 |"),
        "{md}"
    );
    assert!(md.contains("**Unmet expectations**"), "{md}");
    assert!(
        md.contains(
            ". Reproduce: `xshard check tla-two-phase --variant abort-after-commit -p rms=3`\n"
        ),
        "{md}"
    );

    // With --format json stdout stays JSON and the annotation goes to stderr.
    let (code, stdout, stderr) = gate_cmd(
        &[s(&suite), "--out", s(&out), "--format", "json"],
        Some(&summary),
    );
    assert_eq!(code, 1);
    assert_eq!(json_lines(&stdout).len(), 4);
    assert!(stderr.starts_with(&prefix), "{stderr}");

    // Inside a checkout the annotation names the file relative to it, as GitHub matches it.
    let inside = xshard()
        .args(["gate", s(&suite), "--out", s(&out)])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_WORKSPACE", dir.path())
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("runs");
    assert_eq!(inside.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&inside.stdout);
    assert!(
        stdout.contains("\n::error file=suite.toml,line=5,title=xshard gate%3A flip"),
        "{stdout}"
    );

    // Outside GitHub Actions: no annotation, and the summary file is left alone.
    let before = std::fs::read_to_string(&summary).expect("read");
    let outside = xshard()
        .args(["gate", s(&suite), "--out", s(&out)])
        .env("GITHUB_ACTIONS", "false")
        .env("GITHUB_STEP_SUMMARY", &summary)
        .output()
        .expect("runs");
    assert_eq!(outside.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&outside.stdout);
    assert!(!stdout.contains("::error"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&summary).expect("read"), before);
}

#[test]
fn the_example_workflow_runs_a_gate_command_that_works() {
    let yml = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci/github-actions.yml"),
    )
    .expect("the example workflow exists");
    // The gate step's folded `run: >-` block: its lines up to the next blank line.
    let lines: Vec<&str> = yml.lines().map(str::trim).collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("xshard gate"))
        .expect("the workflow runs xshard gate");
    let command: Vec<&str> = lines[start..]
        .iter()
        .take_while(|l| !l.is_empty())
        .flat_map(|l| l.split_whitespace())
        .collect();
    assert_eq!(
        command,
        [
            "xshard",
            "gate",
            "xshard.toml",
            "--jobs",
            "2",
            "--out",
            "counterexamples",
            "--junit",
            "xshard-junit.xml"
        ]
    );
    for artifact in ["path: counterexamples/", "path: xshard-junit.xml"] {
        assert!(yml.contains(artifact), "the workflow uploads {artifact}");
    }
    assert_eq!(yml.matches("if: always()").count(), 2);
    assert!(yml.contains("uses: actions/upload-artifact@"));

    // Run it as the workflow would, at the root of a repository holding the project's suite.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::copy(project_suite(), dir.path().join("xshard.toml")).expect("copy suite");
    let out = xshard()
        .current_dir(dir.path())
        .env_remove("GITHUB_ACTIONS")
        .args(&command[1..])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0));
    assert!(dir.path().join("xshard-junit.xml").is_file());
    assert!(dir.path().join("counterexamples").is_dir());
}

#[test]
fn the_documented_example_suite_is_valid() {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/ci/gate.md"))
            .expect("docs/ci/gate.md exists");
    let start = doc.find("```toml\n").expect("an example suite") + "```toml\n".len();
    let end = start + doc[start..].find("```").expect("its end");
    let checks = gate::suite::parse(&doc[start..end], "gate.md", &Registry::builtin())
        .expect("the example is valid");
    let names: Vec<&str> = checks.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "tla-two-phase/revert-after-vote rms=3",
            "2PC blocks when the coordinator crashes",
            "tla-two-phase/default rms=8 timeout=60"
        ]
    );
}
