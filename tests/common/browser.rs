//! Headless Chromium for the tests, driven over the DevTools protocol on a pipe
//! (`--remote-debugging-pipe`: JSON messages ended by a NUL, commands on the browser's fd 3,
//! answers and events on its fd 4). The protocol, not `--dump-dom`, because `--dump-dom`
//! reads the page with the page's own JavaScript (`Runtime.evaluate`), so with scripts off it
//! dumps nothing; `DOM.getOuterHTML`, `DOM.getBoxModel` and `Page.captureScreenshot` work
//! either way.
//!
//! What a page logs is read from the protocol's events, collected from before the navigation:
//! `Runtime.consoleAPICalled` (console.error, .warn, .assert), `Runtime.exceptionThrown`
//! (uncaught exceptions, syntax errors, unhandled rejections) and `Log.entryAdded` (failed
//! loads, CSP refusals, interventions) of level warning or error.
//!
//! A session lives at most `DEADLINE`; past it the browser's process group is killed and the
//! test fails, so a hung Chromium cannot hang CI.
#![allow(dead_code)]

use base64::Engine;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// The longest a browser session may take, launch to last answer.
pub const DEADLINE: Duration = Duration::from_secs(60);

/// Screenshots stop growing here (Chromium's largest texture); a chart below it is reported.
const MAX_HEIGHT: u32 = 16384;

/// The Chromium to test with: `$CHROMIUM`, else `chromium` or `chromium-browser` on PATH.
/// When there is none the caller skips with a notice, unless `FLAKELOG_BROWSER_REQUIRED=1`
/// (CI), which makes it a failure.
pub fn chromium() -> Option<PathBuf> {
    let found = match std::env::var_os("CHROMIUM") {
        Some(path) if !path.is_empty() => Some(PathBuf::from(path)),
        _ => ["chromium", "chromium-browser"].iter().find_map(|name| {
            std::env::split_paths(&std::env::var_os("PATH")?)
                .map(|dir| dir.join(name))
                .find(|p| p.is_file())
        }),
    };
    if found.is_none() {
        assert!(
            std::env::var("FLAKELOG_BROWSER_REQUIRED").as_deref() != Ok("1"),
            "FLAKELOG_BROWSER_REQUIRED=1 but no chromium: set CHROMIUM or put chromium on PATH"
        );
        eprintln!(
            "NOTICE: no chromium (set CHROMIUM or put chromium on PATH): browser test skipped"
        );
    }
    found
}

/// A rectangle in CSS pixels of the page (the screenshot's pixels: scale factor 1, the
/// viewport as tall as the page, never scrolled).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    fn from_quad(q: &Value) -> Option<Rect> {
        let q: Vec<f64> = q.as_array()?.iter().filter_map(Value::as_f64).collect();
        if q.len() != 8 {
            return None;
        }
        let xs = [q[0], q[2], q[4], q[6]];
        let ys = [q[1], q[3], q[5], q[7]];
        let (x0, x1) = (
            xs.iter().copied().fold(f64::MAX, f64::min),
            xs.iter().copied().fold(f64::MIN, f64::max),
        );
        let (y0, y1) = (
            ys.iter().copied().fold(f64::MAX, f64::min),
            ys.iter().copied().fold(f64::MIN, f64::max),
        );
        Some(Rect {
            x: x0,
            y: y0,
            w: x1 - x0,
            h: y1 - y0,
        })
    }

    pub fn centre(&self) -> (f64, f64) {
        (self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

pub type Rgb = [u8; 3];

/// One `svg[role=img]`: where it is, and the colours its shapes are painted with (computed
/// style: fills of shapes at least 3×3 px, strokes at least 2 px wide; opaque ones only, as
/// those must show as they are).
#[derive(Debug, Clone)]
pub struct Chart {
    pub name: String,
    pub rect: Rect,
    pub colours: Vec<Rgb>,
}

/// A decoded screenshot, RGB.
pub struct Shot {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
    pub png: Vec<u8>,
}

impl Shot {
    fn decode(png_bytes: Vec<u8>) -> Shot {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(&png_bytes));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder.read_info().expect("screenshot: PNG header");
        let mut buf = vec![0; reader.output_buffer_size().expect("screenshot: size")];
        let info = reader.next_frame(&mut buf).expect("screenshot: PNG data");
        buf.truncate(info.buffer_size());
        let pixels = match info.color_type {
            png::ColorType::Rgb => buf,
            png::ColorType::Rgba => buf
                .chunks_exact(4)
                .flat_map(|p| [p[0], p[1], p[2]])
                .collect(),
            other => panic!("screenshot: unexpected PNG colour type {other:?}"),
        };
        Shot {
            width: info.width,
            height: info.height,
            pixels,
            png: png_bytes,
        }
    }

    pub fn pixel(&self, x: u32, y: u32) -> Rgb {
        let i = (y as usize * self.width as usize + x as usize) * 3;
        [self.pixels[i], self.pixels[i + 1], self.pixels[i + 2]]
    }

    /// Keep the screenshot where a failing test says, to look at.
    pub fn keep(&self, name: &str) -> PathBuf {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, &self.png).unwrap();
        path
    }

    /// What is wrong with how `chart` shows in this screenshot: empty when it is inside the
    /// picture, not one flat colour, and every colour of its shapes is there (within 6 per
    /// channel, for colour-management rounding).
    pub fn chart_problems(&self, chart: &Chart) -> Vec<String> {
        let r = chart.rect;
        let (x0, y0) = (r.x.max(0.0).floor() as u32, r.y.max(0.0).floor() as u32);
        let (x1, y1) = ((r.x + r.w).ceil() as u32, (r.y + r.h).ceil() as u32);
        if r.w < 1.0 || r.h < 1.0 {
            return vec![format!("{}: has no size ({r:?})", chart.name)];
        }
        if x1 > self.width || y1 > self.height {
            return vec![format!(
                "{}: {r:?} is outside the {}x{} screenshot",
                chart.name, self.width, self.height
            )];
        }
        let mut seen = std::collections::HashSet::new();
        for y in y0..y1 {
            for x in x0..x1 {
                seen.insert(self.pixel(x, y));
            }
        }
        let mut problems = Vec::new();
        if seen.len() < 2 {
            problems.push(format!(
                "{}: blank, every pixel of {r:?} is {:?}",
                chart.name,
                seen.iter().next()
            ));
        }
        for c in &chart.colours {
            let near = |p: &Rgb| p.iter().zip(c).all(|(a, b)| a.abs_diff(*b) <= 6);
            if !seen.iter().any(near) {
                problems.push(format!(
                    "{}: its colour #{:02x}{:02x}{:02x} is nowhere in {r:?}",
                    chart.name, c[0], c[1], c[2]
                ));
            }
        }
        problems
    }
}

/// One page in its own headless Chromium (fresh profile, killed on drop).
pub struct Page {
    child: Child,
    input: ChildStdin,
    output: Receiver<Value>,
    events: Vec<Value>,
    next_id: u64,
    session: String,
    started: Instant,
    width: u32,
    height: u32,
    dir: tempfile::TempDir,
}

impl Page {
    /// `path` (an HTML file) in a `width`×`height` window, scripts on or off, once loaded.
    pub fn open(chromium: &Path, path: &Path, scripts: bool, width: u32, height: u32) -> Page {
        // the browser's profile (a fresh one each time) and what it says on stderr
        let dir = tempfile::tempdir().unwrap();
        let stderr = std::fs::File::create(dir.path().join("stderr")).unwrap();
        let mut cmd = Command::new("sh");
        // fd 3 reads the commands, fd 4 writes the answers; stdout is not the protocol's
        cmd.arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#)
            .arg(chromium)
            .args([
                "--headless",
                // the sandbox refuses to run as root (CI); the pages are the tests' own
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
                "--hide-scrollbars",
                "--force-device-scale-factor=1",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-extensions",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--mute-audio",
            ])
            .arg(format!("--window-size={width},{height}"))
            .arg(format!(
                "--user-data-dir={}",
                dir.path().join("profile").display()
            ));
        if !scripts {
            cmd.arg("--blink-settings=scriptEnabled=false");
        }
        cmd.arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(stderr)
            .process_group(0);
        let mut child = cmd.spawn().expect("start chromium");
        let input = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, output) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            let mut message = Vec::new();
            while reader.read_until(0, &mut message).is_ok_and(|n| n > 0) {
                if message.last() == Some(&0) {
                    message.pop();
                }
                if let Ok(v) = serde_json::from_slice::<Value>(&message)
                    && tx.send(v).is_err()
                {
                    break;
                }
                message.clear();
            }
        });
        let mut page = Page {
            child,
            input,
            output,
            events: Vec::new(),
            next_id: 0,
            session: String::new(),
            started: Instant::now(),
            width,
            height,
            dir,
        };
        let target = page.call("Target.createTarget", json!({"url": "about:blank"}));
        let attached = page.call(
            "Target.attachToTarget",
            json!({"targetId": target["targetId"], "flatten": true}),
        );
        page.session = attached["sessionId"].as_str().unwrap().to_string();
        for domain in ["Page", "Runtime", "Log", "DOM", "CSS"] {
            page.call(&format!("{domain}.enable"), json!({}));
        }
        page.resize(height);
        let url = format!("file://{}", path.canonicalize().unwrap().display());
        let nav = page.call("Page.navigate", json!({"url": url}));
        assert!(nav.get("errorText").is_none(), "{url}: {nav}");
        page.wait_for("Page.loadEventFired");
        if scripts {
            // let timers and promise rejections of the load run, and a frame be drawn
            page.call(
                "Runtime.evaluate",
                json!({"expression": "new Promise(r => requestAnimationFrame(() => setTimeout(r, 50)))", "awaitPromise": true}),
            );
        }
        page
    }

    fn left(&self) -> Duration {
        DEADLINE.saturating_sub(self.started.elapsed())
    }

    fn receive(&mut self) -> Value {
        let what = match self.output.recv_timeout(self.left()) {
            Ok(v) => return v,
            Err(RecvTimeoutError::Timeout) => format!("no answer within {DEADLINE:?}, killed"),
            Err(RecvTimeoutError::Disconnected) => "exited".to_string(),
        };
        let said = std::fs::read_to_string(self.dir.path().join("stderr")).unwrap_or_default();
        let tail: Vec<&str> = said.lines().rev().take(20).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        panic!(
            "chromium: {what}; the end of its stderr:\n{}",
            tail.join("\n")
        )
    }

    /// A protocol command on the page (or on the browser before there is a page); the error
    /// the protocol answers with, as text.
    pub fn try_call(&mut self, method: &str, params: Value) -> Result<Value, String> {
        self.next_id += 1;
        let id = self.next_id;
        let mut msg = json!({"id": id, "method": method, "params": params});
        if !self.session.is_empty() {
            msg["sessionId"] = json!(self.session);
        }
        let mut bytes = serde_json::to_vec(&msg).unwrap();
        bytes.push(0);
        self.input
            .write_all(&bytes)
            .and_then(|()| self.input.flush())
            .expect("chromium: write a command");
        loop {
            let v = self.receive();
            if v["id"].as_u64() == Some(id) {
                return match v.get("error") {
                    Some(e) => Err(format!("{method}: {e}")),
                    None => Ok(v["result"].clone()),
                };
            }
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    pub fn call(&mut self, method: &str, params: Value) -> Value {
        self.try_call(method, params).unwrap()
    }

    fn wait_for(&mut self, event: &str) {
        let mut checked = 0;
        loop {
            if self.events[checked..].iter().any(|e| e["method"] == event) {
                return;
            }
            checked = self.events.len();
            let v = self.receive();
            if v.get("method").is_some() {
                self.events.push(v);
            }
        }
    }

    fn resize(&mut self, height: u32) {
        self.height = height;
        self.call(
            "Emulation.setDeviceMetricsOverride",
            json!({"width": self.width, "height": height, "deviceScaleFactor": 1, "mobile": false}),
        );
    }

    /// Console errors and warnings, uncaught exceptions and logged errors and warnings, since
    /// before the page began to load.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        for e in &self.events {
            let p = &e["params"];
            match e["method"].as_str() {
                Some("Runtime.consoleAPICalled")
                    if ["error", "warning", "assert"]
                        .contains(&p["type"].as_str().unwrap_or("")) =>
                {
                    let args: Vec<String> = p["args"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|a| {
                            a["value"]
                                .as_str()
                                .map_or_else(|| a["value"].to_string(), str::to_string)
                        })
                        .collect();
                    problems.push(format!(
                        "console.{}: {}",
                        p["type"].as_str().unwrap(),
                        args.join(" ")
                    ));
                }
                Some("Runtime.exceptionThrown") => {
                    let d = &p["exceptionDetails"];
                    problems.push(format!(
                        "uncaught: {} {}",
                        d["text"].as_str().unwrap_or(""),
                        d["exception"]["description"].as_str().unwrap_or("")
                    ));
                }
                Some("Log.entryAdded")
                    if ["error", "warning"]
                        .contains(&p["entry"]["level"].as_str().unwrap_or("")) =>
                {
                    problems.push(format!(
                        "log {} ({}): {} {}",
                        p["entry"]["level"].as_str().unwrap_or(""),
                        p["entry"]["source"].as_str().unwrap_or(""),
                        p["entry"]["text"].as_str().unwrap_or(""),
                        p["entry"]["url"].as_str().unwrap_or("")
                    ));
                }
                _ => {}
            }
        }
        problems
    }

    /// The document as the browser has it now, serialized.
    pub fn html(&mut self) -> String {
        let root = self.call("DOM.getDocument", json!({"depth": 0}))["root"]["nodeId"].clone();
        self.call("DOM.getOuterHTML", json!({"nodeId": root}))["outerHTML"]
            .as_str()
            .unwrap()
            .to_string()
    }

    /// The serialized HTML of each element `selector` matches, in document order.
    pub fn outer_html(&mut self, selector: &str) -> Vec<String> {
        let root = self.call("DOM.getDocument", json!({"depth": 0}))["root"]["nodeId"].clone();
        self.select(&root, selector)
            .iter()
            .map(|n| {
                self.call("DOM.getOuterHTML", json!({"nodeId": n}))["outerHTML"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    }

    fn select(&mut self, node: &Value, selector: &str) -> Vec<Value> {
        self.call(
            "DOM.querySelectorAll",
            json!({"nodeId": node, "selector": selector}),
        )["nodeIds"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn rect(&mut self, node: &Value) -> Option<Rect> {
        let model = self
            .try_call("DOM.getBoxModel", json!({"nodeId": node}))
            .ok()?;
        Rect::from_quad(&model["model"]["border"])
    }

    /// Where each element `selector` matches is, in document order (`None`: not rendered).
    pub fn rects(&mut self, selector: &str) -> Vec<Option<Rect>> {
        let root = self.call("DOM.getDocument", json!({"depth": 0}))["root"]["nodeId"].clone();
        self.select(&root, selector)
            .iter()
            .map(|n| self.rect(n))
            .collect()
    }

    /// Every `svg[role=img]`, with its colours.
    pub fn charts(&mut self) -> Vec<Chart> {
        let root = self.call("DOM.getDocument", json!({"depth": 0}))["root"]["nodeId"].clone();
        let mut charts = Vec::new();
        for (i, svg) in self.select(&root, "svg[role=img]").iter().enumerate() {
            let attrs =
                self.call("DOM.getAttributes", json!({"nodeId": svg}))["attributes"].clone();
            let attrs: Vec<&str> = attrs
                .as_array()
                .unwrap()
                .iter()
                .filter_map(Value::as_str)
                .collect();
            let id = attrs
                .chunks(2)
                .find(|kv| kv[0] == "id")
                .map_or("", |kv| kv[1]);
            let name = format!("svg[role=img] #{i} {id}");
            let rect = self.rect(svg).unwrap_or(Rect {
                x: 0.0,
                y: 0.0,
                w: 0.0,
                h: 0.0,
            });
            let mut colours = Vec::new();
            for shape in self.select(svg, "rect, circle, ellipse, path, polygon, polyline, line") {
                let Some(r) = self.rect(&shape) else { continue };
                let style = self.call("CSS.getComputedStyleForNode", json!({"nodeId": shape}));
                let prop = |name: &str| -> String {
                    style["computedStyle"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .find(|p| p["name"] == name)
                        .and_then(|p| p["value"].as_str())
                        .unwrap_or("")
                        .to_string()
                };
                let width: f64 = prop("stroke-width")
                    .trim_end_matches("px")
                    .parse()
                    .unwrap_or(0.0);
                let painted = [
                    (prop("fill"), r.w >= 3.0 && r.h >= 3.0),
                    (prop("stroke"), width >= 2.0),
                ];
                for (paint, big_enough) in painted {
                    if let Some(c) = opaque_rgb(&paint)
                        && big_enough
                        && !colours.contains(&c)
                    {
                        colours.push(c);
                    }
                }
            }
            charts.push(Chart {
                name,
                rect,
                colours,
            });
        }
        charts
    }

    /// The whole page, the viewport first grown to the page's height.
    pub fn screenshot(&mut self) -> Shot {
        let metrics = self.call("Page.getLayoutMetrics", json!({}));
        let page_height = metrics["cssContentSize"]["height"]
            .as_f64()
            .unwrap_or(0.0)
            .ceil() as u32;
        if page_height > self.height {
            self.resize(page_height.min(MAX_HEIGHT));
        }
        let shot = self.call("Page.captureScreenshot", json!({"format": "png"}));
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        Shot::decode(png)
    }

    /// The part of the page under `rect` (wherever it is, past the viewport too), and `rect`
    /// as it lies in that picture.
    pub fn screenshot_of(&mut self, rect: Rect) -> (Shot, Rect) {
        let (x, y) = (rect.x.max(0.0).floor(), rect.y.max(0.0).floor());
        let clip = json!({"x": x, "y": y, "width": (rect.x + rect.w).ceil() - x,
            "height": (rect.y + rect.h).ceil() - y, "scale": 1});
        let shot = self.call(
            "Page.captureScreenshot",
            json!({"format": "png", "clip": clip, "captureBeyondViewport": true}),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(shot["data"].as_str().unwrap())
            .unwrap();
        let moved = Rect {
            x: rect.x - x,
            y: rect.y - y,
            ..rect
        };
        (Shot::decode(png), moved)
    }

    /// From now on, render as a browser set to dark mode (`prefers-color-scheme: dark`).
    pub fn prefer_dark(&mut self) {
        self.call(
            "Emulation.setEmulatedMedia",
            json!({"features": [{"name": "prefers-color-scheme", "value": "dark"}]}),
        );
    }

    /// A left click in the middle of `rect`, as a mouse would.
    pub fn click(&mut self, rect: Rect) {
        let (x, y) = rect.centre();
        for kind in ["mousePressed", "mouseReleased"] {
            self.call(
                "Input.dispatchMouseEvent",
                json!({"type": kind, "x": x, "y": y, "button": "left", "clickCount": 1}),
            );
        }
    }
}

impl Drop for Page {
    fn drop(&mut self) {
        // the whole process group: the browser and its renderer, GPU and zygote processes
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.child.id())])
            .status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `rgb(0, 158, 115)` (or `rgba(…, 1)`) → the colour; `none`, gradients, translucent → None.
fn opaque_rgb(paint: &str) -> Option<Rgb> {
    let inner = paint
        .strip_prefix("rgba(")
        .or_else(|| paint.strip_prefix("rgb("))?
        .strip_suffix(')')?;
    let parts: Vec<f64> = inner
        .split(',')
        .map(|p| p.trim().parse().ok())
        .collect::<Option<_>>()?;
    match parts[..] {
        [r, g, b] => Some([r as u8, g as u8, b as u8]),
        [r, g, b, a] if a >= 1.0 => Some([r as u8, g as u8, b as u8]),
        _ => None,
    }
}
