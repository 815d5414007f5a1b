//! `three-phase-commit` (issue 13, point 4) and the kernel's partition fault: verdicts, exact
//! distinct-state counts and counterexample lengths through the CLI, S7's counterexample step
//! by step, how the partition is reported, charted and refused, and what `--partitions 1`
//! does to the seed protocols.

use crate::helpers::{all, first, json_lines, run};

/// (exit code, verdict, distinct states, per property "name=status[length]").
fn check(model: &str, args: &[&str]) -> (i32, String, u64, Vec<String>, Vec<serde_json::Value>) {
    let mut full = vec!["check", model];
    full.extend_from_slice(args);
    full.extend_from_slice(&["--format", "json", "--render", "none"]);
    let (code, out, err) = run(&full);
    assert_ne!(code, 2, "{args:?}: {err}");
    let lines = json_lines(&out);
    let s = first(&lines, "summary");
    let props = all(&lines, "property")
        .into_iter()
        .map(|p| {
            let len = p["length"]
                .as_u64()
                .map(|n| n.to_string())
                .unwrap_or_default();
            format!(
                "{}={}{len}",
                p["name"].as_str().unwrap_or_default(),
                &p["status"].as_str().unwrap_or_default()[..1]
            )
        })
        .collect();
    (
        code,
        s["verdict"].as_str().unwrap_or_default().to_string(),
        s["distinct_states"].as_u64().unwrap_or_default(),
        props,
        lines,
    )
}

fn expect(model: &str, args: &[&str], distinct: u64, props: &str) -> Vec<serde_json::Value> {
    let (code, verdict, n, got, lines) = check(model, args);
    assert_eq!(got.join(" "), props, "{model} {args:?}");
    assert_eq!(n, distinct, "{model} {args:?}");
    let violated = props.contains("=v");
    assert_eq!(
        (code, verdict.as_str()),
        if violated {
            (1, "violated")
        } else {
            (0, "holds")
        },
        "{model} {args:?}"
    );
    lines
}

const TPC: &str = "three-phase-commit";

#[test]
fn three_phase_commit_holds_under_crash_stop_of_all_sites_but_one() {
    // The defaults: 2 participants, clocked Δ = 1, --crashes 2, crash-stop.
    let all_hold = "atomicity=h deadlock_freedom=h progress=h can_commit=w11 can_abort=w3";
    expect(TPC, &[], 13_261, all_hold);
    expect(TPC, &["--crashes", "1"], 6_039, all_hold);
    expect(TPC, &["--delta", "2"], 46_980, all_hold);
    expect(
        TPC,
        &["--crashes", "0"],
        740,
        "atomicity=h deadlock_freedom=h progress=h can_commit=w12 can_abort=w4",
    );
}

#[test]
fn a_partition_splits_the_decision_s7() {
    let lines = expect(
        TPC,
        &["--partitions", "1", "--crashes", "0"],
        16_879,
        "atomicity=v21 deadlock_freedom=h progress=h can_commit=w12 can_abort=w4",
    );
    let ce = all(&lines, "counterexample")
        .into_iter()
        .find(|t| t["property"] == "atomicity")
        .expect("a counterexample");
    assert_eq!(
        ce["explanation"],
        "tx1 committed on shard-a but aborted on shard-b"
    );
    let steps: Vec<String> = ce["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter(|s| s["event"] != "tick")
        .map(|s| {
            format!(
                "{} {} {}",
                s["node"].as_str().unwrap_or("-"),
                s["event"].as_str().unwrap_or_default(),
                s["detail"].as_str().unwrap_or_default()
            )
        })
        .collect();
    // PROTOCOLS.md §4.4: both vote yes, PreCommit reaches shard-a only (the partition takes
    // the one to shard-b), shard-b's termination protocol sees only itself uncertain and
    // aborts, the coordinator times out in p and commits, and so does shard-a.
    assert_eq!(
        steps,
        [
            "shard-a deliver CanCommit",
            "coordinator deliver Vote(true)",
            "shard-b deliver CanCommit",
            "coordinator deliver Vote(true)",
            "shard-a deliver PreCommit",
            "coordinator deliver Ack",
            "coordinator timeout Send",
            "- partition shard-a, coordinator | shard-b",
            "coordinator timeout Wait",
            "shard-a deliver DoCommit",
            "coordinator timeout Send",
            "shard-b timeout Wait",
            "shard-b timeout Collect",
        ]
    );
    // What the partition took, step by step: the PreCommit in flight to shard-b, then what
    // was sent across the cut.
    let lost: Vec<(u64, String)> = ce["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .enumerate()
        .flat_map(|(i, s)| {
            s["lost"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(move |m| {
                    (
                        i as u64 + 1,
                        format!("{} -> {}: {}", m["from"], m["to"], m["payload"]),
                    )
                })
        })
        .collect();
    let q = |s: &str| s.replace('\'', "\"");
    assert_eq!(
        lost,
        [
            (9, q("'coordinator' -> 'shard-b': 'PreCommit'")),
            (14, q("'coordinator' -> 'shard-b': 'DoCommit'")),
            (17, q("'shard-b' -> 'shard-a': 'StateReq'")),
            (21, q("'shard-b' -> 'shard-a': 'Abort'")),
        ]
    );
    // With the crash budget as well, a crash mid-broadcast shortens nothing but adds paths.
    expect(
        TPC,
        &["--partitions", "1"],
        136_003,
        "atomicity=v19 deadlock_freedom=h progress=h can_commit=w11 can_abort=w3",
    );
}

#[test]
fn false_time_outs_and_lost_messages_break_it_too_and_two_phase_blocks() {
    expect(
        TPC,
        &["--time", "async"],
        636_109,
        "atomicity=v8 deadlock_freedom=h progress=h can_commit=w7 can_abort=w2",
    );
    expect(
        TPC,
        &["--loss", "1"],
        40_545,
        "atomicity=v21 deadlock_freedom=h progress=h can_commit=w11 can_abort=w3",
    );
    // 2PC with the same termination protocol: safe with one crash, not with two.
    expect(
        TPC,
        &["--variant", "two-phase"],
        5_748,
        "atomicity=v17 deadlock_freedom=h progress=h can_commit=w6 can_abort=w3",
    );
    expect(
        TPC,
        &["--variant", "two-phase", "--crashes", "1"],
        2_824,
        "atomicity=h deadlock_freedom=h progress=h can_commit=w6 can_abort=w3",
    );
}

#[test]
fn partitions_on_the_seed_protocols() {
    // Retransmission until acknowledged rides out a partition.
    expect(
        "two-phase-commit",
        &["--partitions", "1"],
        384_624,
        "atomicity=h deadlock_freedom=h progress=h timeout_revert=h can_commit=w12 can_abort=w3",
    );
    // The hotel cut off after the train sold: the escrow's revert can never reach it.
    expect(
        "train-hotel",
        &["--partitions", "1"],
        3_877,
        "atomicity=h timeout_revert=v12 conservation=h progress=v4 can_commit=w8 can_abort=w7",
    );
}

#[test]
fn the_partition_setting_is_reported_replayed_and_refused_where_it_cannot_act() {
    let (code, out, _) = run(&["check", TPC, "--partitions", "1", "--crashes", "0"]);
    assert_eq!(code, 1);
    let rerun = out
        .lines()
        .find(|l| l.starts_with("re-run: "))
        .expect("a re-run line");
    assert!(
        rerun.contains(" --crashes 0 --partitions 1 --time clocked"),
        "{rerun}"
    );
    assert!(out.contains("kernel: network unordered, loss 0, replay 0, crashes 0, crash-mode stop, partitions 1, copies 2, time clocked"), "{out}");
    // Without a budget the setting is left out of the report and of the files.
    let (_, out, _) = run(&["check", TPC, "--format", "json", "--render", "none"]);
    let lines = json_lines(&out);
    assert!(first(&lines, "begin")["kernel"].get("partitions").is_none());
    let (_, out, _) = run(&["check", TPC]);
    assert!(!out.contains("partitions"), "{out}");
    // A plain model has no network to cut; a budget beyond the maximum is refused.
    let (code, _, err) = run(&["check", "tla-two-phase", "--partitions", "1"]);
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = run(&["check", TPC, "--partitions", "7"]);
    assert_eq!(code, 2);
    assert!(err.contains("partitions"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}

#[test]
fn the_chart_draws_the_partition_as_a_band_and_its_losses_as_crosses() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("tpc-chart");
    let _ = std::fs::remove_dir_all(&dir);
    let d = dir.to_string_lossy().to_string();
    let (code, _, _) = run(&[
        "check",
        TPC,
        "--partitions",
        "1",
        "--crashes",
        "0",
        "--out",
        &d,
        "--render",
        "none",
    ]);
    assert_eq!(code, 1);
    let dot = std::fs::read_dir(dir.join(TPC))
        .expect("written")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "dot"))
        .expect("a chart");
    let text = std::fs::read_to_string(dot).expect("readable");
    // The band: one lilac box per lifeline, each naming whom it is cut off from.
    for (lane, apart) in [
        ("shard-a", "shard-b"),
        ("shard-b", "shard-a, coordinator"),
        ("coordinator", "shard-b"),
    ] {
        let line = format!("label=\"partition: cut off from {apart}\"");
        assert!(text.contains(&line), "{lane}: {line} in\n{text}");
    }
    assert_eq!(text.matches("fillcolor=\"#ecdcff\"").count(), 3);
    assert!(text.contains("label=\"9 partition t=1\""));
    // Four messages lost to the partition, each a red cross.
    assert_eq!(text.matches(" lost to the partition\"").count(), 4);
    assert_eq!(text.matches("label=\"✕\"").count(), 4);
}
