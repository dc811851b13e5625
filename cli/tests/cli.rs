//! Tests of the `memview` command-line tool: outputs compared with what Python and NumPy print
//! for the same data (fixtures written by `scripts/gen_cli_fixtures.py`), every error path's
//! exit code and message, and every example in the `--help` texts run through `sh`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_memview");

fn fixture_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/cli")
}

/// Run the binary with `args`, feeding `stdin`.
fn run_with(args: &[&str], stdin: &[u8]) -> Output {
    use std::io::Write;
    let mut child = Command::new(BIN)
        .args(args)
        .env("RUST_BACKTRACE", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn memview");
    let mut pipe = child.stdin.take().expect("stdin");
    // The child may exit before reading everything; ignore a broken pipe.
    let _ = pipe.write_all(stdin);
    drop(pipe);
    child.wait_with_output().expect("wait for memview")
}

fn run(args: &[&str]) -> Output {
    run_with(args, b"")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run, expect success, return stdout.
fn ok(args: &[&str]) -> String {
    let o = run(args);
    assert!(
        o.status.success(),
        "memview {args:?} failed ({:?}):\n{}",
        o.status.code(),
        stderr(&o)
    );
    stdout(&o)
}

/// Run, expect exit `code` and a stderr containing each of `needles`; no panic, no backtrace.
fn fails(args: &[&str], code: i32, needles: &[&str]) {
    fails_with(args, b"", code, needles)
}

fn fails_with(args: &[&str], stdin: &[u8], code: i32, needles: &[&str]) {
    let o = run_with(args, stdin);
    let err = stderr(&o);
    assert_eq!(
        o.status.code(),
        Some(code),
        "memview {args:?}: expected exit {code}, stderr:\n{err}"
    );
    assert!(
        !err.contains("panicked")
            && !err.contains("RUST_BACKTRACE")
            && !err.contains("stack backtrace"),
        "memview {args:?} panicked:\n{err}"
    );
    for needle in needles {
        assert!(
            err.contains(needle),
            "memview {args:?}: stderr lacks {needle:?}:\n{err}"
        );
    }
}

// ----- the fixture cases -------------------------------------------------------------------

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('\\') => out.push('\\'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Split POSIX shell words (what Python's `shlex.join` writes): single and double quotes,
/// backslash escapes, adjacent quoted parts joined.
fn shell_words(s: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for c in chars.by_ref() {
                    if c == '\'' {
                        break;
                    }
                    cur.push(c);
                }
            }
            '"' => {
                in_word = true;
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' if matches!(chars.peek(), Some('"' | '\\' | '$' | '`')) => {
                            cur.push(chars.next().unwrap_or('\\'))
                        }
                        c => cur.push(c),
                    }
                }
            }
            '\\' => {
                in_word = true;
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

struct Case {
    kind: String,
    loc: String,
    fields: Vec<(String, String)>,
}

impl Case {
    fn get(&self, key: &str) -> &str {
        self.fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .unwrap_or_else(|| panic!("{}: no {key}", self.loc))
    }

    fn args(&self) -> Vec<String> {
        let dir = fixture_dir();
        shell_words(self.get("args"))
            .into_iter()
            .map(|w| w.replace("{dir}", &dir.to_string_lossy()))
            .collect()
    }
}

fn cases() -> Vec<Case> {
    let path = fixture_dir().join("cases.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (run python3 scripts/gen_cli_fixtures.py)",
            path.display()
        )
    });
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
        .map(|(i, l)| {
            let mut parts = l.split('\t');
            let kind = parts.next().unwrap_or_default().to_string();
            let fields = parts
                .map(|p| {
                    let (k, v) = p.split_once('=').unwrap_or((p, ""));
                    (k.to_string(), unescape(v))
                })
                .collect();
            Case {
                kind,
                loc: format!("cases.tsv:{}", i + 1),
                fields,
            }
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Every `run`, `hex` and `bytes` case: our output against Python's.
#[test]
fn fixture_cases_match_python() {
    let dir = fixture_dir().to_string_lossy().into_owned();
    let mut failures = Vec::new();
    let mut count = 0;
    for case in cases() {
        if !matches!(case.kind.as_str(), "run" | "hex" | "bytes") {
            continue;
        }
        count += 1;
        let args = case.args();
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let o = run(&argv);
        if !o.status.success() {
            failures.push(format!(
                "{}: memview {argv:?} failed:\n{}",
                case.loc,
                stderr(&o)
            ));
            continue;
        }
        let (got, want) = match case.kind.as_str() {
            "run" => (stdout(&o), case.get("stdout").replace("{dir}", &dir)),
            "bytes" => (hex(&o.stdout), case.get("hex").to_string()),
            _ => {
                // `N: hex hex ...` lines: drop the prefixes and the spaces.
                let joined: String = stdout(&o)
                    .lines()
                    .skip_while(|l| !l.trim_start().starts_with("0:"))
                    .filter_map(|l| l.split_once(": ").map(|(_, h)| h.replace(' ', "")))
                    .collect();
                (joined, case.get("hex").to_string())
            }
        };
        if got != want {
            failures.push(format!(
                "{}: memview {argv:?}\n  python: {want:?}\n  memview: {got:?}",
                case.loc
            ));
        }
    }
    assert!(count > 80, "only {count} cases read");
    assert!(
        failures.is_empty(),
        "{} of {count} cases differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The tour's Python lines and what Python prints for them.
#[test]
fn tour_shows_what_python_prints() {
    let out = ok(&[]);
    let lines: Vec<(String, String)> = out
        .lines()
        .filter_map(|l| l.trim_start().strip_prefix(">>> "))
        .map(|l| {
            // The Python is separated from the result by at least two spaces.
            match l.split_once("  ") {
                Some((py, res)) => (py.trim().to_string(), res.trim().to_string()),
                None => (l.trim().to_string(), String::new()),
            }
        })
        .collect();
    let mut seen = 0;
    for case in cases().iter().filter(|c| c.kind == "tour") {
        let py = case.get("python");
        let want = case.get("result");
        let found = lines.iter().find(|(p, _)| p == py);
        match found {
            Some((_, got)) => assert_eq!(got, want, "tour line {py:?}"),
            None => panic!("the tour lacks the line >>> {py}\n{out}"),
        }
        seen += 1;
    }
    assert!(seen >= 15);
    assert!(out.contains("the same memory, nothing copied"), "{out}");
    assert!(
        out.contains("   the whole record: (7, 21.5, [1.5, -2.0], b'ABCD')"),
        "{out}"
    );
    assert!(
        out.lines().count() <= 45,
        "the tour should fit one screen:\n{out}"
    );
}

// ----- explain ---------------------------------------------------------------------------------

#[test]
fn explain_named_struct() {
    assert_eq!(
        ok(&["explain", "T{<i:x:<d:y:}"]),
        "\
format 'T{<i:x:<d:y:}'
(the NumPy dialect gives the same layout)

offset  size  order   type  meaning             name
     0    12          T{}   struct of 12 bytes  #0
     0     4  little  i     int32 (int)           x
     4     8  little  d     float64 (double)      y
itemsize 12, alignment 1; one item unpacks to one record (tuple)
"
    );
}

#[test]
fn explain_shows_padding_and_both_dialects() {
    let out = ok(&["explain", "ib"]);
    assert!(out.contains("struct dialect"), "{out}");
    assert!(out.contains("NumPy dialect"), "{out}");
    assert!(
        out.contains("     5     3  -       x     padding (3 bytes)   -"),
        "{out}"
    );
    assert!(out.contains("itemsize 5, alignment 4"), "{out}");
    assert!(out.contains("itemsize 8, alignment 4"), "{out}");

    let out = ok(&["explain", "@hT{i:x:d:y:}:pt:3s:tag:"]);
    for row in [
        "     2     6  -       x     padding (6 bytes)   -",
        "     8    16          T{}   struct of 16 bytes  pt",
        "    12     4  -       x     padding (4 bytes)     -",
        "    16     8  little  d     float64 (double)      pt.y",
        "    24     3  -       3s    bytes[3]            tag",
    ] {
        assert!(out.contains(row), "missing {row:?} in\n{out}");
    }
}

#[test]
fn explain_byte_orders_and_kinds() {
    let out = ok(&["explain", ">h<q=?(2,3)d4w"]);
    let squeezed: Vec<String> = out
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect();
    for row in [
        "0 2 big h int16 (short) #0",
        "2 8 little q int64 (long long) #1",
        "10 1 - ? bool (_Bool) #2",
        "11 48 little (2,3)d 6 x float64 (double) #3",
        "59 16 little 4w UCS-4 text of 4 chars #4",
        "itemsize 75, alignment 1; one item unpacks to a tuple of 5 values",
    ] {
        assert!(
            squeezed.iter().any(|l| l == row),
            "missing {row:?} in\n{out}"
        );
    }
}

#[test]
fn explain_repeat_counts() {
    let out = ok(&["explain", "<2i3sh"]);
    assert!(
        out.contains("     4     4  little  i     int32 (int)    #1"),
        "{out}"
    );
    assert!(
        out.contains("    11     2  little  h     int16 (short)  #3"),
        "{out}"
    );
    assert!(
        out.contains("one item unpacks to a tuple of 4 values"),
        "{out}"
    );
    // Large repeats are one row, never one row per copy.
    let out = ok(&["explain", "4611686018427387903h"]);
    assert!(out.contains("#0..#4611686018427387902"), "{out}");
    assert!(out.lines().count() < 10, "{out}");
}

#[test]
fn explain_bad_format_draws_carets() {
    let o = run(&["explain", "T{i"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    // The message is the format module's; the CLI adds the prefix and keeps the carets aligned
    // under the format, which starts its own line.
    assert!(
        err.starts_with("memview: error: bad format string: "),
        "{err}"
    );
    assert!(err.ends_with("\nT{i\n^^\n"), "{err}");
    fails(&["explain", "<hq!"], 2, &["bad format string", "<hq!"]);
    fails(&["calcsize", "3 i"], 2, &["bad format string", "^"]);
}

// ----- view --------------------------------------------------------------------------------

fn fx(name: &str) -> String {
    fixture_dir().join(name).to_string_lossy().into_owned()
}

#[test]
fn view_header_line() {
    let out = ok(&["view", &fx("f4_fortran.npy")]);
    let mut lines = out.lines();
    assert!(lines
        .next()
        .unwrap()
        .ends_with(".npy v1.0, dtype '<f4', shape (2, 3), Fortran order"));
    assert_eq!(
        lines.next().unwrap(),
        "format '<f', itemsize 4, shape (2, 3), strides (4, 8), offset 128"
    );
    let out = ok(&["view", &fx("records_aligned.npy")]);
    assert!(
        out.contains("format 'T{<H:id:2x<f:temp:(2)<d:pos:4s:tag:4x}', itemsize 32"),
        "{out}"
    );
}

#[test]
fn view_table() {
    let out = ok(&["view", &fx("records.npy"), "--as", "table", "--no-header"]);
    assert_eq!(
        out,
        "\
index  offset  bytes                               x            y     tag
[0]       192  01000000000000000000f83f00000000…   1   [1.5, 2.5]  b'abc'
[1]       215  feffffff000000000000000000000000…  -2  [0.0, -1.0]  b'xyz'
"
    );
    let out = ok(&[
        "view",
        &fx("big.npy"),
        "--as",
        "table",
        "--limit",
        "4",
        "--no-header",
    ]);
    let rows: Vec<&str> = out.lines().collect();
    assert_eq!(rows.len(), 8, "{out}");
    assert_eq!(rows[4], "...");
    assert!(rows[7].starts_with("[199]"), "{out}");
}

#[test]
fn view_stdin_and_raw_npy() {
    let o = run_with(&["view", "-", "--format", "c", "--no-header"], b"QUANT");
    assert!(o.status.success());
    assert_eq!(stdout(&o), "[b'Q', b'U', b'A', b'N', b'T']\n");
    // --raw ignores the .npy header.
    let out = ok(&[
        "view",
        &fx("u1.npy"),
        "--raw",
        "--no-header",
        "--select",
        ":6",
        "--format",
        "c",
    ]);
    assert_eq!(out, "[b'\\x93', b'N', b'U', b'M', b'P', b'Y']\n");
}

#[test]
fn view_trailing_bytes_note() {
    let o = run(&["view", &fx("quantrimang.bin"), "--format", "<i"]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("the last 3 bytes"), "{}", stderr(&o));
}

// ----- error paths -----------------------------------------------------------------------

#[test]
fn view_errors() {
    fails(&["view", &fx("empty.bin")], 1, &["is empty"]);
    fails(
        &["view", &fx("no-such-file.bin")],
        1,
        &["cannot open", "no-such-file.bin"],
    );
    fails(
        &["view", &fixture_dir().to_string_lossy()],
        1,
        &["is a directory"],
    );
    fails(
        &["view", &fx("truncated_data.npy")],
        1,
        &[
            "truncated .npy file",
            "shape (3, 4)",
            "48 bytes of data",
            "only 20 bytes",
        ],
    );
    fails(
        &["view", &fx("truncated_header.npy")],
        1,
        &["truncated .npy file"],
    );
    fails(
        &["view", &fx("bad_header.npy")],
        1,
        &["not a Python dict literal"],
    );
    fails(&["view", &fx("object.npy")], 1, &["object array"]);
    fails(
        &[
            "view",
            &fx("quantrimang.bin"),
            "--shape",
            "4",
            "--format",
            "<i",
        ],
        1,
        &["cannot view", "buffer"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--offset", "100"],
        1,
        &["past the end"],
    );
    fails(
        &[
            "view",
            &fx("quantrimang.bin"),
            "--format",
            "<d",
            "--offset",
            "8",
        ],
        1,
        &["less than one item"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--format", "T{i"],
        2,
        &["bad format string", "^^"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--shape", "3,x"],
        2,
        &["bad shape", "\"x\""],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--strides", "1"],
        2,
        &["--strides needs --shape"],
    );
    fails(
        &[
            "view",
            &fx("quantrimang.bin"),
            "--shape",
            "2,2",
            "--strides",
            "1",
        ],
        2,
        &["strides"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--select", "20"],
        2,
        &["cannot select", "out of bounds"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--select", "1:2:0"],
        2,
        &["cannot select"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--select", "[1"],
        2,
        &["cannot select"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--cast", "d"],
        2,
        &["cannot cast"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--itemsize", "0"],
        2,
        &["itemsize"],
    );
    fails(
        &["view", &fx("quantrimang.bin"), "--as", "yaml"],
        2,
        &["invalid value 'yaml'"],
    );
    fails(
        &[
            "view",
            &fx("quantrimang.bin"),
            "--format",
            "",
            "--shape",
            "3",
        ],
        2,
        &["itemsize 0"],
    );
    fails(&["view", "-", "--format", "<q"], 1, &["- is empty"]);
    fails_with(
        &["view", "-", "--format", "<q"],
        b"abc",
        1,
        &["less than one item"],
    );
    fails(
        &[
            "view",
            &fx("f8_16.bin"),
            "--format",
            "<d",
            "--shape",
            "99999999999999,99999999999999",
        ],
        2,
        &["cannot view"],
    );
}

#[test]
fn struct_errors() {
    fails(
        &["unpack", "<hd?", "feff"],
        1,
        &["unpack requires a buffer of 11 bytes", "got 2 bytes"],
    );
    fails(&["unpack", "<h", "fef"], 2, &["odd number"]);
    fails(&["unpack", "<h", "zz00"], 2, &["'z'", "not a hex digit"]);
    fails(&["unpack", "<h"], 2, &["no data"]);
    fails(&["unpack", "<h", "0000", "--file", "x"], 2, &["not both"]);
    fails(&["unpack", "T{", "00"], 2, &["bad format string"]);
    fails(
        &["unpack", "<h", "--file", &fx("no-such")],
        1,
        &["cannot open"],
    );
    fails(
        &["pack", "b", "300"],
        1,
        &["'b' format requires -128 <= number <= 127"],
    );
    fails(
        &["pack", "<hd?", "1"],
        2,
        &["pack expected 3 items for packing (got 1)"],
    );
    fails(
        &["pack", "<h", "abc"],
        2,
        &["not a Python literal", "unknown name"],
    );
    fails(
        &["pack", "<h", "'unterminated"],
        2,
        &["unterminated string"],
    );
    fails(
        &["pack", "<h", "1.5"],
        1,
        &["required argument is not an integer"],
    );
    fails(
        &["pack", "<4s", "'text'"],
        1,
        &["argument for 's' must be a bytes object"],
    );
    fails(&["pack", "<h", "None"], 2, &["None cannot be packed"]);
    fails(&["calcsize", "Q{"], 2, &["bad format string"]);
    fails(&["frobnicate"], 2, &["unrecognized subcommand"]);
    fails(&["view"], 2, &["FILE"]);
}

#[test]
fn pack_raw_and_literals() {
    let o = run(&["pack", "<hd?", "-2", "1.5", "True", "--raw"]);
    assert!(o.status.success());
    assert_eq!(hex(&o.stdout), "feff000000000000f83f01");
    assert_eq!(
        ok(&["pack", "T{<i:x:<d:y:}", "(1, 2.5)"]),
        "010000000000000000000440\n"
    );
    assert_eq!(ok(&["pack", "<(2)h", "[1, -1]"]), "0100ffff\n");
    assert_eq!(
        ok(&["pack", "<Zd", "1+2j"]),
        "000000000000f03f0000000000000040\n"
    );
    assert_eq!(ok(&["pack", "<2w", "'é'"]), "e900000000000000\n");
    fails_with(
        &["unpack", "<Zd", "--file", "-"],
        b"",
        1,
        &["requires a buffer of 16 bytes", "got 0 bytes"],
    );
    // `-` as the only HEX argument reads stdin.
    let piped = run_with(&["unpack", "<hd?", "-"], &o.stdout);
    assert_eq!(stdout(&piped), "(-2, 1.5, True)\n");
}

#[test]
fn help_is_available_for_every_subcommand() {
    for sub in ["view", "explain", "calcsize", "pack", "unpack"] {
        let out = ok(&[sub, "--help"]);
        assert!(
            out.contains("Examples:"),
            "{sub} --help has no examples:\n{out}"
        );
    }
    assert!(ok(&["--help"]).contains("Exit codes"));
    assert!(ok(&["--version"]).starts_with("memview "));
}

// ----- the --help examples, run as written ------------------------------------------------

/// A scratch directory with the files the help examples name.
fn example_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("memview-cli-examples-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    let copy = |from: &str, to: &str| {
        std::fs::copy(fixture_dir().join(from), dir.join(to)).expect("copy fixture");
    };
    copy("i4_2d.npy", "data.npy");
    copy("records_nested.npy", "records.npy");
    copy("f8_16.bin", "dump.bin");
    std::fs::write(
        dir.join("record.bin"),
        [0xfe, 0xff, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 1],
    )
    .expect("record.bin");
    dir
}

/// The example commands of a help text: lines `  memview ...` or `  printf ... | memview ...`,
/// with the expected output when a `# comment` gives one.
fn examples(help: &str) -> Vec<(String, Option<String>)> {
    help.lines()
        .skip_while(|l| !l.starts_with("Examples:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(|l| {
            let l = l.trim();
            match l.split_once("  #") {
                Some((cmd, comment)) => (cmd.trim().to_string(), Some(comment.trim().to_string())),
                None => (l.to_string(), None),
            }
        })
        .collect()
}

#[test]
fn help_examples_work_when_copied() {
    let dir = example_dir();
    let bin_dir = Path::new(BIN).parent().expect("bin dir");
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut total = 0;
    for sub in [
        None,
        Some("view"),
        Some("explain"),
        Some("calcsize"),
        Some("pack"),
        Some("unpack"),
    ] {
        let help = match sub {
            None => ok(&["--help"]),
            Some(s) => ok(&[s, "--help"]),
        };
        let found = examples(&help);
        assert!(!found.is_empty(), "{sub:?}: no examples in\n{help}");
        for (cmd, expect) in found {
            total += 1;
            let o = Command::new("sh")
                .arg("-c")
                .arg(format!("set -e; {cmd}"))
                .current_dir(&dir)
                .env("PATH", &path)
                .output()
                .expect("sh");
            assert!(
                o.status.success(),
                "example `{cmd}` failed ({:?}):\n{}",
                o.status.code(),
                stderr(&o)
            );
            let out = stdout(&o);
            if let Some(expect) = expect {
                let first_word = expect
                    .split_whitespace()
                    .next()
                    .unwrap_or("")
                    .trim_end_matches(',');
                if !expect.contains(' ') || expect.starts_with('(') {
                    assert_eq!(out.trim(), expect, "example `{cmd}`");
                } else if first_word.parse::<usize>().is_ok() {
                    assert!(
                        out.starts_with(first_word),
                        "example `{cmd}` printed {out:?}"
                    );
                }
            }
        }
    }
    assert!(total >= 20, "only {total} examples");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn view_struct_formats_cast_and_numpy_dialect() {
    // A format with ':' in it, then a cast shape after the last ':'.
    assert_eq!(
        ok(&[
            "view",
            &fx("f8_16.bin"),
            "--cast",
            "T{<d:x:<d:y:}:2,4",
            "--no-header"
        ]),
        "[[(0.0, 1.0), (2.0, 3.0), (4.0, 5.0), (6.0, 7.0)], \
         [(8.0, 9.0), (10.0, 11.0), (12.0, 13.0), (14.0, 15.0)]]\n"
    );
    assert_eq!(
        ok(&["view", &fx("f8_16.bin"), "--format", "T{<d:x:<d:y:}", "--select", "::3", "--as", "json"]),
        "{\"format\": \"T{<d:x:<d:y:}\", \"itemsize\": 16, \"shape\": [3], \"strides\": [48], \
         \"data\": [{\"x\": 0.0, \"y\": 1.0}, {\"x\": 6.0, \"y\": 7.0}, {\"x\": 12.0, \"y\": 13.0}]}\n"
    );
    assert_eq!(ok(&["calcsize", "ib"]), "5\n");
    assert_eq!(ok(&["calcsize", "ib", "--numpy"]), "8\n");
    let out = ok(&["view", &fx("quantrimang.bin"), "--format", "ib", "--numpy"]);
    assert!(
        out.starts_with("format 'ib', itemsize 8, shape (1,), strides (8,), offset 0\n"),
        "{out}"
    );
    // A strided selection in a table: byte offsets in the file.
    assert_eq!(
        ok(&[
            "view",
            &fx("i4_2d.npy"),
            "--as",
            "table",
            "--select",
            "::2, ::3",
            "--no-header"
        ]),
        "\
index   offset  bytes     value
[0, 0]     128  00000000      0
[0, 1]     140  03000000      3
[1, 0]     160  08000000      8
[1, 1]     172  0b000000     11
"
    );
}

// ----- --field, --save, named table columns --------------------------------------------------

/// A file of `tests/fixtures/npy_write/` (`scripts/gen_npy_write_fixtures.py`: `np.save`
/// output).
fn npy_fx(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/npy_write")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("memview-cli-save-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir.join(name)
}

#[test]
fn view_field_picks_named_fields() {
    // [('id', '<u4'), ('pt', [('x', '<f4'), ('y', '<f4')]), ('flags', 'u1', (3,))]
    let rec = fx("records_nested.npy");
    let values = |extra: &[&str]| {
        let mut args = vec!["view", rec.as_str(), "--no-header"];
        args.extend_from_slice(extra);
        ok(&args)
    };
    // NumPy: a.tolist(), a['id'], a['pt'], a['pt']['y'], a['flags'][::-1].
    assert_eq!(
        values(&[]),
        "[(1, (0.5, -0.5), [1, 2, 3]), (2, (1.5, 2.5), [4, 5, 6])]\n"
    );
    assert_eq!(values(&["--field", "id"]), "[1, 2]\n");
    assert_eq!(values(&["--field", "pt"]), "[(0.5, -0.5), (1.5, 2.5)]\n");
    assert_eq!(values(&["--field", "pt.y"]), "[-0.5, 2.5]\n");
    assert_eq!(
        values(&["--field", "flags", "--select", "::-1"]),
        "[[4, 5, 6], [1, 2, 3]]\n"
    );
    // After --select, with the header line showing the field's own view.
    let out = ok(&["view", &rec, "--select", "1", "--field", "pt.x"]);
    assert!(out.lines().nth(1).unwrap().starts_with("format '"), "{out}");
    fails(
        &["view", &rec, "--field", "pos"],
        2,
        &[
            "--field: ",
            "has no field named 'pos'",
            "'id', 'pt', 'flags'",
        ],
    );
    fails(
        &["view", &rec, "--field", "pt.z"],
        2,
        &["--field 'pt.z'", "'z'"],
    );
    fails(
        &["view", &fx("i4_2d.npy"), "--field", "x"],
        2,
        &["has no field named 'x'"],
    );
}

#[test]
fn view_table_labels_named_items() {
    // A top-level list of named items (not a T{...} record): columns by name, counted items
    // numbered, unnamed ones by position.
    let out = ok(&[
        "view",
        &fx("quantrimang.bin"),
        "--format",
        "<h:a:c:b:2B:c:",
        "--as",
        "table",
        "--no-header",
    ]);
    assert_eq!(
        out,
        "\
index  offset  bytes           a     b  c[0]  c[1]
[0]         0  5155414e54  21841  b'A'    78    84
[1]         5  52494d414e  18770  b'M'    65    78
"
    );
    assert_eq!(
        ok(&[
            "view",
            &fx("quantrimang.bin"),
            "--format",
            "<h:a:cc",
            "--as",
            "table",
            "--no-header"
        ]),
        "\
index  offset  bytes         a    #1    #2
[0]         0  5155414e  21841  b'A'  b'N'
[1]         4  5452494d  21076  b'I'  b'M'
"
    );
}

#[test]
fn view_save_writes_what_np_save_writes() {
    // base_i4.npy is np.arange(20, dtype='<i4').reshape(4, 5); sel_01.npy is np.save of
    // base[::-1], sel_03.npy of base[::2, ::-3] (scripts/gen_npy_write_fixtures.py).
    for (sel, expected) in [("::-1", "sel_01.npy"), ("::2, ::-3", "sel_03.npy")] {
        let path = scratch(expected);
        let p = path.to_string_lossy().into_owned();
        let out = ok(&[
            "view",
            &npy_fx("base_i4.npy"),
            "--select",
            sel,
            "--save",
            &p,
        ]);
        assert!(
            out.starts_with(&format!("saved {p}: .npy v1.0, dtype '<i4', shape (")),
            "{out}"
        );
        assert_eq!(
            std::fs::read(&path).unwrap(),
            std::fs::read(npy_fx(expected)).unwrap(),
            "--select {sel:?}"
        );
    }
    // Fortran order stays Fortran order, without a copy; a 0-d selection; quiet with --no-header.
    let path = scratch("fortran.npy");
    let p = path.to_string_lossy().into_owned();
    let out = ok(&["view", &npy_fx("fortran_2d.npy"), "--save", &p]);
    assert!(out.contains("Fortran order, 96 bytes of data"), "{out}");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(npy_fx("fortran_2d.npy")).unwrap()
    );
    assert_eq!(
        ok(&[
            "view",
            &npy_fx("base_i4.npy"),
            "--select",
            "1, 2",
            "--save",
            &p,
            "--no-header"
        ]),
        ""
    );
    assert_eq!(ok(&["view", &p, "--no-header"]), "7\n");
    // To stdout, for a pipe.
    let o = run(&["view", &npy_fx("big_endian_fields.npy"), "--save", "-"]);
    assert!(o.status.success());
    assert_eq!(
        o.stdout,
        std::fs::read(npy_fx("big_endian_fields.npy")).unwrap()
    );
    let back = run_with(&["view", "-", "--field", "b", "--no-header"], &o.stdout);
    assert_eq!(
        stdout(&back),
        ok(&[
            "view",
            &npy_fx("big_endian_fields.npy"),
            "--field",
            "b",
            "--no-header"
        ])
    );
    // Cast and field views: what memview reads back is what it printed.
    let path = scratch("cast.npy");
    let p = path.to_string_lossy().into_owned();
    ok(&[
        "view",
        &fx("f8_16.bin"),
        "--format",
        "T{<d:x:<d:y:}",
        "--select",
        "::-2",
        "--save",
        &p,
    ]);
    assert_eq!(
        ok(&["view", &p, "--no-header"]),
        ok(&[
            "view",
            &fx("f8_16.bin"),
            "--format",
            "T{<d:x:<d:y:}",
            "--select",
            "::-2",
            "--no-header"
        ])
    );
    ok(&[
        "view",
        &fx("records_nested.npy"),
        "--field",
        "pt.y",
        "--save",
        &p,
    ]);
    assert_eq!(
        ok(&["view", &p, "--no-header"]),
        ok(&[
            "view",
            &fx("records_nested.npy"),
            "--field",
            "pt.y",
            "--no-header"
        ])
    );
    // What NumPy cannot hold, and a file that cannot be written.
    fails(
        &[
            "view",
            &fx("quantrimang.bin"),
            "--format",
            "P",
            "--save",
            &p,
        ],
        2,
        &[
            "cannot save the view: format 'P' has no NumPy dtype",
            "a pointer",
        ],
    );
    fails(
        &[
            "view",
            &fx("quantrimang.bin"),
            "--save",
            "/nonexistent/dir/x.npy",
        ],
        1,
        &["cannot write /nonexistent/dir/x.npy: /nonexistent/dir/x.npy: "],
    );
    let _ = std::fs::remove_dir_all(path.parent().unwrap());
}
