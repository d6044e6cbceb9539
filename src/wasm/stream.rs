//! The asynchronous side of the engine: `pipeTo` into a WHATWG `WritableStream` and `readable()`
//! as a pull-based `ReadableStream`, both over [`wasm_streams`], yielding to the event loop between
//! chunks by a time budget, honouring backpressure (`writer.ready`) and abort signals.

use std::cell::RefCell;
use std::rc::Rc;

use futures_util::future::{select, Either};
use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

use super::Run;

/// Work this long (ms) between yields to the event loop: about half a 60 Hz frame, so a page's
/// main thread or a server's other requests get a turn at least every frame.
pub(crate) const YIELD_BUDGET_MS: f64 = 8.0;

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// Yields a macrotask: `scheduler.yield()` where present, else `setImmediate` (Node, Deno), else a
/// `MessageChannel` message (browsers, workers), else `setTimeout(0)`.
pub(crate) async fn yield_to_event_loop() {
    let global = js_sys::global();
    let scheduler = get(&global, "scheduler");
    if scheduler.is_object() {
        if let Ok(f) = get(&scheduler, "yield").dyn_into::<Function>() {
            if let Ok(p) = f.call0(&scheduler).and_then(|p| p.dyn_into::<Promise>()) {
                let _ = JsFuture::from(p).await;
                return;
            }
        }
    }
    let immediate = get(&global, "setImmediate").dyn_into::<Function>().ok();
    let channel = get(&global, "MessageChannel").dyn_into::<Function>().ok();
    let mut port = JsValue::UNDEFINED;
    let p = Promise::new(&mut |resolve, _reject| {
        if let Some(f) = &immediate {
            let _ = f.call1(&JsValue::UNDEFINED, &resolve);
        } else if let Some(ctor) = &channel {
            if let Ok(ch) = Reflect::construct(ctor, &js_sys::Array::new()) {
                port = get(&ch, "port1");
                let _ = Reflect::set(&port, &"onmessage".into(), &resolve);
                if let Ok(post) = get(&get(&ch, "port2"), "postMessage").dyn_into::<Function>() {
                    let _ = post.call1(&get(&ch, "port2"), &0.into());
                }
            }
        } else if let Ok(f) = get(&global, "setTimeout").dyn_into::<Function>() {
            let _ = f.call2(&JsValue::UNDEFINED, &resolve, &0.into());
        } else {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    let _ = JsFuture::from(p).await;
    if let Ok(close) = get(&port, "close").dyn_into::<Function>() {
        let _ = close.call0(&port);
    }
}

/// Yields when the time budget since the last yield is spent.
pub(crate) async fn maybe_yield(run: &Rc<RefCell<Run>>) {
    let due = {
        let r = run.borrow();
        js_sys::Date::now() - r.last_yield >= YIELD_BUDGET_MS
    };
    if due {
        yield_to_event_loop().await;
        run.borrow_mut().last_yield = js_sys::Date::now();
    }
}

/// The error an aborted signal stands for: its reason when that is an `AbortError` (or, for the
/// engine's own "freed" signal, any `Error`), else a `DOMException` named `AbortError`.
pub(crate) fn abort_error(signal: &AbortSignal) -> JsValue {
    let reason = signal.reason();
    if reason.is_instance_of::<js_sys::Error>() {
        let name = get(&reason, "name").as_string().unwrap_or_default();
        if name == "AbortError" || get(&reason, "patientgenFreed").is_truthy() {
            return reason;
        }
    }
    let message = if reason.is_undefined() {
        "The operation was aborted".to_string()
    } else {
        // `String(reason)`, as the JS layer did.
        get(&js_sys::global(), "String")
            .dyn_into::<Function>()
            .ok()
            .and_then(|f| f.call1(&JsValue::UNDEFINED, &reason).ok())
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    };
    web_sys::DomException::new_with_message_and_name(&message, "AbortError").map(JsValue::from).unwrap_or(reason)
}

/// Listens to abort signals: a promise rejected with the first abort, and the listeners to remove.
struct AbortWatch {
    /// Rejects with the first abort (awaited from the start: never an unhandled rejection).
    fired: JsFuture,
    listeners: Vec<(AbortSignal, Closure<dyn FnMut()>)>,
}

impl AbortWatch {
    fn new(signals: &[AbortSignal]) -> AbortWatch {
        let mut listeners = Vec::new();
        let promise = Promise::new(&mut |_resolve, reject| {
            for s in signals {
                let (sig, reject) = (s.clone(), reject.clone());
                let cb = Closure::<dyn FnMut()>::new(move || {
                    let _ = reject.call1(&JsValue::UNDEFINED, &abort_error(&sig));
                });
                let _ = s.add_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
                listeners.push((s.clone(), cb));
            }
        });
        AbortWatch { fired: JsFuture::from(promise), listeners }
    }

    fn aborted(&self) -> Option<JsValue> {
        self.listeners.iter().find(|(s, _)| s.aborted()).map(|(s, _)| abort_error(s))
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        for (s, cb) in &self.listeners {
            let _ = s.remove_event_listener_with_callback("abort", cb.as_ref().unchecked_ref());
        }
    }
}

/// Awaits `p` unless a signal aborts first.
async fn race(p: Promise, watch: &mut AbortWatch) -> Result<JsValue, JsValue> {
    match select(JsFuture::from(p), &mut watch.fired).await {
        Either::Left((r, _)) => r,
        Either::Right((r, _)) => r.and(Err(JsValue::from_str("aborted"))),
    }
}

/// What ended a pipe early, for the metrics.
fn error_type(e: &JsValue) -> &'static str {
    match get(e, "name").as_string().as_deref() {
        Some("AbortError") => "cancelled",
        Some("ConfigError") => "config_invalid",
        _ if get(e, "patientgenFreed").is_truthy() => "cancelled",
        _ => "output",
    }
}

/// Writes every chunk into `writable`: awaits `writer.ready` (backpressure) before generating the
/// next chunk, yields to the event loop by time budget, and stops within one chunk when a signal
/// aborts (the writer is aborted; the bytes written end at a record boundary). A chunk's records
/// count as written once the sink has accepted it. `on_progress` is called after each chunk.
pub(crate) async fn pipe(
    run: Rc<RefCell<Run>>,
    writable: web_sys::WritableStream,
    signals: Vec<AbortSignal>,
    on_progress: Option<Function>,
    counters: impl Fn() -> JsValue,
    prevent_close: bool,
) -> Result<JsValue, JsValue> {
    let mut stream = wasm_streams::WritableStream::from_raw(writable);
    let mut writer = stream.try_get_writer().map_err(JsValue::from)?;
    let mut watch = AbortWatch::new(&signals);
    let result: Result<(), JsValue> = async {
        if let Some(e) = watch.aborted() {
            return Err(e);
        }
        loop {
            race(writer.as_raw().ready(), &mut watch).await?;
            if let Some(e) = watch.aborted() {
                return Err(e);
            }
            let next = run.borrow_mut().next_chunk_copy()?;
            let Some((chunk, records)) = next else { break };
            // Counted once the sink has accepted the chunk; a failed write rejects `ready`.
            let written = JsFuture::from(writer.as_raw().write_with_chunk(&chunk));
            let r = run.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if written.await.is_ok() {
                    r.borrow_mut().written += records;
                }
            });
            if let Some(f) = &on_progress {
                f.call1(&JsValue::UNDEFINED, &counters())?;
            }
            maybe_yield(&run).await;
        }
        if prevent_close {
            race(writer.as_raw().ready(), &mut watch).await?;
        } else {
            writer.close().await?;
        }
        Ok(())
    }
    .await;
    if let Err(e) = &result {
        {
            let mut r = run.borrow_mut();
            if !r.freed {
                r.fail(error_type(e));
            }
        }
        let _ = writer.abort_with_reason(e).await;
    }
    drop(writer);
    result.map(|()| JsValue::UNDEFINED)
}

/// Counts a readable's run as cancelled when it is dropped unfinished (`cancel()`, a pipe abort).
struct Cancel(Rc<RefCell<Run>>);

impl Drop for Cancel {
    fn drop(&mut self) {
        if let Ok(mut r) = self.0.try_borrow_mut() {
            if !r.freed && !r.finished {
                r.fail("cancelled");
            }
        }
    }
}

/// A pull-based `ReadableStream` of the chunks: nothing is generated before a read (high-water
/// mark 0); an aborted `signal` or a freed engine errors the stream.
pub(crate) fn readable(run: Rc<RefCell<Run>>, signal: Option<AbortSignal>) -> web_sys::ReadableStream {
    let state = (Cancel(run), signal);
    let stream = futures_util::stream::unfold(Some(state), |state| async move {
        let (guard, signal) = state?;
        let run = guard.0.clone();
        if run.borrow().freed {
            return Some((Err(super::freed_error()), None));
        }
        if let Some(s) = signal.as_ref().filter(|s| s.aborted()) {
            run.borrow_mut().fail("cancelled");
            return Some((Err(abort_error(s)), None));
        }
        maybe_yield(&run).await;
        let next = run.borrow_mut().next_chunk_copy();
        match next {
            Ok(Some((chunk, records))) => {
                run.borrow_mut().written += records;
                Some((Ok(chunk.into()), Some((guard, signal))))
            }
            Ok(None) => None,
            Err(e) => Some((Err(e), None)),
        }
    });
    wasm_streams::ReadableStream::from_stream(stream).into_raw().unchecked_into()
}
